using System.Text.Json.Serialization;

namespace Connectors.Sources;

/// <summary>The JSON body of every answer on a source route.</summary>
public sealed record DeliveryAnswer(string Status)
{
    public string? EventId { get; init; }
    public IReadOnlyList<string>? EventIds { get; init; }
    public string? Error { get; init; }
    /// <summary>The voucher numbers posted, when the sender asked to wait for posting (Prefer: wait=N).</summary>
    public IReadOnlyList<string>? Vouchers { get; init; }
}

/// <summary>Status words a source route answers with.</summary>
public static class AnswerStatus
{
    public const string Accepted = "accepted";
    public const string Posted = "posted";
    public const string Failed = "failed";
    public const string Held = "held";
    public const string Stale = "stale";
    public const string Duplicate = "duplicate";
    public const string Ignored = "ignored";
    public const string Recorded = "recorded";
    public const string Unprocessable = "unprocessable";
    public const string Ok = "ok";
    public const string Invalid = "invalid";
    public const string Unauthorized = "unauthorized";
    public const string NotFound = "not_found";
    public const string TooLarge = "too_large";
    public const string UnsupportedMediaType = "unsupported_media_type";
    public const string Unavailable = "unavailable";
    /// <summary>429: too many failed authentications (Throttling/FailedAuthentications).</summary>
    public const string Throttled = "throttled";
}

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DeliveryAnswer))]
public sealed partial class SourceJson : JsonSerializerContext;
