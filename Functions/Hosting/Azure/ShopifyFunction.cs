using Connectors.Sources;
using Connectors.Sources.Shopify;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Connectors.Hosting.AzureFunctions;

/// <summary>POST /api/shopify/{token}: X-Shopify-Hmac-Sha256 over the raw body.</summary>
public sealed class ShopifyFunction(WebhookPipeline pipeline, ShopifySource source)
{
    [Function("Shopify")]
    public Task<IResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.Shopify)] HttpRequest req) =>
        FunctionMap.Deliver(req.HttpContext, pipeline, source);
}
