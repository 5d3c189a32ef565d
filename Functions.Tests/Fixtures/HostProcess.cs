using System.Collections.Concurrent;
using System.Diagnostics;
using Connectors.Hosting;

namespace Connectors.Tests.Fixtures;

/// <summary>
/// The shipped host as its own process (`dotnet Connectors.Functions.dll`), as a developer runs it: for tests of
/// start-up, settings files, logs and crashes (SIGKILL). Its console output is captured. One copy, compiled into the
/// tests, the benchmark and the reliability scenarios (linked; internal to each, so the three never clash).
/// </summary>
internal sealed class HostProcess : IAsyncDisposable
{
    readonly Process _process;
    public ConcurrentQueue<string> Output { get; } = new();
    public string BaseUrl { get; }
    public int ProcessId => _process.Id;

    HostProcess(Process process, string baseUrl) => (_process, BaseUrl) = (process, baseUrl);

    /// <param name="environment">Its settings. Unless they say otherwise (LocalSettings = a path), it reads no local.settings.json:
    /// a developer's Functions/local.settings.json, copied next to the app, must not change what a test or benchmark runs.</param>
    /// <param name="appDirectory">Where the build to run is; by default the one beside this assembly.</param>
    public static async Task<HostProcess> StartAsync(string workingDirectory, IReadOnlyDictionary<string, string> environment, TimeSpan? timeout = null, string? appDirectory = null)
    {
        var port = Azurite.FreePort();
        var dll = Path.Combine(appDirectory ?? AppContext.BaseDirectory, "Connectors.Functions.dll");
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(dll);
        psi.ArgumentList.Add("--urls");
        psi.ArgumentList.Add($"http://127.0.0.1:{port}");
        // What the caller's own environment holds must not change what runs: only the settings given here count.
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("AzureWebJobs", StringComparison.OrdinalIgnoreCase) || k.StartsWith("Logging", StringComparison.OrdinalIgnoreCase) || k is "AdminKey").ToList())
            psi.Environment.Remove(key);
        psi.Environment[LocalSettings.Setting] = "none";
        foreach (var (k, v) in environment) psi.Environment[k] = v;
        var process = Process.Start(psi)!;
        var host = new HostProcess(process, $"http://127.0.0.1:{port}");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) host.Output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) host.Output.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(90));
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException($"The host exited with {process.ExitCode}:\n{string.Join('\n', host.Output)}");
            try
            {
                using var r = await http.GetAsync(host.BaseUrl + "/api/manage/connections");
                if (r.StatusCode != System.Net.HttpStatusCode.ServiceUnavailable) break; // serving, storage reachable
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            if (DateTime.UtcNow > deadline) { await host.DisposeAsync(); throw new TimeoutException("The host did not start:\n" + string.Join('\n', host.Output)); }
            await Task.Delay(200);
        }
        return host;
    }

    /// <summary>SIGKILL: no shutdown code runs, as in a crash.</summary>
    public void Kill() { if (!_process.HasExited) _process.Kill(entireProcessTree: false); _process.WaitForExit(); }

    /// <summary>SIGTERM: the host shuts down gracefully (and stops an Azurite it started).</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited) return;
        using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString()])) term?.WaitForExit();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try { await _process.WaitForExitAsync(cts.Token); } catch (OperationCanceledException) { Kill(); }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) { _process.Kill(entireProcessTree: true); await _process.WaitForExitAsync(); }
        _process.Dispose();
    }
}
