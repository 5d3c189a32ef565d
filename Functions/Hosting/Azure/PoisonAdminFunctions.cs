using Connectors.Admin;
using Connectors.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Connectors.Hosting.AzureFunctions;

/// <summary>POST /api/manage/poison/replay: the same handler as the local host (PoisonAdmin).</summary>
public sealed class PoisonAdminFunctions(StorageAccount storage)
{
    [Function("ReplayPoison")]
    public Task<IResult> Replay([HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.AdminPoisonReplay)] HttpRequest req) =>
        PoisonAdmin.ReplayAsync(storage, req.HttpContext.RequestAborted);
}
