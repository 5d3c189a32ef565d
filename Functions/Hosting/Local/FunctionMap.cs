using Connectors.Admin;
using Connectors.Connections;
using Connectors.Posting;
using Connectors.Sources;
using Connectors.Sources.Custom;
using Connectors.Storage;
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

        // Sources: authenticate, validate, archive, enqueue.
        api.MapPost(Routes.Custom, Deliver<CustomSource>);
        api.MapPost(Routes.Shopify, Deliver<Connectors.Sources.Shopify.ShopifySource>);
        api.MapPost(Routes.WooCommerce, Deliver<Connectors.Sources.WooCommerce.WooCommerceSource>);
        api.MapPost(Routes.WooCommerceProducto, Deliver<Connectors.Sources.WooCommerce.WooCommerceSource>);
        api.MapPost(Routes.WooCommerceProduct, Deliver<Connectors.Sources.WooCommerce.WooCommerceSource>);
        api.MapPost(Routes.Jumpseller, Deliver<Connectors.Sources.Jumpseller.JumpsellerSource>);
        api.MapPost(Routes.Selldone, Deliver<Connectors.Sources.Selldone.SelldoneSource>);
        api.MapPost(Routes.Bookto, Deliver<Connectors.Sources.Bookto.BooktoSource>);

        // Admin: behind the admin key.
        var admin = api.MapGroup("").AddEndpointFilter<AdminAuth>();
        admin.MapConnectionAdmin();
        admin.MapPoisonAdmin();
        admin.MapBooksAdmin();
        admin.MapStorageRequestsAdmin();
        return app;
    }

    /// <summary>Every source route is this one call: the pipeline with the source's own steps.</summary>
    public static Task<IResult> Deliver<TSource>(HttpContext context, WebhookPipeline pipeline, TSource source) where TSource : IWebhookSource =>
        pipeline.HandleAsync(context, source);
}
