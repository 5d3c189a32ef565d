using Connectors.Activity;
using Connectors.Connections;
using Connectors.Ingest;
using Connectors.Posting;
using Connectors.Protection;
using Connectors.Sources;
using Connectors.Storage;
using Connectors.Throttling;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Connectors.Hosting;

/// <summary>The services every host registers (the local host and the Azure Functions worker alike).</summary>
public static class ConnectorServices
{
    public static IServiceCollection AddConnectors(this IServiceCollection services, IConfiguration config, HostJson hostJson)
    {
        services.AddSingleton(hostJson);
        services.AddSingleton(hostJson.Queues);
        services.AddOptions<ConnectorOptions>().Bind(config).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ConnectorOptions>, ConnectorOptions.Check>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(_ => StorageAccount.FromConfiguration(config, StorageAccount.EncodingFor(hostJson.Queues.MessageEncoding)));

        services.AddSecretProtection(config);
        services.AddSingleton<ConnectionStore>();
        services.AddSingleton<ActivityLog>();
        services.AddSingleton<Receipts>();
        services.AddSingleton(sp => new EventQueue(sp.GetRequiredService<StorageAccount>(), sp.GetRequiredService<IOptions<ConnectorOptions>>().Value.QueueLinger));
        services.AddSingleton<Outbox>();
        services.AddHostedService<OutboxSweeper>();
        services.AddSingleton<RawArchive>();
        services.AddSingleton<Ingestor>();
        services.AddSingleton<DeliveriesInFlight>();
        services.AddSingleton<WebhookPipeline>();
        services.AddThrottling(config);
        services.AddSingleton<Connectors.Admin.AdminCredentials>();
        Connectors.Audit.AuditServices.AddAudit(services);

        services.AddSources(); // Sources/SourceRegistry.cs: one line per platform

        services.AddPosting(config);
        services.AddSingleton<PostingThrottle>();
        services.AddSingleton<PostEventFunction>();
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true); // a bad query value answers 400 naming the parameter
        services.AddTransient<Microsoft.AspNetCore.Hosting.IStartupFilter, Activity.UnroutedRequests>();
        services.AddLogging(b => b.AddFilter("Microsoft.AspNetCore", Microsoft.Extensions.Logging.LogLevel.Warning)); // request paths carry delivery tokens: never log them (host.json says Warning too)
        return services;
    }
}
