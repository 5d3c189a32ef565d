using Connectors.Sources;
using Connectors.Sources.Bookto;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Connectors.Hosting.AzureFunctions;

/// <summary>POST /api/bookto/{connectionId}: timestamped, signed deliveries.</summary>
public sealed class BooktoFunction(WebhookPipeline pipeline, BooktoSource source)
{
    [Function("Bookto")]
    public Task<IResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.Bookto)] HttpRequest req) =>
        FunctionMap.Deliver(req.HttpContext, pipeline, source);
}
