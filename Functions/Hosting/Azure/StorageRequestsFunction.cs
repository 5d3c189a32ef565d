using Connectors.Admin;
using Connectors.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Connectors.Hosting.AzureFunctions;

/// <summary>GET /api/manage/storage-requests: the same handler as the local host (StorageRequestsAdmin), for this worker instance.</summary>
public sealed class StorageRequestsFunction(StorageAccount storage)
{
    [Function("StorageRequests")]
    public IResult Get([HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.AdminStorageRequests)] HttpRequest req) =>
        StorageRequestsAdmin.Get(storage);
}
