using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Connectors.Storage;

/// <summary>
/// Every request this process sends to storage, counted by service, resource and kind ("table Orders point-read",
/// "queue connector-events send"): what an order costs the storage, and the proof that the hot path never queries a table
/// (a query is the only request whose cost can grow with the books). Counted per attempt, retries included.
/// </summary>
public sealed class StorageRequests
{
    readonly ConcurrentDictionary<(string Service, string Resource, string Kind), long> _counts = new();

    public DateTimeOffset Since { get; } = DateTimeOffset.UtcNow;

    public sealed record Count(string Service, string Resource, string Kind, long Requests);

    public IReadOnlyList<Count> Snapshot() =>
        _counts.Select(c => new Count(c.Key.Service, c.Key.Resource, c.Key.Kind, c.Value))
            .OrderBy(c => c.Service, StringComparer.Ordinal).ThenBy(c => c.Resource, StringComparer.Ordinal).ThenBy(c => c.Kind, StringComparer.Ordinal).ToList();

    /// <summary>The pipeline policy for one service's client; every client of that service shares it.</summary>
    public HttpPipelinePolicy For(string service) => new Counter(this, service);

    void Add(string service, Request request) => _counts.AddOrUpdate(Classify(service, request), 1, static (_, n) => n + 1);

    internal static (string Service, string Resource, string Kind) Classify(string service, Request request) => (service, Resource(service, request.Uri), Kind(service, request));

    /// <summary>The table, queue or container a request names: the first path segment after the account (path-style
    /// for Azurite, host-style in Azure), without the keys of a table row.</summary>
    static string Resource(string service, RequestUriBuilder uri)
    {
        var segments = uri.Path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var pathStyle = uri.Host == "localhost" || System.Net.IPAddress.TryParse(uri.Host, out _) || segments.FirstOrDefault() == "devstoreaccount1";
        var skip = pathStyle ? 1 : 0;
        if (segments.Length <= skip) return "(account)";
        var first = Uri.UnescapeDataString(segments[skip]);
        return service == "table" && first.IndexOf('(') is var paren and >= 0 ? first[..paren] : first;
    }

    static string Kind(string service, Request request)
    {
        var method = request.Method.Method;
        var path = request.Uri.Path;
        var query = request.Uri.Query;
        return service switch
        {
            "table" when path.EndsWith("$batch", StringComparison.Ordinal) => "transaction",
            // A row addressed by its keys in the path is a point operation; a GET without them is a query.
            "table" when path.Contains("(PartitionKey=", StringComparison.Ordinal) || path.Contains("(PartitionKey%3D", StringComparison.OrdinalIgnoreCase) => method switch
            {
                "GET" => "point-read", "DELETE" => "delete", _ => "update",
            },
            "table" => method switch { "GET" => "query", "POST" => "insert", _ => method.ToLowerInvariant() },
            "queue" when path.EndsWith("/messages", StringComparison.Ordinal) => method switch
            {
                "POST" => "send", "GET" when query.Contains("peekonly=true", StringComparison.OrdinalIgnoreCase) => "peek", "GET" => "receive", _ => method.ToLowerInvariant(),
            },
            "queue" when path.Contains("/messages/", StringComparison.Ordinal) => method switch { "DELETE" => "delete", "PUT" => "update", _ => method.ToLowerInvariant() },
            _ => method.ToLowerInvariant(),
        };
    }

    sealed class Counter(StorageRequests counts, string service) : HttpPipelineSynchronousPolicy
    {
        public override void OnSendingRequest(HttpMessage message) => counts.Add(service, message.Request);
    }
}
