using System.Collections.Concurrent;
using System.Diagnostics;
using Connectors.Hosting;
using Connectors.Storage;

namespace Connectors.Reliability.Crash;

/// <summary>
/// Azurite persisting to a folder, and the shipped host (`dotnet Connectors.Functions.dll`) as its own process with its
/// default logging, so it can be SIGKILLed like a crashed machine and started again on the same storage.
/// </summary>
public sealed class ShippedHostRig : IAsyncDisposable
{
    public const string AdminKey = "reliability-admin-key-0123456789";

    readonly string _location = Path.Combine(Path.GetTempPath(), "connectors-crash-" + Guid.NewGuid().ToString("N"));
    Azurite _azurite = null!;
    Process? _host;
    HttpClient? _http;

    /// <summary>Every line every host process wrote (stdout and stderr).</summary>
    public ConcurrentQueue<string> Output { get; } = new();

    public static async Task<ShippedHostRig> StartAsync()
    {
        var rig = new ShippedHostRig();
        rig._azurite = await Azurite.StartAsync(location: rig._location);
        return rig;
    }

    /// <summary>Starts a host process on a free port and waits until it answers; the target talks to it.</summary>
    public async Task<Target> StartHostAsync()
    {
        var port = Azurite.FreePort();
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = Directory.CreateDirectory(Path.Combine(_location, "host")).FullName, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Connectors.Functions.dll"));
        psi.ArgumentList.Add("--urls");
        psi.ArgumentList.Add($"http://127.0.0.1:{port}");
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("AzureWebJobs", StringComparison.OrdinalIgnoreCase) || k.StartsWith("Logging", StringComparison.OrdinalIgnoreCase) || k == "AdminKey").ToList()) psi.Environment.Remove(key);
        psi.Environment["AzureWebJobsStorage"] = _azurite.ConnectionString;
        psi.Environment["AdminKey"] = AdminKey;
        psi.Environment[LocalSettings.Setting] = "none"; // a developer's Functions/local.settings.json must not change the scenario
        _host = Process.Start(psi)!;
        _host.OutputDataReceived += (_, e) => { if (e.Data is not null) Output.Enqueue(e.Data); };
        _host.ErrorDataReceived += (_, e) => { if (e.Data is not null) Output.Enqueue(e.Data); };
        _host.BeginOutputReadLine();
        _host.BeginErrorReadLine();
        _http?.Dispose();
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        var target = new Target
        {
            Http = _http, AdminKey = AdminKey, Storage = StorageAccount.FromConnectionString(_azurite.ConnectionString), Logs = () => Output.ToArray(),
        };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (!await target.Admin.HealthyAsync())
        {
            if (_host.HasExited) throw new ScenarioException($"The host exited with {_host.ExitCode}:\n{string.Join('\n', Output)}");
            if (DateTime.UtcNow > deadline) throw new ScenarioException("The host did not start:\n" + string.Join('\n', Output));
            await Task.Delay(200);
        }
        return target;
    }

    /// <summary>SIGKILL: no shutdown code runs, as in a crash.</summary>
    public void KillHost()
    {
        if (_host is { HasExited: false }) _host.Kill(entireProcessTree: false);
        _host?.WaitForExit();
    }

    /// <summary>Azurite stopped gracefully (SIGTERM: it flushes to disk) and started again on the same ports and folder.</summary>
    public async Task RestartStorageAsync()
    {
        await _azurite.StopAsync(graceful: true);
        await _azurite.DisposeAsync();
        _azurite = await Azurite.StartAsync(_azurite.BlobPort, _azurite.QueuePort, _azurite.TablePort, _location);
    }

    public async ValueTask DisposeAsync()
    {
        KillHost();
        _host?.Dispose();
        _http?.Dispose();
        await _azurite.DisposeAsync();
        try { Directory.Delete(_location, recursive: true); } catch (IOException) { }
    }
}
