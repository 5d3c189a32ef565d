using Connectors.Sources.Bookto;
using Connectors.Sources.Custom;
using Connectors.Sources.Jumpseller;
using Connectors.Sources.Selldone;
using Connectors.Sources.Shopify;
using Connectors.Sources.WooCommerce;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Connectors.Sources;

/// <summary>
/// The platforms this app serves. Adding one is a folder under Sources/ (its IWebhookSource and its SourceDescription)
/// and one line here; the services, the local host's routes and the admin's rules all follow from the list.
/// </summary>
public static class SourceRegistry
{
    /// <summary>In the order error messages list them.</summary>
    public static readonly IReadOnlyList<SourceDescription> All =
    [
        CustomPlatform.Description,
        WooCommercePlatform.Description,
        ShopifyPlatform.Description,
        JumpsellerPlatform.Description,
        SelldonePlatform.Description,
        BooktoPlatform.Description,
    ];

    static readonly Dictionary<string, SourceDescription> ByName = All.ToDictionary(d => d.Platform, StringComparer.Ordinal);

    public static IReadOnlyList<string> Platforms { get; } = [.. All.Select(d => d.Platform)];

    public static SourceDescription? Find(string? platform) => platform is not null && ByName.TryGetValue(platform, out var d) ? d : null;

    /// <summary>Each source is resolvable by its type (for its Azure entry point) and among all sources (to replay archived deliveries).</summary>
    public static IServiceCollection AddSources(this IServiceCollection services)
    {
        foreach (var d in All)
        {
            var type = d.Source;
            services.AddSingleton(type);
            services.AddSingleton(sp => (IWebhookSource)sp.GetRequiredService(type));
        }
        return services;
    }

    /// <summary>The local host maps every route of every source to the pipeline with that source's steps.</summary>
    public static IEndpointRouteBuilder MapSources(this IEndpointRouteBuilder api)
    {
        foreach (var d in All)
        {
            var type = d.Source;
            foreach (var route in d.Routes)
                api.MapMethods(route.Template, [route.Method], (HttpContext context, WebhookPipeline pipeline) =>
                    pipeline.HandleAsync(context, (IWebhookSource)context.RequestServices.GetRequiredService(type)));
        }
        return api;
    }
}
