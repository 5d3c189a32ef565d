using System.Globalization;
using Connectors.Activity;
using Connectors.Ingest;
using Connectors.Sources.Fields;
using Connectors.Sources.Shops;

namespace Connectors.Sources.Shopify;

/// <summary>
/// Shopify resources onto canonical events. Every snapshot is read as the order as sold, gross of refunds: a sale's
/// quantities are as ordered, an update's are current_quantity (net of refunds and edit removals) plus what the refunds it
/// lists took, and its shipping is as charged. The refunds an update or a cancellation lists are refunds of their own
/// (Refunds), the same facts refunds/create tells, so posting credits each once by refund id whichever comes first.
/// </summary>
public static class ShopifyMapping
{
    public const string ShippingSku = "shipping";

    /// <param name="onPayment">The sale comes from orders/paid (saleOn=paid): it is dated when the order was paid, not when it was placed.</param>
    public static CanonicalEvent Order(ShopifyOrder o, EventKind kind, DateTimeOffset receivedAt, bool onPayment = false)
    {
        var id = o.Id ?? throw new PayloadFieldException("id is required (the order id).");
        if (o.LineItems is null) throw new PayloadFieldException("line_items is required.");
        var snapshot = kind == EventKind.Update;
        var saleAt = kind == EventKind.Sale ? SaleTimestamp(o, onPayment) : null;
        var date = kind switch
        {
            EventKind.Update => DateOf(o.UpdatedAt, receivedAt),
            EventKind.Cancel => DateOf(o.CancelledAt ?? o.UpdatedAt, receivedAt),
            _ => DateOf(saleAt, receivedAt, "created_at"),
        };
        var refunded = snapshot ? RefundedQuantities(o) : [];
        var lines = new List<CanonicalLine>();
        if (kind != EventKind.Cancel)
        {
            for (var i = 0; i < o.LineItems.Count; i++)
                if (ItemLine(o.LineItems[i], $"line_items[{i}]", snapshot, refunded) is { } line) lines.Add(line);
            // Shipping as charged: its refunds are refunds of their own, credited by refund id.
            foreach (var s in o.ShippingLines ?? [])
                if (ShippingLine(s) is { } line) lines.Add(line);
        }
        else
        {
            // Shopify records what a cancellation restocks as the cancellation's refund (restock_type cancel), listed in
            // refunds[]; the order's own lines say only that nothing else comes back (orderCancel with restock: false).
            for (var i = 0; i < o.LineItems.Count; i++)
                if (o.LineItems[i] is { Quantity: > 0 } li)
                    lines.Add(new CanonicalLine { Sku = SkuOf(li.Sku, li.ProductId, li.VariantId, $"line_items[{i}]", li.Id), Quantity = li.Quantity.Value, Restock = false });
        }
        if (snapshot) lines = SameSku.Merge(lines);
        var (country, placeOfSupply) = Region(o.ShippingAddress, o.BillingAddress);
        return new CanonicalEvent
        {
            Kind = kind,
            ExternalId = id.ToString(CultureInfo.InvariantCulture),
            OrderName = ShopBody.Blank(o.Name),
            Date = date,
            // The document's moment (Shopify writes it with the shop's offset): posting dates it in Books:TimeZone when that is
            // set, the sale's as its edits' and cancellation's (their notes' financial year and CGST s.34(2) follow it).
            DateUtc = PayloadFields.Moment(kind switch { EventKind.Update => o.UpdatedAt, EventKind.Cancel => o.CancelledAt ?? o.UpdatedAt, _ => saleAt })
                ?? (kind is EventKind.Update or EventKind.Cancel ? receivedAt : null),
            // Shopify does not deliver in order and retries with the original payload: updated_at orders the snapshots.
            Version = PayloadFields.Moment(o.UpdatedAt ?? o.CancelledAt ?? o.CreatedAt),
            PlatformTotal = kind == EventKind.Sale ? o.TotalPrice : null,
            Customer = CustomerOf(o),
            PlaceOfSupply = placeOfSupply,
            Country = country,
            Currency = ShopBody.Blank(o.Currency)?.ToUpperInvariant(),
            PricesIncludeTax = o.TaxesIncluded,
            IsTest = o.Test,
            Lines = lines,
            SourceStatus = o.FinancialStatus,
        };
    }

    /// <summary>One order line as sold (gross of the refunds the snapshot lists); null when nothing of it remains (removed by an edit).</summary>
    static CanonicalLine? ItemLine(ShopifyLineItem li, string at, bool snapshot, IReadOnlyDictionary<long, int> refunded)
    {
        var ordered = li.Quantity ?? throw new PayloadFieldException($"{at}.quantity is required.");
        if (ordered < 0) throw new PayloadFieldException($"{at}.quantity must not be negative.");
        var price = li.Price ?? throw new PayloadFieldException($"{at}.price is required.");
        // current_quantity is net of refunds and of edit removals; adding back the listed refunds leaves the removals out.
        var quantity = snapshot && li.CurrentQuantity is { } current ? Math.Min(ordered, current + (li.Id is { } lid && refunded.TryGetValue(lid, out var r) ? r : 0)) : ordered;
        if (quantity <= 0) return null;
        var discount = LineDiscount(li);
        var stated = (li.TaxLines ?? []).Sum(t => t.Price);
        var cess = CessAmount(li.TaxLines);
        var whole = quantity == ordered;
        return new CanonicalLine
        {
            Sku = SkuOf(li.Sku, li.ProductId, li.VariantId, at, li.Id),
            Description = ShopBody.Blank(li.Name) ?? ShopBody.Blank(li.Title),
            Quantity = quantity,
            // Selling a gift card is not a supply (CBIC Circular 243/37/2024-GST): posted to Gift card liability.
            IsGiftCard = li.GiftCard == true,
            Rate = price,
            TaxRate = TaxRate(li.TaxLines),
            CessRate = CessRate(li.TaxLines),
            // Part of a line keeps its share of the discount and of the tax Shopify stated for the whole line.
            Discount = whole ? discount : ShopBody.Money(discount * quantity / ordered),
            TaxAmount = whole ? stated : ShopBody.Money(stated * quantity / ordered),
            CessAmount = cess is { } c && !whole ? ShopBody.Money(c * quantity / ordered) : cess,
        };
    }

    static CanonicalLine? ShippingLine(ShopifyShippingLine s)
    {
        if (s.Price == 0 && (s.TaxLines ?? []).Sum(t => t.Price) == 0) return null;
        var discount = s.DiscountAllocations is { Count: > 0 } d ? d.Sum(a => a.Amount) : s.DiscountedPrice is { } dp ? s.Price - dp : 0m;
        return new CanonicalLine
        {
            Sku = ShippingSku,
            Description = ShopBody.Blank(s.Title) ?? ShopBody.Blank(s.Code) ?? "Shipping",
            Quantity = 1,
            Rate = s.Price,
            Discount = Math.Max(0, discount),
            TaxRate = TaxRate(s.TaxLines),
            CessRate = CessRate(s.TaxLines),
            TaxAmount = (s.TaxLines ?? []).Sum(t => t.Price),
            CessAmount = CessAmount(s.TaxLines),
            IsService = true,
        };
    }

    public static CanonicalEvent Refund(ShopifyRefund r, DateTimeOffset receivedAt)
    {
        var refundId = r.Id ?? throw new PayloadFieldException("id is required (the refund id).");
        var orderId = r.OrderId ?? throw new PayloadFieldException("order_id is required.");
        var lines = new List<CanonicalLine>();
        var items = r.RefundLineItems ?? [];
        bool? inclusive = null;
        for (var i = 0; i < items.Count; i++)
        {
            var at = $"refund_line_items[{i}]";
            var rli = items[i];
            var li = rli.LineItem ?? throw new PayloadFieldException($"{at}.line_item is required.");
            var quantity = rli.Quantity ?? throw new PayloadFieldException($"{at}.quantity is required.");
            if (quantity <= 0) continue;
            var price = li.Price ?? throw new PayloadFieldException($"{at}.line_item.price is required.");
            var ordered = li.Quantity is > 0 and var q ? q : quantity;
            inclusive ??= LooksTaxInclusive(li);
            lines.Add(new CanonicalLine
            {
                Sku = SkuOf(li.Sku, li.ProductId, li.VariantId, at + ".line_item", li.Id ?? rli.LineItemId),
                Description = ShopBody.Blank(li.Name) ?? ShopBody.Blank(li.Title),
                Quantity = quantity,
                Rate = price,
                TaxRate = TaxRate(li.TaxLines),
                // total_tax is one figure: posting shares it between GST and the cess by their rates.
                CessRate = CessRate(li.TaxLines),
                Discount = ShopBody.Money(LineDiscount(li) * quantity / ordered),
                TaxAmount = rli.TotalTax,
                Restock = rli.RestockType is { } type ? type is "return" or "cancel" or "legacy_restock" : r.Restock == true,
            });
        }
        // Current payloads carry both shapes for the same shipping, so refund_shipping_lines, when present, replace the adjustments.
        if (r.RefundShippingLines is { Count: > 0 } shipped) lines.AddRange(RefundedShipping(shipped, r.OrderAdjustments, inclusive));
        else
            foreach (var a in r.OrderAdjustments ?? [])
                if (a.Kind == "shipping_refund" && a.Amount != 0) lines.Add(ShippingRefund(Math.Abs(a.Amount), Math.Abs(a.TaxAmount), null, inclusive));
        return new CanonicalEvent
        {
            Kind = EventKind.Refund,
            ExternalId = orderId.ToString(CultureInfo.InvariantCulture),
            RefundId = refundId.ToString(CultureInfo.InvariantCulture),
            Version = PayloadFields.Moment(r.ProcessedAt ?? r.CreatedAt),
            Date = DateOf(r.ProcessedAt ?? r.CreatedAt, receivedAt, "created_at"),
            // Its moment, so that Books:TimeZone dates it (the financial year of its number and CGST s.34(2) follow that date).
            DateUtc = PayloadFields.Moment(r.ProcessedAt ?? r.CreatedAt),
            Currency = RefundCurrency(r),
            PlatformTotal = Returned(r),
            PricesIncludeTax = inclusive == true,
            IsTest = (r.Transactions ?? []).Any(t => t.Test),
            Lines = lines,
            SourceStatus = ShopBody.Blank(r.Note),
        };
    }

    /// <summary>
    /// What the refund gave back: Σ amount of its successful refund transactions, which the credit note meets with a Round
    /// off line (duties, fees and discrepancies it does not itemise). Null, not measured, when it lists none (a restock
    /// without money) or they are in another currency than the shop's (a multi-currency shop's transactions are the buyer's).
    /// </summary>
    static decimal? Returned(ShopifyRefund r)
    {
        var paid = (r.Transactions ?? []).Where(t => t is { Kind: "refund", Status: "success" }).ToList();
        if (paid.Count == 0) return null;
        var shop = RefundCurrency(r);
        if (paid.Any(t => ShopBody.Blank(t.Currency) is { } c && shop is not null && !string.Equals(c, shop, StringComparison.OrdinalIgnoreCase))) return null;
        return paid.Sum(t => t.Amount);
    }

    /// <summary>The refunds an order snapshot lists (orders/updated, orders/cancelled), each as refunds/create tells it; money-only refunds name no line and are left out.</summary>
    public static IEnumerable<CanonicalEvent> ListedRefunds(ShopifyOrder o, DateTimeOffset receivedAt)
    {
        foreach (var r in o.Refunds ?? [])
        {
            if (r.Id is null) continue;
            CanonicalEvent refund;
            // A listed refund this mapping cannot read is left to its own refunds/create delivery, which names the problem.
            try { refund = Refund(r with { OrderId = r.OrderId ?? o.Id }, receivedAt); }
            catch (PayloadFieldException) { continue; }
            if (refund.Lines.Count > 0) yield return refund;
        }
    }

    /// <summary>
    /// The shop's currency, which the refund's amounts are in: from a shop_money set when the payload has one. Transactions
    /// are in the buyer's currency in a multi-currency shop, so they only say it for payloads without money sets (older ones).
    /// </summary>
    static string? RefundCurrency(ShopifyRefund r) =>
        ((r.RefundLineItems ?? []).Select(l => l.SubtotalSet?.ShopMoney?.CurrencyCode)
            .Concat((r.RefundShippingLines ?? []).Select(s => s.SubtotalAmountSet?.ShopMoney?.CurrencyCode))
            .Select(ShopBody.Blank).FirstOrDefault(c => c is not null)
         ?? (r.Transactions ?? []).Select(t => ShopBody.Blank(t.Currency)).FirstOrDefault(c => c is not null))?.ToUpperInvariant();

    /// <summary>
    /// One line per refund_shipping_lines entry (2024-10 on), its shop_money subtotal taken as net like the legacy amount. REST
    /// documents no tax there: tax_amount_set if sent, else the shipping_refund adjustments' tax, else the line's own rates.
    /// </summary>
    static List<CanonicalLine> RefundedShipping(List<ShopifyRefundShippingLine> shipped, List<ShopifyOrderAdjustment>? adjustments, bool? inclusive)
    {
        var parts = new List<(decimal Net, decimal? Tax, List<ShopifyTaxLine>? TaxLines)>();
        for (var i = 0; i < shipped.Count; i++)
        {
            var s = shipped[i];
            var net = s.SubtotalAmountSet?.ShopMoney?.Amount ?? throw new PayloadFieldException($"refund_shipping_lines[{i}].subtotal_amount_set.shop_money.amount is required.");
            var tax = s.TaxAmountSet?.ShopMoney?.Amount is { } t ? Math.Abs(t) : (decimal?)null;
            if (net != 0 || tax is not null and not 0) parts.Add((Math.Abs(net), tax, s.ShippingLine?.TaxLines));
        }
        var legacy = (adjustments ?? []).Where(a => a.Kind == "shipping_refund").ToList();
        var untaxed = parts.Select((p, i) => (p, i)).Where(x => x.p.Tax is null).Select(x => x.i).ToList();
        if (legacy.Count > 0 && untaxed.Count > 0)
        {
            // Shopify's stated shipping tax, less what lines state themselves, shared by subtotal; the last takes the remainder.
            var stated = Math.Max(0, legacy.Sum(a => Math.Abs(a.TaxAmount)) - parts.Sum(p => p.Tax ?? 0));
            var basis = untaxed.Sum(i => parts[i].Net);
            var left = stated;
            for (var k = 0; k < untaxed.Count; k++)
            {
                var i = untaxed[k];
                var share = k == untaxed.Count - 1 ? left : basis == 0 ? 0 : ShopBody.Money(stated * parts[i].Net / basis);
                parts[i] = parts[i] with { Tax = share };
                left -= share;
            }
        }
        return parts.Select(p => ShippingRefund(p.Net, p.Tax ?? AtRates(p.Net, p.TaxLines), p.TaxLines, inclusive)).ToList();
    }

    /// <summary>Tax on a net amount at the shipping line's own rates; null when the line states none (posting then uses the sale's rate).</summary>
    static decimal? AtRates(decimal net, List<ShopifyTaxLine>? taxLines) =>
        taxLines is { Count: > 0 } ? ShopBody.Money(net * taxLines.Where(t => t.Rate > 0).Sum(t => t.Rate)) : null;

    /// <summary>One refunded shipping charge: net plus its tax, posted gross when the refund's prices are gross.</summary>
    static CanonicalLine ShippingRefund(decimal net, decimal? tax, List<ShopifyTaxLine>? taxLines, bool? inclusive) => new()
    {
        Sku = ShippingSku, Description = "Shipping refund", Quantity = 1,
        Rate = inclusive == true ? net + (tax ?? 0) : net,
        TaxRate = tax is { } t && net != 0 ? decimal.Round(t / net * 100, 2, MidpointRounding.AwayFromZero) : TaxRate(taxLines),
        TaxAmount = tax, IsService = true, Restock = false,
    };

    public static CanonicalEvent Product(ShopifyProduct p, DateTimeOffset receivedAt)
    {
        var id = p.Id ?? throw new PayloadFieldException("id is required (the product id).");
        if (p.Variants is not { Count: > 0 } variants) throw new PayloadFieldException("variants is required and must hold at least one variant.");
        var lines = new List<CanonicalLine>();
        for (var i = 0; i < variants.Count; i++)
        {
            var v = variants[i];
            var at = $"variants[{i}]";
            var variantTitle = ShopBody.Blank(v.Title) is { } t && t != "Default Title" ? t : null;
            lines.Add(new CanonicalLine
            {
                Sku = SkuOf(v.Sku, v.ProductId ?? id, v.Id, at),
                Description = variantTitle is null ? ShopBody.Blank(p.Title) : $"{ShopBody.Blank(p.Title)} - {variantTitle}",
                Quantity = 0,
                Rate = v.Price ?? throw new PayloadFieldException($"{at}.price is required."),
                // Only a variant whose stock Shopify tracks has a level worth setting.
                StockLevel = v.InventoryManagement is { Length: > 0 } && v.InventoryQuantity is { } n ? n : null,
            });
        }
        return new CanonicalEvent
        {
            Kind = EventKind.Product,
            ExternalId = id.ToString(CultureInfo.InvariantCulture),
            Date = DateOf(p.UpdatedAt, receivedAt),
            Version = PayloadFields.Moment(p.UpdatedAt),
            Lines = lines,
        };
    }

    /// <summary>
    /// The shop's SKU; an empty one falls back to "shopify:{product}:{variant}" so the line still maps, and a custom item
    /// of a draft order (no product, no variant) to its line id, "shopify:item:{id}" (it posts as an unmapped SKU).
    /// </summary>
    public static string SkuOf(string? sku, long? productId, long? variantId, string at, long? lineId = null)
    {
        if (ShopBody.Blank(sku) is { } s) return s;
        if (productId is null && variantId is null)
            return lineId is { } id ? $"shopify:item:{id}" : throw new PayloadFieldException($"{at} has no sku, product_id, variant_id or id to identify the item.");
        return variantId is { } v && productId is { } p ? $"shopify:{p}:{v}" : $"shopify:{productId ?? variantId}";
    }

    /// <summary>Σ tax_lines.rate as a percentage (CGST 0.09 + SGST 0.09 = 18).</summary>
    static decimal TaxRate(List<ShopifyTaxLine>? taxLines) => (taxLines ?? []).Where(t => t.Rate > 0).Sum(t => t.Rate) * 100m;

    /// <summary>The part of TaxRate that tax_lines titled as a cess ("Compensation Cess") make up, as a percentage.</summary>
    static decimal CessRate(List<ShopifyTaxLine>? taxLines) => (taxLines ?? []).Where(t => t.Rate > 0 && GstStates.IsCess(t.Title)).Sum(t => t.Rate) * 100m;

    /// <summary>Σ price of the cess tax_lines; null when the line has none (no cess to state).</summary>
    static decimal? CessAmount(List<ShopifyTaxLine>? taxLines) =>
        (taxLines ?? []).Where(t => GstStates.IsCess(t.Title)).ToList() is { Count: > 0 } cess ? cess.Sum(t => t.Price) : null;

    /// <summary>The line's share of order discounts (discount_allocations), else the older total_discount.</summary>
    static decimal LineDiscount(ShopifyLineItem li) =>
        li.DiscountAllocations is { Count: > 0 } a ? a.Sum(d => d.Amount) : li.TotalDiscount;

    /// <summary>
    /// A refund body does not say whether the shop's prices include tax; the refunded line's own tax tells: the stated tax
    /// is closer to net·r/(1+r) when prices are gross and to net·r when they are net.
    /// </summary>
    static bool? LooksTaxInclusive(ShopifyLineItem li)
    {
        var rate = (li.TaxLines ?? []).Sum(t => t.Rate);
        var tax = (li.TaxLines ?? []).Sum(t => t.Price);
        if (rate <= 0 || tax <= 0 || li.Price is not { } price || li.Quantity is not > 0) return null;
        var net = price * li.Quantity.Value - LineDiscount(li);
        return Math.Abs(tax - net * rate / (1 + rate)) < Math.Abs(tax - net * rate);
    }

    static Dictionary<long, int> RefundedQuantities(ShopifyOrder o)
    {
        var result = new Dictionary<long, int>();
        foreach (var r in o.Refunds ?? [])
            foreach (var rli in r.RefundLineItems ?? [])
                if ((rli.LineItemId ?? rli.LineItem?.Id) is { } id && rli.Quantity is > 0 and var q)
                    result[id] = result.GetValueOrDefault(id) + q;
        return result;
    }

    static Customer? CustomerOf(ShopifyOrder o)
    {
        var billing = o.BillingAddress;
        var name = ShopCustomer.Join(o.Customer?.FirstName, o.Customer?.LastName)
            ?? ShopBody.Blank(billing?.Name) ?? ShopCustomer.Join(billing?.FirstName, billing?.LastName)
            ?? ShopBody.Blank(o.ShippingAddress?.Name) ?? ShopBody.Blank(billing?.Company);
        return ShopCustomer.From(name, ShopBody.Blank(o.Customer?.Email) ?? o.Email, null, billing?.CountryCode ?? o.ShippingAddress?.CountryCode);
    }

    /// <summary>
    /// The buyer's country and the place of supply: where the goods go (shipping address), else the billing address, its
    /// province_code (else province name) as a GST state code; abroad GstStates.OutsideIndia; null when neither says.
    /// </summary>
    static (string? Country, string? PlaceOfSupply) Region(ShopifyAddress? shipping, ShopifyAddress? billing)
    {
        var a = ShopBody.Blank(shipping?.CountryCode) is not null ? shipping : billing;
        var country = ShopBody.Blank(a?.CountryCode)?.ToUpperInvariant();
        return (country, GstStates.PlaceOfSupply(country, a?.ProvinceCode, a?.Province));
    }

    /// <summary>
    /// When the order became a sale. orders/create: processed_at ("the date and time when the order was processed",
    /// after checkout; else created_at). orders/paid: the payment's moment: the latest successful sale or capture
    /// transaction when the payload lists transactions (order webhooks do not: transactions are a resource of their own),
    /// else the delivery's updated_at: the payment is the change orders/paid reports, and a retry carries the original
    /// payload, so it is the moment of payment whenever the delivery arrives.
    /// </summary>
    static string? SaleTimestamp(ShopifyOrder o, bool onPayment)
    {
        if (onPayment)
        {
            var paid = (o.Transactions ?? [])
                .Where(t => t.Kind is "sale" or "capture" && t.Status is null or "success")
                .Select(t => ShopBody.Blank(t.ProcessedAt) ?? ShopBody.Blank(t.CreatedAt))
                .Where(at => PayloadFields.Moment(at) is not null && ShopBody.TryDate(at, out _))
                .MaxBy(at => PayloadFields.Moment(at));
            if (paid is not null) return paid;
            if (ShopBody.Blank(o.UpdatedAt) is { } updated && ShopBody.TryDate(updated, out _)) return updated;
        }
        return o.ProcessedAt ?? o.CreatedAt;
    }

    static DateOnly DateOf(string? timestamp, DateTimeOffset receivedAt, string? requiredField = null)
    {
        if (ShopBody.TryDate(timestamp, out var d)) return d;
        if (requiredField is not null && timestamp is not null) throw new PayloadFieldException($"{requiredField} must be an ISO-8601 timestamp, not '{Clip.To(timestamp, 40)}'.");
        if (requiredField is not null) throw new PayloadFieldException($"{requiredField} is required.");
        return DateOnly.FromDateTime(receivedAt.UtcDateTime);
    }
}
