using Connectors.Hosting;
using Connectors.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Connectors.Admin;

/// <summary>GET /api/manage/storage-requests: this instance's storage requests since it started, by service, resource and kind.</summary>
public static class StorageRequestsAdmin
{
    public sealed record Answer(DateTimeOffset Since, long Total, IReadOnlyList<StorageRequests.Count> Requests);

    public static Ok<Answer> Get(StorageAccount storage)
    {
        var counts = storage.Requests.Snapshot();
        return TypedResults.Ok(new Answer(storage.Requests.Since, counts.Sum(c => c.Requests), counts));
    }
}
