using Connectors.Hosting;
using Connectors.Storage;
using Connectors.Tests.Fixtures;

namespace Connectors.Reliability.Crash;

/// <summary>
/// Azurite persisting to a folder, and the shipped host (`dotnet Connectors.Functions.dll`) as its own process with its
/// default logging, so it can be SIGKILLed like a crashed machine and started again on the same storage.
/// </summary>
public sealed class ShippedHostRig : IAsyncDisposable
{
    public const string AdminKey = "reliability-admin-key-0123456789";

    readonly string _location = Path.Combine(Path.GetTempPath(), "connectors-crash-" + Guid.NewGuid().ToString("N"));
    readonly List<HostProcess> _hosts = [];
    Azurite _azurite = null!;
    HttpClient? _http;

    /// <summary>Every line every host process wrote (stdout and stderr), host after host.</summary>
    public IReadOnlyList<string> Output => [.. _hosts.SelectMany(h => h.Output)];

    public static async Task<ShippedHostRig> StartAsync()
    {
        var rig = new ShippedHostRig();
        rig._azurite = await Azurite.StartAsync(location: rig._location);
        return rig;
    }

    /// <summary>Starts a host process on a free port and waits until it answers; the target talks to it.</summary>
    public async Task<Target> StartHostAsync()
    {
        HostProcess host;
        try
        {
            host = await HostProcess.StartAsync(Directory.CreateDirectory(Path.Combine(_location, "host")).FullName,
                new Dictionary<string, string> { ["AzureWebJobsStorage"] = _azurite.ConnectionString, ["AdminKey"] = AdminKey });
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException) { throw new ScenarioException(e.Message); }
        _hosts.Add(host);
        _http?.Dispose();
        _http = new HttpClient { BaseAddress = new Uri(host.BaseUrl), Timeout = TimeSpan.FromSeconds(30) };
        var target = new Target
        {
            Http = _http, AdminKey = AdminKey, Storage = StorageAccount.FromConnectionString(_azurite.ConnectionString), Logs = () => [.. Output],
        };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (!await target.Admin.HealthyAsync())
        {
            if (DateTime.UtcNow > deadline) throw new ScenarioException("The host did not become healthy:\n" + string.Join('\n', Output));
            await Task.Delay(200);
        }
        return target;
    }

    /// <summary>SIGKILL: no shutdown code runs, as in a crash.</summary>
    public void KillHost() { if (_hosts.Count > 0) _hosts[^1].Kill(); }

    /// <summary>Azurite stopped gracefully (SIGTERM: it flushes to disk) and started again on the same ports and folder.</summary>
    public async Task RestartStorageAsync()
    {
        await _azurite.StopAsync(graceful: true);
        await _azurite.DisposeAsync();
        _azurite = await Azurite.StartAsync(_azurite.BlobPort, _azurite.QueuePort, _azurite.TablePort, _location);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts) await host.DisposeAsync();
        _http?.Dispose();
        await _azurite.DisposeAsync();
        try { Directory.Delete(_location, recursive: true); } catch (IOException) { }
    }
}
