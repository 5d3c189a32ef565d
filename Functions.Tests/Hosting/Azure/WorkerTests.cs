using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Connectors.Hosting;
using Connectors.Hosting.AzureFunctions;

namespace Connectors.Tests.Hosting.AzureFunctions;

/// <summary>How the one binary tells the Functions host's start from any other (docs/hosting.md).</summary>
public sealed class WorkerTests
{
    // What azure-functions-host passes to a dotnet-isolated worker (RpcWorkerContext and its --functions-* forms).
    static readonly string[] FunctionsHostArgs =
    [
        "--host", "127.0.0.1", "--port", "50123", "--workerId", "7a1c", "--requestId", "9b2d", "--grpcMaxMessageLength", "2147483647",
        "--functions-uri", "http://127.0.0.1:50123/", "--functions-worker-id", "7a1c", "--functions-request-id", "9b2d", "--functions-grpc-max-message-length", "2147483647",
    ];

    [Fact]
    public void Started_with_the_Functions_hosts_options_it_is_the_worker()
    {
        Assert.True(Worker.StartedByFunctionsHost(FunctionsHostArgs));
        Assert.True(Worker.StartedByFunctionsHost(["--functions-uri=http://127.0.0.1:50123/", "--functions-worker-id=7a1c", "--functions-request-id=9b2d"]));
        Assert.True(Worker.StartedByFunctionsHost(["--host", "127.0.0.1", "--port", "50123", "--workerId", "7a1c", "--requestId", "9b2d"]));
    }

    [Fact]
    public void Started_any_other_way_it_is_the_local_host()
    {
        Assert.False(Worker.StartedByFunctionsHost([]));
        Assert.False(Worker.StartedByFunctionsHost(["--urls", "http://127.0.0.1:7071"]));
        // A setting that happens to share a name is not the host's option, nor is a value that mentions one.
        Assert.False(Worker.StartedByFunctionsHost(["--functions-uri-note", "x", "--Values:workerId", "1"]));
        Assert.False(Worker.StartedByFunctionsHost(["--urls", "http://127.0.0.1:7071/--functions-uri"]));
    }

    [Fact]
    public async Task The_built_binary_started_as_the_Functions_host_starts_it_dials_the_hosts_gRPC_endpoint()
    {
        // A stand-in for the host's gRPC endpoint: the worker connects to it at start; the local host never would.
        await using var azurite = await Azurite.StartAsync();
        using var grpc = new TcpListener(IPAddress.Loopback, 0);
        grpc.Start();
        var port = ((IPEndPoint)grpc.LocalEndpoint).Port;
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Path.GetTempPath() };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Connectors.Functions.dll"));
        foreach (var a in new[] { "--host", "127.0.0.1", "--port", port.ToString(), "--workerId", "w1", "--requestId", "r1", "--functions-uri", $"http://127.0.0.1:{port}/", "--functions-worker-id", "w1", "--functions-request-id", "r1" })
            psi.ArgumentList.Add(a);
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("AzureWebJobs", StringComparison.OrdinalIgnoreCase) || k is "AdminKey").ToList()) psi.Environment.Remove(key);
        psi.Environment["AzureWebJobsStorage"] = azurite.ConnectionString;
        using var process = Process.Start(psi)!;
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            var accept = grpc.AcceptTcpClientAsync(cts.Token).AsTask();
            var exited = process.WaitForExitAsync(cts.Token);
            var first = await Task.WhenAny(accept, exited);
            Assert.True(first == accept && accept.IsCompletedSuccessfully, "The worker did not connect to the host's endpoint:\n" + string.Join('\n', output));
            (await accept).Dispose();
            Assert.DoesNotContain(output, line => line.Contains("Admin routes are off", StringComparison.Ordinal)); // the local host's start-up line
        }
        finally
        {
            if (!process.HasExited) { process.Kill(entireProcessTree: true); await process.WaitForExitAsync(); }
        }
    }
}
