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

    readonly IReadOnlyList<Process> _processes;
    readonly IReadOnlyList<string> _names;
    public int BlobPort { get; }
    public int QueuePort { get; }
    public int TablePort { get; }
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/{AccountName};QueueEndpoint=http://127.0.0.1:{QueuePort}/{AccountName};TableEndpoint=http://127.0.0.1:{TablePort}/{AccountName};";

    Azurite(IReadOnlyList<Process> processes, IReadOnlyList<string> names, int blob, int queue, int table) =>
        (_processes, _names, BlobPort, QueuePort, TablePort) = (processes, names, blob, queue, table);

    /// <summary>The node processes by name ("azurite", or "azurite-blob", "-queue", "-table"): the benchmark reads their CPU time.</summary>
    public IReadOnlyList<(string Name, int ProcessId)> Processes => [.. _names.Zip(_processes, (n, p) => (n, p.Id))];

    /// <summary>Starts Azurite and waits until all three services accept connections.</summary>
    /// <param name="location">A folder to persist to; null keeps everything in memory.</param>
    /// <param name="separateServices">
    /// Blob, queue and table each in their own node process (azurite-blob, -queue, -table), as they are separate
    /// services in Azure: one busy service then does not hold up the others' requests on one event loop.
    /// </param>
    /// <param name="queueLocation">
    /// With separateServices: a folder for the queue service alone (the others stay as location says). In memory,
    /// Azurite's queue keeps every message as an extent of its own and sweeps them once a minute without yielding,
    /// answering nothing for seconds after a busy minute; file-backed (on a RAM disk, say) it packs messages into few extents.
    /// </param>
    public static async Task<Azurite> StartAsync(int blobPort = 0, int queuePort = 0, int tablePort = 0, string? location = null, TimeSpan? timeout = null, bool separateServices = false, string? queueLocation = null)
    {
        // A port found free can be taken by another process before Azurite binds it (tests start many at once):
        // when the ports were ours to choose, an Azurite that exits at start is tried again on fresh ones.
        var choose = blobPort == 0 && queuePort == 0 && tablePort == 0;
        for (var attempt = 1; ; attempt++)
        {
            try { return await StartOnceAsync(blobPort, queuePort, tablePort, location, timeout, separateServices, queueLocation); }
            catch (AzuriteExitedException) when (choose && attempt < 3) { }
        }
    }

    sealed class AzuriteExitedException(string message) : InvalidOperationException(message);

    static async Task<Azurite> StartOnceAsync(int blobPort, int queuePort, int tablePort, string? location, TimeSpan? timeout, bool separateServices, string? queueLocation)
    {
        blobPort = blobPort == 0 ? FreePort() : blobPort;
        queuePort = queuePort == 0 ? FreePort() : queuePort;
        tablePort = tablePort == 0 ? FreePort() : tablePort;
        var script = LocateScript();
        var services = new List<(string Script, string[] Args)>
        {
            ("blob/main.js", ["--blobHost", "127.0.0.1", "--blobPort", blobPort.ToString()]),
            ("queue/main.js", ["--queueHost", "127.0.0.1", "--queuePort", queuePort.ToString()]),
            ("table/main.js", ["--tableHost", "127.0.0.1", "--tablePort", tablePort.ToString()]),
        };
        var launches = separateServices
            ? services.Select(s => (Path.Combine(Path.GetDirectoryName(script)!, s.Script), s.Args, Suffix: "-" + s.Script.Split('/')[0]))
            : [(script, services.SelectMany(s => s.Args).ToArray(), Suffix: "")];
        var processes = new List<Process>();
        var names = new List<string>();
        foreach (var (path, serviceArgs, suffix) in launches)
        {
            // AZURITE_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles Azurite (node refuses --cpu-prof in NODE_OPTIONS).
            var args = new List<string>((Environment.GetEnvironmentVariable("AZURITE_NODE_ARGS") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries));
            if (File.Exists(ExitWithParentScript)) args.AddRange(["--require", ExitWithParentScript]); // not in a published app
            args.AddRange([path, "--silent", "--skipApiVersionCheck", "--disableProductStyleUrl", "--disableTelemetry"]);
            args.AddRange(serviceArgs);
            // AZURITE_DEBUG_LOG=file logs every request Azurite serves (bench/storage-requests.sh counts them per order).
            if (Environment.GetEnvironmentVariable("AZURITE_DEBUG_LOG") is { Length: > 0 } debugLog) args.AddRange(["--debug", debugLog + suffix]);
            var folder = suffix == "-queue" && queueLocation is not null ? queueLocation : location;
            if (folder is null) args.Add("--inMemoryPersistence");
            else { Directory.CreateDirectory(folder); args.AddRange(["--location", folder]); }
            var psi = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in args) psi.ArgumentList.Add(a);
            var process = Process.Start(psi) ?? throw new InvalidOperationException("Could not start node for Azurite.");
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            processes.Add(process);
            names.Add("azurite" + suffix);
        }
        var azurite = new Azurite(processes, names, blobPort, queuePort, tablePort);
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (!(IsListening(blobPort) && IsListening(queuePort) && IsListening(tablePort)))
        {
            if (processes.FirstOrDefault(p => p.HasExited) is { } exited)
            {
                var code = exited.ExitCode;
                await azurite.DisposeAsync();
                throw new AzuriteExitedException($"Azurite exited with code {code} (is Node installed and were the ports free?).");
            }
            if (DateTime.UtcNow > deadline) { await azurite.DisposeAsync(); throw new TimeoutException("Azurite did not start listening in time."); }
            await Task.Delay(100);
        }
        return azurite;
    }

    /// <summary>Stops Azurite: SIGINT (graceful, it flushes to disk; the table service listens for no other) and, if it lingers, a kill.</summary>
    public async Task StopAsync(bool graceful = true, TimeSpan? patience = null)
    {
        foreach (var process in _processes)
        {
            if (process.HasExited) continue;
            try
            {
                if (graceful && !OperatingSystem.IsWindows())
                {
                    using var kill = Process.Start("kill", ["-INT", process.Id.ToString()]);
                    kill?.WaitForExit();
                    using var cts = new CancellationTokenSource(patience ?? TimeSpan.FromSeconds(10));
                    try { await process.WaitForExitAsync(cts.Token); continue; } catch (OperationCanceledException) { }
                }
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
            catch (InvalidOperationException) { /* already gone */ }
        }
    }

    public async ValueTask DisposeAsync()
    {
        // A node profile (AZURITE_NODE_ARGS) is written only when the process exits by itself, and a busy table's takes a while.
        var profiling = Environment.GetEnvironmentVariable("AZURITE_NODE_ARGS") is { Length: > 0 };
        await StopAsync(graceful: profiling, patience: profiling ? TimeSpan.FromMinutes(2) : null);
        foreach (var process in _processes) process.Dispose();
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

    /// <summary>Preloaded into each Azurite process: it exits when the process that started it dies, even by SIGKILL.</summary>
    static string ExitWithParentScript => Path.Combine(AppContext.BaseDirectory, "azurite-exit-with-parent.cjs");

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
