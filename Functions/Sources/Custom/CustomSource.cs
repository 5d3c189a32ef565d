using System.Text.Json;
using Connectors.Activity;
using Connectors.Books;
using Connectors.Connections;
using Connectors.Ingest;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Connectors.Sources.Custom;

/// <summary>
/// A custom-coded site POSTs signed order.created / order.updated / order.refunded events to /api/custom/{connectionId}
/// (the Booksmor contract, seed 000). Signature: X-Connectors-Signature = hex HMAC-SHA256(signing secret, raw body).
/// The seed's guide names the headers X-Booksmor-Event and X-Booksmor-Signature: both are accepted as aliases.
/// A body that states a currency other than the books' is refused (400) here, where the developer sees why; posting
/// checks the same again (BooksOptions.CurrencyMismatch).
/// A delivery carrying webhook-signature is verified as Standard Webhooks instead (StandardWebhookSignature), and its
/// webhook-id is deduplicated as a delivery id.
/// </summary>
public sealed class CustomSource(IOptions<BooksOptions> books, IOptions<Hosting.ConnectorOptions> options) : IWebhookSource
{
    public const string EventHeader = "X-Connectors-Event";
    public const string SignatureHeader = "X-Connectors-Signature";
    public const string EventHeaderAlias = "X-Booksmor-Event";
    public const string SignatureHeaderAlias = "X-Booksmor-Signature";
    public const string TestPrefix = "TEST-";

    public string Platform => Connections.Platform.Custom;
    public AnswerStyle Answers => AnswerStyle.Strict;

    public bool Authenticate(Connection connection, IHeaderDictionary headers, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        if (StandardWebhookSignature.IsUsedBy(headers))
            return StandardWebhookSignature.Verify(headers, body, connection.SigningSecretsAt(now), now, options.Value.SignatureTolerance);
        if (Header(headers, SignatureHeader, SignatureHeaderAlias) is not { Count: 1 } values) return false;
        var ok = false;
        // Check every live secret (current, and the previous one during a rotation's grace) without stopping early.
        foreach (var secret in connection.SigningSecretsAt(now))
            ok |= Secrets.VerifyHexHmac(secret, body, values[0]);
        return ok;
    }

    public string Unauthorized(IHeaderDictionary headers) => StandardWebhookSignature.IsUsedBy(headers)
        ? $"The Standard Webhooks signature does not verify: send {StandardWebhookSignature.IdHeader} (without '.'), {StandardWebhookSignature.TimestampHeader} (unix seconds, within the tolerance of now) and {StandardWebhookSignature.SignatureHeader} (v1,<base64 HMAC-SHA256 of id.timestamp.body keyed with the base64-decoded secret after whsec_>)."
        : Header(headers, SignatureHeader, SignatureHeaderAlias).Count switch
    {
        0 => $"The {SignatureHeader} (or {SignatureHeaderAlias}) header is missing: send the hex HMAC-SHA256 of the raw body, keyed with the signing secret.",
        1 => "The signature does not match the body.",
        _ => "The signature header must appear once.",
    };

    /// <summary>The primary header's values, else the alias's: kept simple, so when both are sent the primary wins even if they disagree.</summary>
    static StringValues Header(IHeaderDictionary headers, string primary, string alias) =>
        headers[primary] is { Count: > 0 } values ? values : headers[alias];

    public SourceMapping Map(Connection connection, IHeaderDictionary headers, ReadOnlyMemory<byte> body, DateTimeOffset receivedAt)
    {
        var header = Header(headers, EventHeader, EventHeaderAlias);
        if (header.Count == 0 || string.IsNullOrWhiteSpace(header[0]))
            return new SourceMapping.Invalid("(none)", $"The {EventHeader} (or {EventHeaderAlias}) header is required: order.created, order.updated or order.refunded.");
        if (header.Count > 1)
            return new SourceMapping.Invalid("(several)", $"The {EventHeader} header must appear once.");
        var eventName = header[0]!.Trim();
        var kind = eventName switch
        {
            "order.created" => EventKind.Sale,
            "order.updated" => EventKind.Update,
            "order.refunded" => EventKind.Refund,
            _ => (EventKind?)null,
        };
        if (kind is null)
            return new SourceMapping.Invalid(Clip.To(eventName, 60), $"Unknown event '{Clip.To(eventName, 60)}' in {EventHeader}: expected order.created, order.updated or order.refunded.");

        JsonDocument doc;
        try { doc = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 32 }); }
        catch (JsonException e) { return new SourceMapping.Invalid(eventName, "The body is not valid JSON: " + e.Message); }
        using (doc)
        {
            var payload = CustomPayload.Read(doc.RootElement, kind.Value, out var error);
            if (payload is null) return new SourceMapping.Invalid(eventName, error!, CustomPayload.PeekExternalId(doc.RootElement));
            if (BooksOptions.CurrencyMismatch(payload.Currency, books.Value.Currency) is { } mismatch)
                return new SourceMapping.Invalid(eventName, mismatch, payload.ExternalId);
            var dedupeKey = kind switch
            {
                EventKind.Sale => $"sale|{payload.ExternalId}",
                // Refund ids are often numbered per order (R-1 on every order): the order is part of the key, as in the other sources.
                EventKind.Refund => $"refund|{KeyPart(payload.ExternalId)}|{payload.RefundId}",
                // An edit with updated_at is that version of the order (a return to an earlier state is a new edit); one
                // without is a duplicate only when byte-identical.
                _ => payload.UpdatedAt is { } at ? $"update|{KeyPart(payload.ExternalId)}|at|{at}" : $"update|{payload.ExternalId}|{Storage.Keys.Hash(body.Span)}",
            };
            var e = new CanonicalEvent
            {
                Kind = kind.Value,
                ExternalId = payload.ExternalId,
                RefundId = payload.RefundId,
                // An edit without updated_at is versioned by its arrival (ReceivedAt): send updated_at so a late retry is stale.
                Version = payload.Version,
                // The contract: an edit's lines are the order net of the refunds made before it.
                LinesNetOfEarlierRefunds = kind == EventKind.Update,
                // An edit that does not say when it was made is dated the day it arrives.
                Date = payload.Date ?? DateOnly.FromDateTime(receivedAt.UtcDateTime),
                // A moment in UTC (or the arrival) is dated in the books' time zone when one is set.
                DateUtc = kind == EventKind.Update
                    ? payload.UpdatedAt is { } editedAt ? Fields.PayloadFields.UtcInstant(editedAt) : receivedAt.ToUniversalTime()
                    : Fields.PayloadFields.UtcInstant(doc.RootElement, kind == EventKind.Refund ? "refund_date" : "order_date"),
                Customer = payload.CustomerName is { } name ? new Customer { Name = name, TaxId = payload.CustomerGstin, Key = payload.CustomerGstin?.ToLowerInvariant() } : null,
                PlaceOfSupply = payload.BuyerStateCode,
                Currency = payload.Currency,
                IsTest = payload.ExternalId.StartsWith(TestPrefix, StringComparison.OrdinalIgnoreCase),
                Lines = payload.Lines,
            };
            // A Standard Webhooks id stays the same across the sender's retries: a second delivery of it is a duplicate.
            var deliveryKey = headers[StandardWebhookSignature.IdHeader] is { Count: 1 } id && !string.IsNullOrWhiteSpace(id[0]) ? "webhook-id|" + id[0]!.Trim() : null;
            return new SourceMapping.Events(eventName, [new EventDraft(e, dedupeKey)], deliveryKey);
        }
    }

    /// <summary>'|' escaped (and '%', so it stays reversible): order "A|B" refund "C" and order "A" refund "B|C" stay apart.</summary>
    static string KeyPart(string s) => s.Replace("%", "%25", StringComparison.Ordinal).Replace("|", "%7C", StringComparison.Ordinal);
}
