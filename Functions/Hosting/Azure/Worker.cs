using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Connectors.Hosting.AzureFunctions;

/// <summary>
/// The Azure Functions isolated worker: the same services as the local host, behind the entry points in this folder.
/// Program starts it when the Functions host (func start, Azure) started the process; see docs/hosting.md.
/// </summary>
public static class Worker
{
    /// <summary>
    /// The command-line options the Functions host passes to a worker it starts (azure-functions-host RpcWorkerContext:
    /// "--host --port --workerId --requestId --grpcMaxMessageLength", and their "--functions-*" forms); the .NET worker
    /// connects back with them (GrpcWorkerStartupOptions reads functions-uri, functions-worker-id, workerId, ...).
    /// </summary>
    static readonly string[] HostOptions = ["--functions-uri", "--functions-worker-id", "--functions-request-id", "--workerId", "--requestId"];

    /// <summary>
    /// True when the Functions host started this process: it passed its gRPC options on the command line, or it loaded
    /// the app in-process (FunctionsNetHost, the "native host" Azure uses for placeholders, which sets AZURE_FUNCTIONS_NATIVE_HOST).
    /// Environment variables such as FUNCTIONS_WORKER_RUNTIME decide nothing: a developer's shell or local.settings.json may hold them.
    /// </summary>
    public static bool StartedByFunctionsHost(IReadOnlyList<string> args) =>
        AppContext.GetData("AZURE_FUNCTIONS_NATIVE_HOST") is not null
        || args.Any(a => HostOptions.Any(o => a.Equals(o, StringComparison.OrdinalIgnoreCase) || a.StartsWith(o + "=", StringComparison.OrdinalIgnoreCase)));

    public static IHost Build(string[] args)
    {
        var builder = FunctionsApplication.CreateBuilder(args);
        builder.ConfigureFunctionsWebApplication();
        // Registered after the ASP.NET Core integration, so it runs inside it, with the request's HttpContext still open.
        builder.UseMiddleware<HttpErrorAnswers>();
        builder.UseMiddleware<AdminAuditMiddleware>(); // records admin changes in the Audit table (Functions/Audit)

        builder.Services.AddApplicationInsightsTelemetryWorkerService().ConfigureFunctionsApplicationInsights();
        builder.Services.AddConnectors(builder.Configuration, HostJson.Load(HostJson.Locate()));
        // Creates the tables, queues and containers on start. Under func with UseDevelopmentStorage=true it also starts Azurite
        // when none answers, but the Functions host's queue listener may start first: docs/azure-deployment.md has you start it.
        builder.Services.AddHostedService<DevelopmentStorage>();
        return builder.Build();
    }
}
