using System.Globalization;
using Connectors.Activity;
using Connectors.Connections;
using Connectors.Ingest;
using Connectors.Sources.Shops;
using Microsoft.AspNetCore.Http;

namespace Connectors.Sources.Shopify;

/// <summary>
/// POST /api/shopify/{token}: Shopify order, refund and product webhooks. The unguessable URL token finds the connection;
/// when the connection holds Shopify's signing secret, X-Shopify-Hmac-Sha256 (base64 HMAC-SHA256 of the raw body) is required.
/// Every authenticated delivery is answered 200 (Shopify deletes a subscription after repeated non-2xx answers).
/// </summary>
public sealed class ShopifySource : IWebhookSource
{
    public const string TopicHeader = "X-Shopify-Topic";
    public const string HmacHeader = "X-Shopify-Hmac-Sha256";
    /// <summary>The newer "events" deliveries also send the same signature without the X- prefix.</summary>
    public const string EventsHmacHeader = "shopify-hmac-sha256";
    public const string WebhookIdHeader = "X-Shopify-Webhook-Id";
    public const string EventIdHeader = "X-Shopify-Event-Id";

    public string Platform => Connections.Platform.Shopify;
    public AnswerStyle Answers => AnswerStyle.Platform;

    public bool Authenticate(Connection connection, IHeaderDictionary headers, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        // Without a configured secret the 160-bit URL token is the credential (it already found the connection).
        if (string.IsNullOrEmpty(connection.WebhookSecret)) return true;
        var header = headers[HmacHeader] is { Count: 1 } h ? h[0] : headers[EventsHmacHeader] is { Count: 1 } e ? e[0] : null;
        return Secrets.VerifyBase64Hmac(connection.WebhookSecret, body, header);
    }

    public SourceMapping Map(Connection connection, IHeaderDictionary headers, ReadOnlyMemory<byte> body, DateTimeOffset receivedAt)
    {
        var topic = Header(headers, TopicHeader) ?? Header(headers, "shopify-topic");
        if (topic is null) return new SourceMapping.Invalid("(none)", $"The {TopicHeader} header is required (e.g. orders/create).");
        topic = topic.ToLowerInvariant();
        // An event id repeated on the same topic is a duplicate (one delivery per subscription); scoped by topic, since
        // one action in the shop (an order paid at creation, a refund) may fire several topics that must all be read.
        var deliveryKey = Header(headers, EventIdHeader) is { } ev ? $"event:{topic}:{ev}" : Header(headers, WebhookIdHeader) is { } wh ? "webhook:" + wh : null;
        var saleOnPaid = string.Equals(connection.SaleOn, "paid", StringComparison.OrdinalIgnoreCase);
        body = Unwrapped(body);
        try
        {
            return topic switch
            {
                "orders/create" when !saleOnPaid => Order(topic, body, EventKind.Sale, deliveryKey, receivedAt, connection.Id),
                "orders/paid" when saleOnPaid => Order(topic, body, EventKind.Sale, deliveryKey, receivedAt, connection.Id),
                // The topic that does not create the sale only records the step: payment changes no line, and an order not
                // yet a sale (saleOn=paid) has nothing to update.
                "orders/create" or "orders/paid" => Recorded(topic, body),
                // orders/edited sends an order_edit (additions/removals), not the order: the orders/updated that follows carries the lines.
                "orders/edited" when IsOrderEdit(body, out var editedOrder) => new SourceMapping.Recorded(topic, editedOrder ?? "(unknown)", "Order edited; the orders/updated delivery that follows carries the new lines."),
                "orders/updated" or "orders/edited" when saleOnPaid && !IsPaid(body) => Recorded(topic, body),
                "orders/updated" or "orders/edited" => Order(topic, body, EventKind.Update, deliveryKey, receivedAt, connection.Id),
                "orders/cancelled" when saleOnPaid && !IsPaid(body) => Recorded(topic, body),
                "orders/cancelled" => Order(topic, body, EventKind.Cancel, deliveryKey, receivedAt, connection.Id),
                "refunds/create" => Refund(topic, body, deliveryKey, receivedAt),
                "products/update" or "products/create" => Product(topic, body, deliveryKey, receivedAt),
                _ => new SourceMapping.Ignored(Clip.To(topic, 60), $"Topic '{Clip.To(topic, 60)}' is not posted."),
            };
        }
        catch (PayloadFieldException e)
        {
            return new SourceMapping.Invalid(topic, e.Message, PeekId(body));
        }
    }

    static SourceMapping Order(string topic, ReadOnlyMemory<byte> body, EventKind kind, string? deliveryKey, DateTimeOffset receivedAt, string connectionId)
    {
        var order = ShopBody.Read(body, ShopifyJson.Default.ShopifyOrder, out var error);
        if (order is null) return new SourceMapping.Invalid(topic, error!, PeekId(body));
        // saleOn=paid: the sale is dated when it was paid (orders/paid), not when it was placed.
        var e = ShopifyMapping.Order(order, kind, receivedAt, onPayment: kind == EventKind.Sale && topic == "orders/paid");
        if (kind is EventKind.Sale && e.Lines.Count == 0) throw new PayloadFieldException("line_items must hold at least one line with a quantity.");
        var key = kind switch
        {
            EventKind.Sale => $"sale|{e.ExternalId}",
            EventKind.Cancel => $"cancel|{e.ExternalId}",
            // Each new state of the order is a new snapshot; a redelivery of the same state is a duplicate.
            _ => $"update|{e.ExternalId}|{ShopBody.Blank(order.UpdatedAt) ?? Storage.Keys.Hash(body.Span)}",
        };
        // The refunds a snapshot lists ride on it, each with the event id refunds/create gives it: posting merges them by
        // refund id, so a refund is credited once whichever delivery tells it first, and the delivery stays one event.
        if (kind is EventKind.Update or EventKind.Cancel)
            e = e with { Refunds = ShopifyMapping.ListedRefunds(order, receivedAt).Select(r => r with { EventId = EventIds.For(connectionId, $"refund|{r.ExternalId}|{r.RefundId}") }).ToList() };
        return new SourceMapping.Events(topic, [new EventDraft(e, key)], deliveryKey);
    }

    static SourceMapping Refund(string topic, ReadOnlyMemory<byte> body, string? deliveryKey, DateTimeOffset receivedAt)
    {
        var refund = ShopBody.Read(body, ShopifyJson.Default.ShopifyRefund, out var error);
        if (refund is null) return new SourceMapping.Invalid(topic, error!, PeekId(body));
        var e = ShopifyMapping.Refund(refund, receivedAt);
        if (e.Lines.Count == 0)
        {
            // A money-only refund (no items, no shipping) names no line to credit: kept in the activity for the bookkeeper.
            var amount = (refund.Transactions ?? []).Where(t => t.Kind == "refund" && t.Status is null or "success").Sum(t => t.Amount);
            return new SourceMapping.Recorded(topic, e.ExternalId, $"Refund {e.RefundId} of {amount.ToString(CultureInfo.InvariantCulture)} has no refunded items or shipping: nothing to credit automatically.");
        }
        return new SourceMapping.Events(topic, [new EventDraft(e, $"refund|{e.ExternalId}|{e.RefundId}")], deliveryKey);
    }

    static SourceMapping Product(string topic, ReadOnlyMemory<byte> body, string? deliveryKey, DateTimeOffset receivedAt)
    {
        var product = ShopBody.Read(body, ShopifyJson.Default.ShopifyProduct, out var error);
        if (product is null) return new SourceMapping.Invalid(topic, error!, PeekId(body));
        var e = ShopifyMapping.Product(product, receivedAt);
        return new SourceMapping.Events(topic, [new EventDraft(e, $"product|{e.ExternalId}|{ShopBody.Blank(product.UpdatedAt) ?? Storage.Keys.Hash(body.Span)}")], deliveryKey);
    }

    static SourceMapping Recorded(string topic, ReadOnlyMemory<byte> body)
    {
        var order = ShopBody.Read(body, ShopifyJson.Default.ShopifyOrder, out var error);
        if (order?.Id is not { } id) return new SourceMapping.Invalid(topic, error ?? "id is required (the order id).");
        return new SourceMapping.Recorded(topic, id.ToString(CultureInfo.InvariantCulture), $"{topic}: financial status {order.FinancialStatus ?? "unknown"}; the sale is posted on the other topic (saleOn).");
    }

    static bool IsPaid(ReadOnlyMemory<byte> body) =>
        ShopBody.Read(body, ShopifyJson.Default.ShopifyOrder, out _)?.FinancialStatus is "paid" or "partially_refunded" or "refunded";

    /// <summary>
    /// Webhooks send the bare resource; the REST API (and Shopify's own test fixtures) wrap it as {"order": {...}}.
    /// A body that is exactly such a wrapper is read as the resource inside, so REST copies replay too.
    /// </summary>
    static ReadOnlyMemory<byte> Unwrapped(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind != System.Text.Json.JsonValueKind.Object) return body;
            using var properties = root.EnumerateObject();
            var only = properties.Take(2).ToList();
            if (only.Count == 1 && only[0].Name is "order" or "refund" or "product" && only[0].Value.ValueKind == System.Text.Json.JsonValueKind.Object)
                return System.Text.Encoding.UTF8.GetBytes(only[0].Value.GetRawText());
            return body;
        }
        catch (System.Text.Json.JsonException) { return body; }
    }

    static bool IsOrderEdit(ReadOnlyMemory<byte> body, out string? orderId)
    {
        orderId = null;
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind != System.Text.Json.JsonValueKind.Object || !doc.RootElement.TryGetProperty("order_edit", out var edit)) return false;
            if (edit.ValueKind == System.Text.Json.JsonValueKind.Object && edit.TryGetProperty("order_id", out var id)) orderId = id.ToString();
            return true;
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
