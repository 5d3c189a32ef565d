using System.Text.Json;
using Connectors.Ingest;
using Connectors.Sources.Fields;

namespace Connectors.Sources.Jumpseller;

/// <summary>
/// product_created / product_updated / product_stock_updated: {"product": {...}} as in the Products API, one line per
/// variant (or one for the product) with its price and, unless stock_unlimited, its stock level.
/// </summary>
public static class JumpsellerProduct
{
    /// <param name="triggeredAt">Jumpseller-Triggered-At: the stock level's moment (an older level never overwrites a newer one).</param>
    public static EventDraft Read(JsonElement product, DateTimeOffset receivedAt, string? triggeredAt = null)
    {
        var id = PayloadFields.Id(product, "id", "product");
        var name = PayloadFields.Text(product, "name", 500);
        var lines = new List<CanonicalLine>();
        if (product.TryGetProperty("variants", out var variants) && variants.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var item in variants.EnumerateArray())
            {
                var at = $"product.variants[{i++}]";
                // The Variants API wraps each one as {"variant": {...}}; inside a product they may come bare.
                var v = PayloadFields.OptionalObject(item, "variant") ?? item;
                if (v.ValueKind != JsonValueKind.Object) throw new PayloadException($"{at} must be an object.");
                var variantId = PayloadFields.Id(v, "id", at);
                lines.Add(Line(v, at, PayloadFields.Text(v, "sku", 100) ?? $"js:{id}:{variantId}", name, product));
            }
        }
        if (lines.Count == 0) lines.Add(Line(product, "product", PayloadFields.Text(product, "sku", 100) ?? $"js:{id}", name, product));
        var e = new CanonicalEvent
        {
            Kind = EventKind.Product,
            ExternalId = id,
            Date = DateOnly.FromDateTime(receivedAt.UtcDateTime),
            Lines = lines,
            SourceStatus = PayloadFields.Text(product, "status", 40),
        };
        // A product event is new whenever what the books see of it changes (price, stock, SKU).
        var hash = Storage.Keys.Hash(JsonSerializer.SerializeToUtf8Bytes(e with { Date = default }, IngestJson.Default.CanonicalEvent));
        return new EventDraft(e with { Version = PayloadFields.Moment(triggeredAt) }, $"product|{id}|{hash}");
    }

    static CanonicalLine Line(JsonElement o, string at, string sku, string? name, JsonElement product)
    {
        var unlimited = PayloadFields.Bool(o, "stock_unlimited") || PayloadFields.Bool(product, "stock_unlimited");
        return new CanonicalLine
        {
            Sku = sku,
            Description = name,
            Quantity = 0,
            Rate = PayloadFields.OptionalDecimal(o, "price", at) ?? PayloadFields.OptionalDecimal(product, "price", "product") ?? 0,
            StockLevel = unlimited ? null : PayloadFields.OptionalDecimal(o, "stock", at),
        };
    }
}
