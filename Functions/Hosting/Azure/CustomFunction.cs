using Connectors.Sources;
using Connectors.Sources.Custom;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Connectors.Hosting.AzureFunctions;

/// <summary>POST /api/custom/{connectionId}: a custom site's signed order events.</summary>
public sealed class CustomFunction(WebhookPipeline pipeline, CustomSource source)
{
    [Function("Custom")]
    public Task<IResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.Custom)] HttpRequest req) =>
        FunctionMap.Deliver(req.HttpContext, pipeline, source);
}
