using System.Text.Json;

namespace Connectors.Hosting;

/// <summary>The parts of host.json the local host honours, with the Functions host's defaults.</summary>
public sealed record HostJson
{
    public string RoutePrefix { get; init; } = "api";
    public QueueTriggerOptions Queues { get; init; } = new();

    public static HostJson Load(string path)
    {
        if (!File.Exists(path)) return new HostJson();
        using var doc = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var root = doc.RootElement;
        var result = new HostJson();
        if (!root.TryGetProperty("extensions", out var ext)) return result;
        if (ext.TryGetProperty("http", out var http) && http.TryGetProperty("routePrefix", out var prefix) && prefix.ValueKind == JsonValueKind.String)
            result = result with { RoutePrefix = prefix.GetString()!.Trim('/') };
        if (ext.TryGetProperty("queues", out var q))
        {
            var d = new QueueTriggerOptions();
            result = result with
            {
                Queues = new QueueTriggerOptions
                {
                    BatchSize = Int(q, "batchSize") ?? d.BatchSize,
                    NewBatchThreshold = Int(q, "newBatchThreshold") ?? (Int(q, "batchSize") ?? d.BatchSize) / 2,
                    MaxPollingInterval = Span(q, "maxPollingInterval") ?? d.MaxPollingInterval,
                    VisibilityTimeout = Span(q, "visibilityTimeout") ?? d.VisibilityTimeout,
                    MaxDequeueCount = Int(q, "maxDequeueCount") ?? d.MaxDequeueCount,
                    MessageEncoding = q.TryGetProperty("messageEncoding", out var enc) && enc.ValueKind == JsonValueKind.String ? enc.GetString()! : d.MessageEncoding,
                }
            };
        }
        return result;
    }

    /// <summary>host.json next to the app (copied to the output), else the repository root's.</summary>
    public static string Locate()
    {
        foreach (var dir in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory(), Path.Combine(Directory.GetCurrentDirectory(), "..") })
        {
            var p = Path.Combine(dir, "host.json");
            if (File.Exists(p)) return Path.GetFullPath(p);
        }
        return Path.Combine(AppContext.BaseDirectory, "host.json");
    }

    static int? Int(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.TryGetInt32(out var i) ? i : null;

    static TimeSpan? Span(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && TimeSpan.TryParse(v.GetString(), System.Globalization.CultureInfo.InvariantCulture, out var t) ? t : null;
}

/// <summary>host.json extensions.queues, with the Azure Functions defaults.</summary>
public sealed record QueueTriggerOptions
{
    public int BatchSize { get; init; } = 16;
    public int NewBatchThreshold { get; init; } = 8;
    public TimeSpan MaxPollingInterval { get; init; } = TimeSpan.FromMinutes(1);
    public TimeSpan VisibilityTimeout { get; init; } = TimeSpan.Zero;
    public int MaxDequeueCount { get; init; } = 5;
    /// <summary>"base64" (the Functions default) or "none".</summary>
    public string MessageEncoding { get; init; } = "base64";
}
