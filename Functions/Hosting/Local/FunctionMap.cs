using Connectors.Admin;
using Connectors.AdminConsole;
using Connectors.Sources;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Connectors.Hosting;

/// <summary>
/// The one place HTTP routes bind to function logic in the local host (the Azure entry points in Hosting/Azure name
/// the same Routes constants and call the same handlers). Read it as the table of contents of the API.
/// </summary>
public static class FunctionMap
{
    public static IEndpointRouteBuilder MapConnectors(this IEndpointRouteBuilder app, HostJson hostJson)
    {
        var api = app.MapGroup(hostJson.RoutePrefix.Length == 0 ? "" : "/" + hostJson.RoutePrefix);

        // Sources: authenticate, validate, archive, enqueue; every registered source's routes (SourceRegistry).
        api.MapSources();

        // The admin page: static files, anonymous; what it shows comes from the admin routes below.
        api.MapConsole();

        // Admin: behind the admin key.
        var admin = api.MapGroup("").AddEndpointFilter<AdminAuth>();
        admin.AddEndpointFilter<Connectors.Audit.AuditFilter>(); // after AdminAuth: records who changed what
        admin.MapAdmin(); // Admin/AdminMap.cs: every admin route
        return app;
    }

    /// <summary>Every source route is this one call: the pipeline with the source's own steps.</summary>
    public static Task<IResult> Deliver<TSource>(HttpContext context, WebhookPipeline pipeline, TSource source) where TSource : IWebhookSource =>
        pipeline.HandleAsync(context, source);
}
