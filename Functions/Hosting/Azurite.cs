using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Connectors.Hosting;

/// <summary>
/// Azurite, the Azure Storage emulator, run from the repository's node_modules (npm ci installs it).
/// The local host starts one on the well-known ports when "UseDevelopmentStorage=true" finds nothing listening;
/// the tests and the benchmark start their own on free ports, in memory.
/// </summary>
public sealed class Azurite : IAsyncDisposable
{
    public const string AccountName = "devstoreaccount1";
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    readonly Process _process;
    public int BlobPort { get; }
    public int QueuePort { get; }
    public int TablePort { get; }
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/{AccountName};QueueEndpoint=http://127.0.0.1:{QueuePort}/{AccountName};TableEndpoint=http://127.0.0.1:{TablePort}/{AccountName};";

    Azurite(Process process, int blob, int queue, int table) => (_process, BlobPort, QueuePort, TablePort) = (process, blob, queue, table);

    public int ProcessId => _process.Id;

    /// <summary>Starts Azurite and waits until all three services accept connections.</summary>
    /// <param name="location">A folder to persist to; null keeps everything in memory.</param>
    public static async Task<Azurite> StartAsync(int blobPort = 0, int queuePort = 0, int tablePort = 0, string? location = null, TimeSpan? timeout = null)
    {
        blobPort = blobPort == 0 ? FreePort() : blobPort;
        queuePort = queuePort == 0 ? FreePort() : queuePort;
        tablePort = tablePort == 0 ? FreePort() : tablePort;
        var script = LocateScript();
        var args = new List<string> { script, "--silent", "--skipApiVersionCheck", "--disableProductStyleUrl",
            "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1",
            "--blobPort", blobPort.ToString(), "--queuePort", queuePort.ToString(), "--tablePort", tablePort.ToString() };
        // AZURITE_DEBUG_LOG=file logs every request Azurite serves (bench/storage-requests.sh counts them per order).
        if (Environment.GetEnvironmentVariable("AZURITE_DEBUG_LOG") is { Length: > 0 } debugLog) args.AddRange(["--debug", debugLog]);
        if (location is null) args.Add("--inMemoryPersistence");
        else { Directory.CreateDirectory(location); args.AddRange(["--location", location]); }
        var psi = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        var process = Process.Start(psi) ?? throw new InvalidOperationException("Could not start node for Azurite.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var azurite = new Azurite(process, blobPort, queuePort, tablePort);
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (!(IsListening(blobPort) && IsListening(queuePort) && IsListening(tablePort)))
        {
            if (process.HasExited) throw new InvalidOperationException($"Azurite exited with code {process.ExitCode} (is Node installed and were the ports free?).");
            if (DateTime.UtcNow > deadline) { await azurite.DisposeAsync(); throw new TimeoutException("Azurite did not start listening in time."); }
            await Task.Delay(100);
        }
        return azurite;
    }

    /// <summary>Stops Azurite: SIGTERM (graceful, it flushes to disk) and, if it lingers, a kill.</summary>
    public async Task StopAsync(bool graceful = true)
    {
        if (_process.HasExited) return;
        try
        {
            if (graceful && !OperatingSystem.IsWindows())
            {
                using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()]);
                kill?.WaitForExit();
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                try { await _process.WaitForExitAsync(cts.Token); return; } catch (OperationCanceledException) { }
            }
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        catch (InvalidOperationException) { /* already gone */ }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(graceful: false);
        _process.Dispose();
    }

    public static bool IsListening(int port)
    {
        try
        {
            using var client = new TcpClient();
            return client.ConnectAsync(IPAddress.Loopback, port).Wait(TimeSpan.FromMilliseconds(300)) && client.Connected;
        }
        catch (Exception) { return false; }
    }

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    /// <summary>node_modules/azurite of this repository, found by walking up from the app and the working folder.</summary>
    public static string LocateScript()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var script = Path.Combine(dir.FullName, "node_modules", "azurite", "dist", "src", "azurite.js");
                if (File.Exists(script)) return script;
            }
        }
        throw new FileNotFoundException("Azurite is not installed: run 'npm ci' in the repository root (the build does this when node_modules is missing).");
    }
}
