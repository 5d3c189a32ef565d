namespace Connectors.Activity;

/// <summary>One line of a connection's activity log: a request received, and later what became of its event.</summary>
public sealed record ActivityEntry
{
    public required string ConnectionId { get; init; }
    /// <summary>Row key; sorts newest first.</summary>
    public string Key { get; init; } = "";
    public DateTimeOffset At { get; init; }
    /// <summary>When the entry last moved (accepted → posted/failed).</summary>
    public DateTimeOffset? UpdatedAt { get; init; }
    public string? Event { get; init; }
    public string? ExternalId { get; init; }
    public int HttpStatus { get; init; }
    public required string Status { get; init; }
    public string? Reason { get; init; }
    public string? EventId { get; init; }
    /// <summary>Voucher numbers the event was posted as, comma-separated.</summary>
    public string? Vouchers { get; init; }
    /// <summary>The archived raw body (a RawArchive reference), for deliveries that can be replayed.</summary>
    public string? RawBlob { get; init; }
}

/// <summary>The status words an activity entry moves through.</summary>
public static class ActivityStatus
{
    public const string Accepted = "accepted";
    public const string Posted = "posted";
    public const string Failed = "failed";
    public const string Rejected = "rejected";
    public const string Duplicate = "duplicate";
    public const string Ignored = "ignored";
    /// <summary>Authenticated but not understood: archived, answered 200 so the platform does not disable the webhook.</summary>
    public const string Unprocessable = "unprocessable";
    /// <summary>A status-only event (pending order, shipment step): kept on the order's history, nothing posted.</summary>
    public const string Recorded = "recorded";
    public const string Ping = "ping";
    /// <summary>An edit older than the one already applied: posted nothing; the reason names both versions.</summary>
    public const string Stale = "stale";
    /// <summary>Kept as a fact but not in the books yet (a refund before its sale, or beyond what is sold so far): it posts when the facts allow.</summary>
    public const string Held = "held";
}
