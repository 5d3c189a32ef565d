using Connectors.Sources;
using Connectors.Sources.Selldone;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Connectors.Hosting.AzureFunctions;

/// <summary>POST /api/selldone/{token}: the connection is found by its URL token.</summary>
public sealed class SelldoneFunction(WebhookPipeline pipeline, SelldoneSource source)
{
    [Function("Selldone")]
    public Task<IResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.Selldone)] HttpRequest req) =>
        FunctionMap.Deliver(req.HttpContext, pipeline, source);
}
