using Connectors.Sources;
using Connectors.Sources.WooCommerce;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Connectors.Hosting.AzureFunctions;

/// <summary>POST /api/woocommerce/{token} (orders) and its /producto and /product forms (product webhooks): one source.</summary>
public sealed class WooCommerceFunctions(WebhookPipeline pipeline, WooCommerceSource source)
{
    [Function("WooCommerce")]
    public Task<IResult> Orders([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.WooCommerce)] HttpRequest req) =>
        FunctionMap.Deliver(req.HttpContext, pipeline, source);

    [Function("WooCommerceProducto")]
    public Task<IResult> Producto([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.WooCommerceProducto)] HttpRequest req) =>
        FunctionMap.Deliver(req.HttpContext, pipeline, source);

    [Function("WooCommerceProduct")]
    public Task<IResult> Product([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.WooCommerceProduct)] HttpRequest req) =>
        FunctionMap.Deliver(req.HttpContext, pipeline, source);
}
