using System.Text.Json;
using Connectors.Ingest;
using Connectors.Sources.Fields;

namespace Connectors.Sources.Selldone;

/// <summary>One basket item as a canonical line, with what CancelProduct and ReturnOrder need to pick it.</summary>
public sealed record SelldoneItem(string Id, CanonicalLine Line, bool IsCancelled, decimal? ReturnedCount);

/// <summary>
/// The basket's lines and money. From selldone/core's models: BasketItem.price is the unit price after the product
/// discount, offer_amount "should be deducted from count * price" and cross_dis is the cross-selling discount, so a line's
/// net is count x price - offer_amount - cross_dis (inferred from the model comments). Basket.discount (discount code) is
/// spread over the item lines in proportion to their nets; Basket.tax is spread the same way as each line's TaxAmount, and
/// the rate is the one it implies. Amounts are read as given (major units: nothing in the models says minor units).
/// </summary>
public sealed record SelldoneBasket(string Currency, bool TaxIncluded, bool NoStock, IReadOnlyList<SelldoneItem> Items, CanonicalLine? Shipping)
{
    public static SelldoneBasket Read(JsonElement basket)
    {
        var currency = PayloadFields.Text(basket, "currency", 3)?.ToUpperInvariant() ?? throw new PayloadException("basket.currency is required.");
        var taxIncluded = PayloadFields.Bool(basket, "tax_included");
        var noStock = SelldoneOrder.MovesNoStock(PayloadFields.Text(basket, "type", 20));
        var raw = new List<SelldoneItem>();
        var i = 0;
        foreach (var item in PayloadFields.Array(basket, "items", "basket"))
            raw.Add(ReadItem(item, $"basket.items[{i++}]", noStock));
        if (raw.Count == 0) throw new PayloadException("basket.items must hold at least one item.");

        var nets = raw.Select(x => x.Line.Quantity * x.Line.Rate - x.Line.Discount).ToList();
        var orderDiscount = PayloadFields.OptionalDecimal(basket, "discount", "basket") ?? 0;
        var discounts = Spread(orderDiscount, nets);
        var afterDiscount = nets.Zip(discounts, (n, d) => n - d).ToList();
        var tax = PayloadFields.OptionalDecimal(basket, "tax", "basket") ?? 0;
        var taxes = Spread(tax, afterDiscount);
        var items = raw.Select((x, k) => x with
        {
            Line = x.Line with
            {
                Discount = x.Line.Discount + discounts[k],
                TaxAmount = taxes[k],
                TaxRate = Jumpseller.JumpsellerOrder.TaxRate(taxes[k], afterDiscount[k], taxIncluded),
            },
        }).ToList();

        CanonicalLine? shipping = null;
        if (PayloadFields.OptionalDecimal(basket, "delivery_price", "basket") is > 0 and var deliveryPrice)
        {
            var shippingTax = PayloadFields.OptionalDecimal(basket, "tax_shipping", "basket") ?? 0;
            shipping = new CanonicalLine
            {
                Sku = "shipping", Description = "Shipping", Quantity = 1, Rate = deliveryPrice, IsService = true,
                TaxAmount = shippingTax, TaxRate = Jumpseller.JumpsellerOrder.TaxRate(shippingTax, deliveryPrice, taxIncluded),
            };
        }
        return new SelldoneBasket(currency, taxIncluded, noStock, items, shipping);
    }

    public static SelldoneItem ReadItem(JsonElement item, string at, bool noStock)
    {
        if (item.ValueKind != JsonValueKind.Object) throw new PayloadException($"{at} must be an object.");
        var id = PayloadFields.Id(item, "id", at);
        var productId = PayloadFields.OptionalId(item, "product_id", at);
        var variantId = PayloadFields.OptionalId(item, "variant_id", at);
        var product = PayloadFields.OptionalObject(item, "product");
        var variant = PayloadFields.OptionalObject(item, "variant");
        var count = PayloadFields.Decimal(item, "count", at);
        if (count <= 0) throw new PayloadException($"{at}.count must be greater than 0.");
        var price = PayloadFields.Decimal(item, "price", at);
        if (price < 0) throw new PayloadException($"{at}.price must not be negative.");
        var discount = (PayloadFields.OptionalDecimal(item, "offer_amount", at) ?? 0) + (PayloadFields.OptionalDecimal(item, "cross_dis", at) ?? 0);
        // SKU lives on the variant or the product (when Selldone includes them); else the ids are the stable key.
        var sku = (variant is { } v ? PayloadFields.Text(v, "sku", 100) : null) ?? (product is { } p ? PayloadFields.Text(p, "sku", 100) : null)
            ?? (productId is null ? $"sd:item:{id}" : variantId is null ? $"sd:{productId}" : $"sd:{productId}:{variantId}");
        var productType = product is { } pt ? PayloadFields.Text(pt, "type", 20) : null;
        var line = new CanonicalLine
        {
            Sku = sku,
            Description = product is { } pd ? PayloadFields.Text(pd, "title", 500) ?? PayloadFields.Text(pd, "name", 500) : null,
            Quantity = count,
            Rate = price,
            Discount = discount,
            IsService = noStock || SelldoneOrder.MovesNoStock(productType),
        };
        return new SelldoneItem(id, line, IsCancelled(item), ReturnedCount(item, at, count));
    }

    static bool IsCancelled(JsonElement item) =>
        PayloadFields.Bool(item, "canceled") || PayloadFields.Bool(item, "cancelled")
        || PayloadFields.Text(item, "status", 40) is { } s && s.StartsWith("cancel", StringComparison.OrdinalIgnoreCase)
        || item.TryGetProperty("canceled_at", out var at) && at.ValueKind == JsonValueKind.String;

    static decimal? ReturnedCount(JsonElement item, string at, decimal count)
    {
        if (PayloadFields.OptionalObject(item, "returnRequest") is not { } request) return null;
        var n = PayloadFields.OptionalDecimal(request, "count", at + ".returnRequest") ?? count;
        return n > 0 ? n : null;
    }

    /// <summary>Spreads an amount over weights to the cent, the rounding remainder on the largest share, so the parts add up exactly.</summary>
    public static IReadOnlyList<decimal> Spread(decimal amount, IReadOnlyList<decimal> weights)
    {
        var result = new decimal[weights.Count];
        var total = weights.Sum();
        if (amount == 0 || total <= 0) return result;
        for (var k = 0; k < weights.Count; k++) result[k] = decimal.Round(amount * weights[k] / total, 2, MidpointRounding.AwayFromZero);
        var largest = weights.Select((w, k) => (w, k)).MaxBy(x => x.w).k;
        result[largest] += amount - result.Sum();
        return result;
    }
}
