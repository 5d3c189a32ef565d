using System.Globalization;
using System.Net;
using System.Text.Json;
using Connectors.Ingest;
using Connectors.Sources.Shops;

namespace Connectors.Sources.WooCommerce;

/// <summary>
/// WooCommerce orders and products onto canonical events. Woo's line subtotal/total are always ex-tax; a shop whose
/// prices include tax (prices_include_tax) is mapped on gross amounts (amount + its tax), so the voucher shows the
/// prices the customer saw. The order payload only lists refunds as {id, reason, total}: each becomes a value refund
/// spread over the order's lines in proportion (see RefundLines).
/// </summary>
public static class WooMapping
{
    public const string ShippingSku = "shipping";
    public const string FeeSku = "fee";

    /// <summary>
    /// Line-item meta keys that mark a line selling a gift card: WooCommerce core has no gift-card product; the WooCommerce
    /// Gift Cards extension stores the card's value as wc_gc_giftcard_amount on every gift-card line it creates
    /// (WC_GC_Gift_Card_Product::create_order_line_item), PW WooCommerce Gift Cards as pw_gift_card_amount (PWGC_AMOUNT_META_KEY).
    /// </summary>
    public static readonly string[] GiftCardMetaKeys = ["wc_gc_giftcard_amount", "pw_gift_card_amount"];

    /// <summary>Meta keys (case-insensitive, leading "_" ignored) that tax-id plugins store the buyer's GSTIN/VAT number under.</summary>
    static readonly string[] TaxIdKeys = ["billing_gstin", "gstin", "billing_gst", "gst_number", "billing_vat", "billing_vat_number", "vat_number", "vat_id", "billing_tax_id", "tax_id"];

    public static CanonicalEvent Order(WooOrder o, EventKind kind, DateTimeOffset receivedAt)
    {
        var id = o.Id ?? throw new PayloadFieldException("id is required (the order id).");
        var billing = o.Billing;
        var place = ShopBody.Blank(o.Shipping?.Country) is not null ? o.Shipping : billing;
        var country = ShopBody.Blank(place?.Country)?.ToUpperInvariant();
        var number = ShopBody.Blank(o.Number);
        // An edit, refund or cancellation is dated by the delivery's date_modified; its _gmt twin is the moment posting dates
        // in Books:TimeZone, as a sale's (the note's financial year and CGST s.34(2) follow that date).
        var (date, dateUtc) = kind == EventKind.Sale ? SaleDate(o, receivedAt)
            : (DateOf(o.DateModified ?? o.DateCreated, receivedAt), ShopBody.Blank(o.DateModified) is not null ? Fields.PayloadFields.Moment(o.DateModifiedGmt) : null);
        return new CanonicalEvent
        {
            Kind = kind,
            ExternalId = id.ToString(CultureInfo.InvariantCulture),
            OrderName = number is not null && number != id.ToString(CultureInfo.InvariantCulture) ? number : null,
            Date = date,
            DateUtc = dateUtc,
            // date_modified_gmt orders the snapshots (WooCommerce writes it in UTC without an offset).
            Version = Fields.PayloadFields.Moment(o.DateModifiedGmt),
            // Gift-card extensions take a redeemed card off `total` (it is a payment, not a discount): no total to meet then.
            PlatformTotal = kind == EventKind.Sale && !(o.MetaData ?? []).Any(m => m.Key?.Contains("gift", StringComparison.OrdinalIgnoreCase) == true) ? o.Total : null,
            Customer = ShopCustomer.From(ShopCustomer.Join(billing?.FirstName, billing?.LastName) ?? ShopBody.Blank(billing?.Company), billing?.Email, TaxIdOf(o.MetaData), ShopBody.Blank(billing?.Country)),
            PlaceOfSupply = GstStates.PlaceOfSupply(country, place?.State),
            Country = country,
            Currency = ShopBody.Blank(o.Currency)?.ToUpperInvariant(),
            PricesIncludeTax = o.PricesIncludeTax,
            Lines = kind is EventKind.Sale or EventKind.Update ? Lines(o) : [],
            SourceStatus = o.Status,
        };
    }

    /// <summary>Every line of the order as placed: items, then shipping and fees as service lines. Coupons are already inside the item amounts.</summary>
    public static IReadOnlyList<CanonicalLine> Lines(WooOrder o)
    {
        if (o.LineItems is null) throw new PayloadFieldException("line_items is required.");
        var gross = o.PricesIncludeTax;
        var rates = (o.TaxLines ?? []).Where(t => t.RateId is not null && t.RatePercent is not null).GroupBy(t => t.RateId!.Value).ToDictionary(g => g.Key, g => g.First().RatePercent!.Value);
        // Rates named as a cess ("Compensation Cess"): their part of a line's tax is its own component, not GST.
        var cess = (o.TaxLines ?? []).Where(t => t.RateId is not null && (GstStates.IsCess(t.Label) || GstStates.IsCess(t.RateCode))).Select(t => t.RateId!.Value).ToHashSet();
        var lines = new List<CanonicalLine>();
        for (var i = 0; i < o.LineItems.Count; i++)
        {
            var li = o.LineItems[i];
            var at = $"line_items[{i}]";
            var quantity = li.Quantity ?? throw new PayloadFieldException($"{at}.quantity is required.");
            if (quantity < 0) throw new PayloadFieldException($"{at}.quantity must not be negative.");
            if (quantity == 0) continue;
            var total = li.Total ?? li.Subtotal ?? (li.Price is { } p ? p * quantity : throw new PayloadFieldException($"{at}.total is required."));
            var subtotal = li.Subtotal ?? total;
            var totalTax = li.TotalTax ?? 0m;
            var subtotalTax = li.Subtotal is null ? totalTax : li.SubtotalTax;
            var before = gross ? subtotal + subtotalTax : subtotal;
            var after = gross ? total + totalTax : total;
            lines.Add(new CanonicalLine
            {
                // A deleted product leaves product_id 0: the line id still identifies it (it posts as an unmapped SKU).
                Sku = li.ProductId is not > 0 && ShopBody.Blank(li.Sku) is null && li.Id is > 0 ? $"woo:item:{li.Id}" : SkuOf(li.Sku, li.ProductId, li.VariationId, at),
                Description = Text(li.Name),
                Quantity = quantity,
                Rate = decimal.Round(before / quantity, 6, MidpointRounding.AwayFromZero),
                Discount = Math.Max(0, before - after),
                TaxRate = TaxRate(li.Taxes, rates, total, totalTax),
                TaxAmount = li.TotalTax,
                CessRate = CessRate(li.Taxes, rates, cess),
                CessAmount = CessAmount(li.Taxes, cess),
                // Selling a gift card is not a supply (CBIC Circular 243/37/2024-GST): posted to Gift card liability.
                IsGiftCard = (li.MetaData ?? []).Any(m => m.Key is { } k && GiftCardMetaKeys.Contains(k, StringComparer.OrdinalIgnoreCase)),
            });
        }
        foreach (var s in o.ShippingLines ?? [])
            if (s.Total != 0 || s.TotalTax != 0)
                lines.Add(Service(ShippingSku, Text(s.MethodTitle) ?? "Shipping", s.Total, s.TotalTax, s.Taxes, rates, gross, cess));
        foreach (var f in o.FeeLines ?? [])
            if (f.Total > 0 || (f.Total == 0 && f.TotalTax != 0))
                lines.Add(Service(FeeSku, Text(f.Name) ?? "Fee", f.Total, f.TotalTax, f.Taxes, rates, gross, cess));
        SpreadNegativeFees(o, lines, gross);
        return lines;
    }

    /// <summary>
    /// A negative fee is a discount: WooCommerce splits its tax over the items ("so it works as a true discount",
    /// WC_Cart_Totals::get_fees_from_cart), and so does this, in cents in proportion to the items' amounts (largest
    /// remainder): each item's discount grows by its share, and its stated tax shrinks by its share of the fee's tax.
    /// </summary>
    static void SpreadNegativeFees(WooOrder o, List<CanonicalLine> lines, bool gross)
    {
        var fees = (o.FeeLines ?? []).Where(f => f.Total < 0).ToList();
        if (fees.Count == 0) return;
        var items = Enumerable.Range(0, lines.Count).Where(i => !lines[i].IsService).ToList();
        var amounts = items.Select(i => ShopBody.Money(lines[i].Quantity * lines[i].Rate - lines[i].Discount)).ToArray();
        var fee = fees.Sum(f => -f.Total);
        var feeTax = fees.Sum(f => -f.TotalTax);
        var off = gross ? fee + feeTax : fee;
        if (off > amounts.Sum())
            throw new PayloadFieldException($"fee_lines: negative fees of {off} are more than the items' value {amounts.Sum()}.");
        var shares = Allocate(off, amounts, amounts);
        var taxShares = Allocate(feeTax, amounts, items.Select(i => lines[i].TaxAmount ?? 0m).ToArray());
        for (var n = 0; n < items.Count; n++)
        {
            var line = lines[items[n]];
            // The fee's tax share is not told per rate: posting shares what is left between GST and any cess by their rates.
            lines[items[n]] = line with { Discount = line.Discount + shares[n], TaxAmount = line.TaxAmount is { } t ? t - taxShares[n] : null, CessAmount = taxShares[n] == 0 ? line.CessAmount : null };
        }
    }

    static CanonicalLine Service(string sku, string description, decimal total, decimal tax, List<WooLineTax>? taxes, Dictionary<long, decimal> rates, bool gross, HashSet<long> cess) => new()
    {
        Sku = sku, Description = description, Quantity = 1, Rate = gross ? total + tax : total,
        TaxRate = TaxRate(taxes, rates, total, tax), TaxAmount = tax, IsService = true,
        CessRate = CessRate(taxes, rates, cess), CessAmount = CessAmount(taxes, cess),
    };

    /// <summary>
    /// One value refund as a credit spread over the order's lines, never restocked: Woo's order payload lists refunds only
    /// as {id, reason, total} and does not say which items came back. The refunds are replayed in id order over what is
    /// still open on each line (amount + tax): each takes its total in whole cents from the lines in proportion to their
    /// value (largest remainder, capped at what is open), and the same share of the line's quantity and tax. So a refund's
    /// lines add up to exactly its total, no line is credited beyond what was sold, and refunds adding up to the order total
    /// credit every line exactly in full. The cents sit in the line's discount (quantity × rate − discount = the amount),
    /// which posting takes as it stands.
    /// </summary>
    public static IReadOnlyList<CanonicalLine> RefundLines(WooOrder o, IReadOnlyList<CanonicalLine> orderLines, WooRefund refund)
    {
        var gross = o.PricesIncludeTax;
        // Per line: amount as posting computes it (gross or net), its tax, and the value the customer paid for it.
        var amounts = orderLines.Select(l => ShopBody.Money(l.Quantity * l.Rate - l.Discount)).ToArray();
        var taxes = orderLines.Select(l => l.TaxAmount ?? 0m).ToArray();
        var paid = orderLines.Select((l, i) => gross ? amounts[i] : amounts[i] + taxes[i]).ToArray();
        var openPaid = (decimal[])paid.Clone();
        var openTax = (decimal[])taxes.Clone();
        var openQty = orderLines.Select(l => l.Quantity).ToArray();
        if (paid.Sum() <= 0) throw new PayloadFieldException("line_items must have a value for a refund to be spread over them.");
        foreach (var r in (o.Refunds ?? []).Where(r => r.Id is not null && r.Total != 0).OrderBy(r => r.Id))
        {
            var take = Allocate(Math.Min(Math.Abs(ShopBody.Money(r.Total)), openPaid.Sum()), paid, openPaid);
            var lines = new List<CanonicalLine>();
            for (var i = 0; i < orderLines.Count; i++)
            {
                if (take[i] == 0) continue;
                var closes = take[i] == openPaid[i];
                var quantity = closes ? openQty[i] : Math.Min(openQty[i], Fractions.Quantity(orderLines[i].Quantity, take[i] / paid[i]));
                var tax = closes ? openTax[i] : Math.Min(openTax[i], ShopBody.Money(taxes[i] * take[i] / paid[i]));
                var amount = gross ? take[i] : take[i] - tax;
                if (r.Id == refund.Id)
                    lines.Add(orderLines[i] with
                    {
                        Quantity = quantity,
                        Discount = quantity * orderLines[i].Rate - amount,
                        TaxAmount = orderLines[i].TaxAmount is null ? null : tax,
                        // Its share of the line's tax, cess included: posting splits it by the sold line's rates.
                        CessAmount = null,
                        Restock = false,
                    });
                openPaid[i] -= take[i];
                openTax[i] -= tax;
                openQty[i] -= quantity;
            }
            if (r.Id == refund.Id) return lines;
        }
        return [];
    }

    /// <summary>Splits cents over lines in proportion to their weights, largest remainder first, never past a line's open value.</summary>
    static decimal[] Allocate(decimal total, decimal[] weights, decimal[] open)
    {
        var result = new decimal[weights.Length];
        var left = total;
        // Rounds: a line that hits its cap gives its excess to the others in the next round.
        for (var round = 0; round < weights.Length + 1 && left > 0; round++)
        {
            var room = Enumerable.Range(0, weights.Length).Where(i => open[i] - result[i] > 0 && weights[i] > 0).ToList();
            if (room.Count == 0) break;
            var weight = room.Sum(i => weights[i]);
            var shares = room.Select(i => (Index: i, Exact: left * weights[i] / weight)).ToList();
            var given = 0m;
            foreach (var (i, exact) in shares)
            {
                var cents = Math.Min(decimal.Floor(exact * 100m) / 100m, open[i] - result[i]);
                result[i] += cents;
                given += cents;
            }
            var spare = left - given;
            foreach (var (i, _) in shares.OrderByDescending(s => s.Exact * 100m - decimal.Floor(s.Exact * 100m)).ThenBy(s => s.Index))
            {
                if (spare < 0.01m) break;
                if (open[i] - result[i] < 0.01m) continue;
                result[i] += 0.01m;
                spare -= 0.01m;
            }
            left = total - result.Sum();
        }
        return result;
    }

    public static CanonicalEvent Product(WooProduct p, DateTimeOffset receivedAt)
    {
        var id = p.Id ?? throw new PayloadFieldException("id is required (the product id).");
        var isVariation = p.Type == "variation" || p.ParentId is > 0;
        var managed = p.ManageStock.ValueKind == JsonValueKind.True || (p.ManageStock.ValueKind == JsonValueKind.String && p.ManageStock.GetString() == "parent");
        var line = new CanonicalLine
        {
            Sku = isVariation && ShopBody.Blank(p.Sku) is null ? SkuOf(null, p.ParentId, id, "product") : SkuOf(p.Sku, id, 0, "product"),
            Description = Text(p.Name),
            Rate = p.Price is > 0 ? p.Price.Value : p.RegularPrice ?? 0m,
            StockLevel = managed ? p.StockQuantity : null,
        };
        return new CanonicalEvent
        {
            Kind = EventKind.Product,
            ExternalId = id.ToString(CultureInfo.InvariantCulture),
            Date = DateOf(p.DateModified, receivedAt),
            Version = Fields.PayloadFields.Moment(p.DateModifiedGmt),
            Lines = [line],
        };
    }

    /// <summary>The shop's SKU; an empty one falls back to "woo:{product_id}" or "woo:{product_id}:{variation_id}".</summary>
    public static string SkuOf(string? sku, long? productId, long? variationId, string at)
    {
        if (ShopBody.Blank(sku) is { } s) return s;
        if (productId is not > 0) throw new PayloadFieldException($"{at} has neither a sku nor a product_id.");
        return variationId is > 0 ? $"woo:{productId}:{variationId}" : $"woo:{productId}";
    }

    /// <summary>Σ rate_percent of the rates that taxed the line; without rate_percent (Woo before 3.7), tax ÷ amount.</summary>
    static decimal TaxRate(List<WooLineTax>? taxes, Dictionary<long, decimal> rates, decimal amount, decimal tax)
    {
        var applied = (taxes ?? []).Where(t => t.Total != 0 && t.Id is not null).Select(t => t.Id!.Value).Distinct().ToList();
        if (applied.Count > 0 && applied.All(rates.ContainsKey)) return applied.Sum(r => rates[r]);
        return amount == 0 || tax == 0 ? 0m : decimal.Round(tax / amount * 100m, 2, MidpointRounding.AwayFromZero);
    }

    /// <summary>Σ rate_percent of the cess rates that taxed the line (0 when none, or when a cess rate has no rate_percent: its tax is then shared by rate).</summary>
    static decimal CessRate(List<WooLineTax>? taxes, Dictionary<long, decimal> rates, HashSet<long> cess)
    {
        var applied = (taxes ?? []).Where(t => t.Total != 0 && t.Id is { } id && cess.Contains(id)).Select(t => t.Id!.Value).Distinct().ToList();
        return applied.Count > 0 && applied.All(rates.ContainsKey) ? applied.Sum(r => rates[r]) : 0m;
    }

    /// <summary>The line's tax under cess rates (taxes[].total of those rate ids); null when the line has none.</summary>
    static decimal? CessAmount(List<WooLineTax>? taxes, HashSet<long> cess) =>
        (taxes ?? []).Where(t => t.Id is { } id && cess.Contains(id)).ToList() is { Count: > 0 } c ? c.Sum(t => t.Total) : null;

    static string? TaxIdOf(List<WooMeta>? meta)
    {
        foreach (var m in meta ?? [])
            if (m.Key is { } key && TaxIdKeys.Contains(key.TrimStart('_'), StringComparer.OrdinalIgnoreCase) && m.Value.ValueKind == JsonValueKind.String && ShopBody.Blank(m.Value.GetString()) is { } v)
                return v;
        return null;
    }

    /// <summary>Woo sends names HTML-encoded ("Ship Your Idea &amp;ndash; Color: Black").</summary>
    static string? Text(string? s) => ShopBody.Blank(s) is { } t ? WebUtility.HtmlDecode(t) : null;

    /// <summary>
    /// When the order became a sale (a sale is only mapped from a processing, completed or refunded order): date_paid,
    /// else date_completed, else the date_modified of this delivery, the first to show it paid (an on-hold bank transfer
    /// moved to processing carries no date_paid), else date_created. The date as the shop wrote it (its own time zone),
    /// and the _gmt twin as the UTC moment, which posting dates in Books:TimeZone when that is set.
    /// </summary>
    static (DateOnly Date, DateTimeOffset? Utc) SaleDate(WooOrder o, DateTimeOffset receivedAt)
    {
        foreach (var (local, gmt) in new[] { (o.DatePaid, o.DatePaidGmt), (o.DateCompleted, o.DateCompletedGmt), (o.DateModified, o.DateModifiedGmt) })
        {
            var utc = Fields.PayloadFields.Moment(gmt);
            if (ShopBody.TryDate(local, out var d)) return (d, utc);
            if (utc is { } u) return (DateOnly.FromDateTime(u.UtcDateTime), u);
        }
        return (DateOf(o.DateCreated, receivedAt), null);
    }

    /// <summary>Woo dates without _gmt are in the shop's own time zone: exactly the calendar the books want.</summary>
    static DateOnly DateOf(string? timestamp, DateTimeOffset receivedAt) =>
        ShopBody.TryDate(timestamp, out var d) ? d : DateOnly.FromDateTime(receivedAt.UtcDateTime);
}
