using System.Text.Json;
using Connectors.Ingest;
using Connectors.Sources.Fields;

namespace Connectors.Sources.Selldone;

/// <summary>One basket item as a canonical line, with what CancelProduct and ReturnOrder need to pick it.</summary>
/// <param name="ProductDiscount">count x dis: the product discount already taken off the line's price, but counted in basket.discount.</param>
public sealed record SelldoneItem(string Id, CanonicalLine Line, bool IsCancelled, decimal? ReturnedCount, decimal ProductDiscount);

/// <summary>
/// The basket's lines and money, as Selldone's own order screens compute them (selldone/components
/// backoffice/order/payment/table/BOrderPaymentTable.vue, backoffice/order/dashboard/payment/BOrderDashboardPayment.vue,
/// storefront/order/billing/card/SOrderBillCard.vue). BasketItem.price is the unit price after the product discount
/// `dis` (per unit); a line's net is count x price - offer_amount - cross_dis. Basket.discount is the order's WHOLE
/// discount: sum(count x dis) + offers + cross-sells + discount code + coupon + club + lottery; only the part the items do
/// not already carry (code, coupon, club, lottery) is spread over the lines in proportion to their nets. Basket.tax is
/// spread the same way as each line's TaxAmount. The buyer pays price + (tax_included ? 0 : tax) + tax_shipping, so the
/// shipping tax is on top of delivery_price even in a tax-inclusive shop. Amounts are read as given (major units).
/// </summary>
/// <param name="FinalPrice">What the buyer was charged, as Selldone's bill shows it ("final price", SOrderBillCard.vue):
/// price + (tax_included ? 0 : tax) + tax_shipping; null when the basket has no price.</param>
public sealed record SelldoneBasket(string Currency, bool TaxIncluded, bool NoStock, IReadOnlyList<SelldoneItem> Items, CanonicalLine? Shipping, decimal? FinalPrice = null)
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
        var orderDiscount = OrderLevelDiscount(basket, raw);
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
            // Selldone adds tax_shipping on top of delivery_price in every shop, so a gross (tax-inclusive) line must carry it in its rate.
            var rate = taxIncluded ? deliveryPrice + shippingTax : deliveryPrice;
            shipping = new CanonicalLine
            {
                Sku = "shipping", Description = "Shipping", Quantity = 1, Rate = rate, IsService = true,
                TaxAmount = shippingTax, TaxRate = Jumpseller.JumpsellerOrder.TaxRate(shippingTax, rate, taxIncluded),
            };
        }
        var finalPrice = PayloadFields.OptionalDecimal(basket, "price", "basket") is { } price
            ? price + (taxIncluded ? 0 : tax) + (PayloadFields.OptionalDecimal(basket, "tax_shipping", "basket") ?? 0)
            : (decimal?)null;
        return new SelldoneBasket(currency, taxIncluded, noStock, items, shipping, finalPrice);
    }

    /// <summary>
    /// basket.discount less what the items already carry (count x dis + offer_amount + cross_dis): the discount code,
    /// coupon, club and lottery share, which no item field holds. Less than nothing means the basket contradicts that reading.
    /// </summary>
    static decimal OrderLevelDiscount(JsonElement basket, IReadOnlyList<SelldoneItem> items)
    {
        var total = PayloadFields.OptionalDecimal(basket, "discount", "basket") ?? 0;
        var onItems = items.Sum(x => x.ProductDiscount + x.Line.Discount);
        var rest = decimal.Round(total - onItems, 2, MidpointRounding.AwayFromZero);
        if (rest < 0)
            throw new PayloadException($"basket.discount {total} is less than the items' own discounts {onItems} (count x dis + offer_amount + cross_dis); Selldone's discount is the order's total discount.");
        return rest;
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
        // dis is per unit and already out of price; it is kept only to tell it apart inside basket.discount.
        var productDiscount = count * (PayloadFields.OptionalDecimal(item, "dis", at) ?? 0);
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
        return new SelldoneItem(id, line, IsCancelled(item), ReturnedCount(item, at, count), productDiscount);
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
