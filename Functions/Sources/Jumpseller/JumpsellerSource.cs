using System.Text.Json;
using Connectors.Activity;
using Connectors.Connections;
using Connectors.Sources.Fields;
using Microsoft.AspNetCore.Http;

namespace Connectors.Sources.Jumpseller;

/// <summary>
/// Jumpseller POSTs every store's webhooks to /api/jumpseller (seed 003): the store is the Jumpseller-Store-Code header,
/// the event is Jumpseller-Event, and Jumpseller-Hmac-Sha256 = base64 HMAC-SHA256(hooks token, raw body).
/// Jumpseller sends no delivery id, so duplicates are caught by the business keys alone.
/// </summary>
public sealed class JumpsellerSource : IWebhookSource
{
    public const string StoreCodeHeader = "Jumpseller-Store-Code";
    public const string EventHeader = "Jumpseller-Event";
    public const string SignatureHeader = "Jumpseller-Hmac-Sha256";
    public const string TriggeredAtHeader = "Jumpseller-Triggered-At";

    public string Platform => Connections.Platform.Jumpseller;
    public AnswerStyle Answers => AnswerStyle.Platform;

    public bool Authenticate(Connection connection, IHeaderDictionary headers, ReadOnlySpan<byte> body, DateTimeOffset now) =>
        headers[SignatureHeader] is { Count: 1 } values && Secrets.VerifyBase64Hmac(connection.WebhookSecret, body, values[0]);

    public SourceMapping Map(Connection connection, IHeaderDictionary headers, ReadOnlyMemory<byte> body, DateTimeOffset receivedAt)
    {
        if (headers[EventHeader] is not { Count: 1 } header || string.IsNullOrWhiteSpace(header[0]))
            return new SourceMapping.Invalid("(none)", $"The {EventHeader} header is required (order_paid, order_updated, product_updated, ...).");
        var eventName = header[0]!.Trim();
        if (eventName.Length > 60) return new SourceMapping.Invalid(Clip.To(eventName, 60), $"The {EventHeader} header is too long.");
        var isOrder = eventName.StartsWith("order_", StringComparison.Ordinal);
        var isProduct = eventName is "product_created" or "product_updated" or "product_stock_updated";
        if (!isOrder && !isProduct)
            return new SourceMapping.Ignored(eventName, $"Jumpseller event '{eventName}' does not touch the books.");

        JsonDocument doc;
        try { doc = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 32 }); }
        catch (JsonException e) { return new SourceMapping.Invalid(eventName, "The body is not valid JSON: " + e.Message); }
        using (doc)
        {
            var root = doc.RootElement;
            string? externalId = null;
            try
            {
                if (root.ValueKind != JsonValueKind.Object) throw new PayloadException("The body must be a JSON object.");
                var triggeredAt = headers[TriggeredAtHeader] is { Count: 1 } t && !string.IsNullOrWhiteSpace(t[0]) && t[0]!.Length <= 60 ? t[0]!.Trim() : null;
                if (isProduct)
                {
                    var product = PayloadFields.Object(root, "product", "");
                    externalId = PayloadFields.OptionalId(product, "id", "product");
                    return new SourceMapping.Events(eventName, [JumpsellerProduct.Read(product, receivedAt, triggeredAt)]);
                }
                var order = PayloadFields.Object(root, "order", "");
                externalId = PayloadFields.OptionalId(order, "id", "order");
                return JumpsellerOrder.Map(eventName, order, receivedAt, triggeredAt);
            }
            catch (PayloadException e)
            {
                return new SourceMapping.Invalid(eventName, e.Message, externalId);
            }
        }
    }
}
