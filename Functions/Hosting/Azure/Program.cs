using Connectors.Hosting;
using Connectors.Hosting.AzureFunctions;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// The Azure Functions isolated worker (built with -p:AzureFunctions=true): the same services as the local host,
// behind the entry points in this folder. `func start` and Azure run this; `dotnet run --project Functions` runs the local host.
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
// Registered after the ASP.NET Core integration, so it runs inside it, with the request's HttpContext still open.
builder.UseMiddleware<HttpErrorAnswers>();
builder.UseMiddleware<AdminAuditMiddleware>(); // records admin changes in the Audit table (Functions/Audit)

builder.Services.AddApplicationInsightsTelemetryWorkerService().ConfigureFunctionsApplicationInsights();
builder.Services.AddConnectors(builder.Configuration, HostJson.Load(HostJson.Locate()));
// Creates the tables, queues and containers on start (and, under func with UseDevelopmentStorage=true, starts Azurite if none runs).
builder.Services.AddHostedService<DevelopmentStorage>();

builder.Build().Run();
