using Connectors.Sources;
using Connectors.Sources.Jumpseller;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Connectors.Hosting.AzureFunctions;

/// <summary>POST /api/jumpseller: the store is found by Jumpseller-Store-Code, the delivery checked against its hooks token.</summary>
public sealed class JumpsellerFunction(WebhookPipeline pipeline, JumpsellerSource source)
{
    [Function("Jumpseller")]
    public Task<IResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.Jumpseller)] HttpRequest req) =>
        FunctionMap.Deliver(req.HttpContext, pipeline, source);
}
