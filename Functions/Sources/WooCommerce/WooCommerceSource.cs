using System.Text;
using Connectors.Activity;
using Connectors.Connections;
using Connectors.Ingest;
using Connectors.Sources.Shops;
using Microsoft.AspNetCore.Http;

namespace Connectors.Sources.WooCommerce;

/// <summary>
/// POST /api/woocommerce/{token} (orders) and /api/woocommerce/{token}/producto (or /product: products). The URL token
/// finds the connection; when it holds the webhook's secret, X-WC-Webhook-Signature (base64 HMAC-SHA256 of the raw body)
/// is required. WooCommerce disables a webhook after repeated non-2xx answers, so every authenticated delivery gets 200.
/// </summary>
public sealed class WooCommerceSource : IWebhookSource
{
    public const string TopicHeader = "X-WC-Webhook-Topic";
    public const string SignatureHeader = "X-WC-Webhook-Signature";

    public string Platform => Connections.Platform.WooCommerce;
    public AnswerStyle Answers => AnswerStyle.Platform;

    /// <summary>The request WooCommerce sends when a webhook is saved: form body "webhook_id=N", no topic, no signature. It must get exactly 200.</summary>
    public bool IsPing(IHeaderDictionary headers, ReadOnlySpan<byte> body)
    {
        if (headers[TopicHeader].Count > 0) return false;
        var text = body.Length > 64 ? "" : Encoding.UTF8.GetString(body).Trim();
        const string prefix = "webhook_id=";
        return text.StartsWith(prefix, StringComparison.Ordinal) && text.Length > prefix.Length && text[prefix.Length..].All(char.IsAsciiDigit);
    }

    public bool Authenticate(Connection connection, IHeaderDictionary headers, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(connection.WebhookSecret)) return true;
        if (headers[SignatureHeader] is not { Count: 1 } values) return false;
        // WooCommerce signs with wp_specialchars_decode(secret): a secret stored as "a&amp;b" signs as "a&b". Try both forms, no early exit.
        var ok = Secrets.VerifyBase64Hmac(WooSecret.Decode(connection.WebhookSecret), body, values[0]);
        ok |= Secrets.VerifyBase64Hmac(connection.WebhookSecret, body, values[0]);
        return ok;
    }

    public SourceMapping Map(Connection connection, IHeaderDictionary headers, ReadOnlyMemory<byte> body, DateTimeOffset receivedAt)
    {
        // X-WC-Webhook-Delivery-ID is not a dedupe key: it is wp_hash(webhook id . the current second), so two deliveries
        // of one webhook in the same second (a batch of the background queue) share it. Business keys dedupe instead.
        var topic = Header(headers, TopicHeader)?.ToLowerInvariant();
        if (topic is null)
        {
            // A bare order (the seed's curl example, or a plugin without Woo's headers) is a new order; a bare product an update.
            topic = LooksLikeOrder(body) ? "order.created" : LooksLikeProduct(body) ? "product.updated" : null;
            if (topic is null)
                return new SourceMapping.Invalid("(none)", $"The {TopicHeader} header is missing and the body is neither an order (line_items) nor a product (id, name).");
        }
        try
        {
            return topic switch
            {
                "order.created" or "order.updated" => Order(topic, body, receivedAt, connection.Id),
                // order.deleted fires when an order is moved to the trash (wp_trash_post, class-wc-webhook.php), and
                // order.restored brings it back: neither changes what was sold. Only a status of cancelled or refunded does.
                "order.deleted" => Kept(topic, body, "moved to the trash: not a cancellation, the books are unchanged (cancel the order in WooCommerce to reverse it)"),
                "order.restored" => Kept(topic, body, "restored from the trash: the books are unchanged"),
                "product.created" or "product.updated" => Product(topic, body, receivedAt),
                _ => new SourceMapping.Ignored(Clip.To(topic, 60), $"Topic '{Clip.To(topic, 60)}' is not posted."),
            };
        }
        catch (PayloadFieldException e)
        {
            return new SourceMapping.Invalid(topic, e.Message, PeekId(body));
        }
    }

    static SourceMapping Order(string topic, ReadOnlyMemory<byte> body, DateTimeOffset receivedAt, string connectionId)
    {
        var o = ShopBody.Read(body, WooJson.Default.WooOrder, out var error);
        if (o is null) return new SourceMapping.Invalid(topic, error!, PeekId(body));
        var id = (o.Id ?? throw new PayloadFieldException("id is required (the order id).")).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var status = (ShopBody.Blank(o.Status) ?? throw new PayloadFieldException("status is required (processing, completed, ...).")).ToLowerInvariant();
        var drafts = new List<EventDraft>();
        switch (status)
        {
            case "processing" or "completed" or "refunded":
            {
                var sale = WooMapping.Order(o, EventKind.Sale, receivedAt);
                if (sale.Lines.Count == 0) throw new PayloadFieldException("line_items must hold at least one line with a quantity.");
                // The same key whichever delivery first shows the order paid: it posts once.
                drafts.Add(new EventDraft(sale, $"sale|{id}"));
                // Each refund is its own fact, carried by the snapshot that lists it (one event per delivery, as before refunds
                // were read) and credited once by refund id at posting. The snapshot's lines stay as ordered, gross of them.
                var refunds = new List<CanonicalEvent>();
                var listed = o.Refunds ?? [];
                for (var i = 0; i < listed.Count; i++)
                {
                    var r = listed[i];
                    if (r.Id is not { } refundId) throw new PayloadFieldException($"refunds[{i}].id is required.");
                    if (r.Total == 0) continue;
                    var refund = WooMapping.Order(o, EventKind.Refund, receivedAt) with
                    {
                        RefundId = refundId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        // Woo's order payload lists a refund's value only: it says no unit came back (a cancellation returns them all).
                        ValueOnly = true,
                        Lines = WooMapping.RefundLines(o, sale.Lines, r),
                        // What Woo says it refunded: the credit note meets it, a residue of rounding on a Round off line.
                        PlatformTotal = Math.Abs(ShopBody.Money(r.Total)),
                        SourceStatus = ShopBody.Blank(r.Reason) ?? status,
                    };
                    // A refund beyond what the order still has open credits nothing more.
                    if (refund.Lines.Count > 0) refunds.Add(refund with { EventId = EventIds.For(connectionId, $"refund|{id}|{refund.RefundId}") });
                }
                if (topic == "order.updated")
                {
                    // date_modified_gmt versions the snapshot.
                    var update = WooMapping.Order(o, EventKind.Update, receivedAt);
                    var version = ShopBody.Blank(o.DateModifiedGmt) ?? ShopBody.Blank(o.DateModified) ?? Storage.Keys.Hash(body.Span);
                    drafts.Add(new EventDraft(update with { Lines = SameSku.Merge([.. update.Lines]), Refunds = refunds }, $"update|{id}|{version}"));
                }
                else if (refunds.Count > 0) drafts[0] = drafts[0] with { Event = sale with { Refunds = refunds } };
                return new SourceMapping.Events(topic, drafts);
            }
            case "cancelled":
                // Unpaid orders Woo cancels on its own (hold-stock timeout) were never sales; COD orders are sales before payment.
                if (topic == "order.created" || (o.DatePaid is null && o.DateCompleted is null && o.PaymentMethod != "cod"))
                    return new SourceMapping.Recorded(topic, id, "cancelled before it was paid: never a sale, nothing to reverse");
                return new SourceMapping.Events(topic, [new EventDraft(WooMapping.Order(o, EventKind.Cancel, receivedAt), $"cancel|{id}")]);
            default:
                // pending, on-hold, failed, checkout-draft: not a sale yet; a later order.updated to processing/completed posts it.
                return new SourceMapping.Recorded(topic, id, $"status {status}: not a sale yet");
        }
    }

    static SourceMapping Kept(string topic, ReadOnlyMemory<byte> body, string reason)
    {
        var o = ShopBody.Read(body, WooJson.Default.WooOrder, out var error);
        if (o?.Id is not { } id) return new SourceMapping.Invalid(topic, error ?? "id is required (the order id).", PeekId(body));
        return new SourceMapping.Recorded(topic, id.ToString(System.Globalization.CultureInfo.InvariantCulture), reason);
    }

    static SourceMapping Product(string topic, ReadOnlyMemory<byte> body, DateTimeOffset receivedAt)
    {
        var p = ShopBody.Read(body, WooJson.Default.WooProduct, out var error);
        if (p is null) return new SourceMapping.Invalid(topic, error!, PeekId(body));
        var e = WooMapping.Product(p, receivedAt);
        return new SourceMapping.Events(topic, [new EventDraft(e, $"product|{e.ExternalId}|{ShopBody.Blank(p.DateModifiedGmt) ?? ShopBody.Blank(p.DateModified) ?? Storage.Keys.Hash(body.Span)}")]);
    }

    static bool LooksLikeOrder(ReadOnlyMemory<byte> body) => HasProperty(body, "line_items");
    static bool LooksLikeProduct(ReadOnlyMemory<byte> body) => HasProperty(body, "id") && HasProperty(body, "name") && !HasProperty(body, "line_items");

    static bool HasProperty(ReadOnlyMemory<byte> body, string name)
    {
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(body);
            return doc.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object && doc.RootElement.TryGetProperty(name, out _);
        }
        catch (System.Text.Json.JsonException) { return false; }
    }

    static string? PeekId(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(body);
            return doc.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object && doc.RootElement.TryGetProperty("id", out var id) && id.ValueKind is System.Text.Json.JsonValueKind.Number or System.Text.Json.JsonValueKind.String
                ? id.ToString() : null;
        }
        catch (System.Text.Json.JsonException) { return null; }
    }

    static string? Header(IHeaderDictionary headers, string name) => headers[name] is { Count: > 0 } v && ShopBody.Blank(v[0]) is { } s ? s : null;
}

/// <summary>WordPress's wp_specialchars_decode(…, ENT_QUOTES), which WooCommerce applies to the secret before signing.</summary>
public static class WooSecret
{
    static readonly (string Entity, string Text)[] Entities =
    [
        ("&lt;", "<"), ("&#060;", "<"), ("&#60;", "<"), ("&gt;", ">"), ("&#062;", ">"), ("&#62;", ">"),
        ("&quot;", "\""), ("&#034;", "\""), ("&#34;", "\""), ("&#x22;", "\""),
        ("&#039;", "'"), ("&#39;", "'"), ("&#x27;", "'"),
    ];

    public static string Decode(string secret)
    {
        if (!secret.Contains('&')) return secret;
        var s = secret;
        foreach (var (entity, text) in Entities) s = s.Replace(entity, text, StringComparison.OrdinalIgnoreCase);
        // &amp; last, so "&amp;lt;" decodes once to "&lt;" as WordPress does.
        return s.Replace("&#038;", "&").Replace("&#38;", "&").Replace("&#x26;", "&", StringComparison.OrdinalIgnoreCase).Replace("&amp;", "&", StringComparison.OrdinalIgnoreCase);
    }
}
