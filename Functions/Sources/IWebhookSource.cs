using Connectors.Connections;
using Connectors.Ingest;
using Microsoft.AspNetCore.Http;

namespace Connectors.Sources;

/// <summary>How a source answers the sender once it is authenticated.</summary>
public enum AnswerStyle
{
    /// <summary>Custom sites: 400 for a bad payload, 409 for a duplicate (the seed's contract).</summary>
    Strict,
    /// <summary>Shop platforms: any non-2xx counts as a failed delivery and ends with the webhook disabled, so
    /// duplicates, unknown events and unmappable payloads are answered 200 with a status saying so.</summary>
    Platform,
}

/// <summary>
/// How one source reads a delivery: how it is authenticated and how its body maps onto canonical events (its routes,
/// how a delivery finds its connection and what a connection needs are its SourceDescription's). Everything else is
/// WebhookPipeline's, shared by all.
/// </summary>
public interface IWebhookSource
{
    string Platform { get; }
    AnswerStyle Answers { get; }

    /// <summary>The live connection this request is for, or null: 404. Found as the source's description says (SourceDescription.FoundBy).</summary>
    Task<Connection?> ResolveAsync(HttpRequest request, ConnectionStore connections, CancellationToken ct) =>
        SourceRegistry.Find(Platform)?.FoundBy.FindAsync(request, connections, Platform, ct) ?? Task.FromResult<Connection?>(null);

    /// <summary>A platform's "is this URL alive" request (WooCommerce's webhook_id=N ping): answered 200, nothing queued.</summary>
    bool IsPing(IHeaderDictionary headers, ReadOnlySpan<byte> body) => false;

    /// <summary>Checks the delivery's signature (constant time). False: 401.</summary>
    bool Authenticate(Connection connection, IHeaderDictionary headers, ReadOnlySpan<byte> body, DateTimeOffset now);

    /// <summary>The 401's error once Authenticate said no: what was wrong, never anything about the secret.</summary>
    string Unauthorized(IHeaderDictionary headers) => "The signature is missing or does not match the body.";

    /// <summary>Maps an authenticated body to canonical events. Pure: also used to replay an archived delivery.</summary>
    SourceMapping Map(Connection connection, IHeaderDictionary headers, ReadOnlyMemory<byte> body, DateTimeOffset receivedAt);
}

/// <summary>What a source made of a delivery.</summary>
public abstract record SourceMapping(string EventName)
{
    /// <param name="DeliveryKey">The platform's delivery id (X-Shopify-Webhook-Id, ...), deduplicated on top of each event's business key.</param>
    public sealed record Events(string EventName, IReadOnlyList<EventDraft> Drafts, string? DeliveryKey = null) : SourceMapping(EventName);
    /// <summary>An event we do not post (unknown topic, customer events): 200 "ignored".</summary>
    public sealed record Ignored(string EventName, string Reason, string? ExternalId = null) : SourceMapping(EventName);
    /// <summary>A status-only event kept in the order's activity (pending payment, shipped): 200 "recorded".</summary>
    public sealed record Recorded(string EventName, string ExternalId, string Status) : SourceMapping(EventName);
    /// <summary>The body is not what the event promises; Error names the field or the reason.</summary>
    public sealed record Invalid(string EventName, string Error, string? ExternalId = null) : SourceMapping(EventName);
}
