using System.Text.Json;
using Connectors.Ingest;
using Connectors.Sources.Fields;
using Connectors.Sources.Shops;

namespace Connectors.Sources.Jumpseller;

/// <summary>
/// Jumpseller's {"order": {...}} (the Orders API shape) onto canonical events. Which event it becomes depends on the
/// Jumpseller-Event header and the order's status: paid -> sale, canceled -> cancel, a paid order_updated -> sale (if
/// order_paid was missed) plus an update snapshot, pending/abandoned -> recorded only.
/// </summary>
public static class JumpsellerOrder
{
    /// <param name="arrived">When the delivery arrived: an edit's or a cancellation's note is dated then, not with the order's date (its period may be filed).</param>
    /// <param name="triggeredAt">Jumpseller-Triggered-At, when sent: the moment of the change, part of an edit's key.</param>
    public static SourceMapping Map(string eventName, JsonElement order, DateTimeOffset arrived, string? triggeredAt = null)
    {
        var today = DateOnly.FromDateTime(arrived.UtcDateTime);
        var arrivedUtc = arrived.ToUniversalTime();
        var id = PayloadFields.Id(order, "id", "order");
        // Jumpseller-Triggered-At is the moment of the change: it orders an order's snapshots whatever their arrival.
        var version = PayloadFields.Moment(triggeredAt);
        var statusText = PayloadFields.Text(order, "status", 60);
        var status = StatusEnum(order, statusText);

        if (eventName == "order_canceled" || status == "canceled")
            return new SourceMapping.Events(eventName, [new EventDraft(Read(order, id, EventKind.Cancel, statusText) with { Date = today, DateUtc = arrivedUtc, Version = version }, $"cancel|{id}")]);
        if (eventName is "order_pending_payment" or "order_abandoned" || status is "pending_payment" or "abandoned")
            return new SourceMapping.Recorded(eventName, id, $"Order {statusText ?? status ?? "pending"}: recorded, nothing posted until it is paid.");
        if (eventName == "order_paid" || status == "paid")
        {
            // A sale is dated when it was paid. The order has no paid time (created_at is when it was placed, completed_at
            // when checkout completed), so it is Jumpseller-Triggered-At of the first delivery that shows it paid
            // (order_paid: "whenever an order receives a payment confirmation"), else created_at.
            var sale = Read(order, id, EventKind.Sale, statusText);
            if (version is { } paidAt) sale = sale with { Date = DateOnly.FromDateTime(paidAt.UtcDateTime), DateUtc = paidAt };
            if (eventName != "order_updated") return new SourceMapping.Events(eventName, [new EventDraft(sale, $"sale|{id}")]);
            // order_updated fires on payment too: the sale is deduplicated against order_paid. The snapshot's key is its
            // books content and, when sent, the moment of the change: an order edited back to an earlier state is a new
            // edit (posted), a retry of the same delivery is not, and a change the books do not see posts "no change".
            var update = sale with { Kind = EventKind.Update, Date = today, DateUtc = arrivedUtc, Version = version };
            var key = $"update|{id}|{ContentHash(update)}" + (triggeredAt is { } at ? $"|{at}" : "");
            return new SourceMapping.Events(eventName, [new EventDraft(sale, $"sale|{id}"), new EventDraft(update, key)]);
        }
        return new SourceMapping.Recorded(eventName, id, $"Order status '{statusText ?? "(none)"}': recorded, nothing posted.");
    }

    /// <summary>status_enum when present ("pending_payment"), else the display status made into one ("Pending Payment").</summary>
    static string? StatusEnum(JsonElement order, string? statusText) =>
        (PayloadFields.Text(order, "status_enum", 60) ?? statusText)?.Trim().ToLowerInvariant().Replace(' ', '_');

    static CanonicalEvent Read(JsonElement order, string id, EventKind kind, string? status)
    {
        var includesTax = PricesIncludeTax(order);
        var lines = new List<CanonicalLine>();
        var i = 0;
        foreach (var p in PayloadFields.Array(order, "products", "order"))
            lines.Add(ReadProduct(p, $"order.products[{i++}]", includesTax));
        if (lines.Count == 0) throw new PayloadException("order.products must hold at least one product.");
        if (PayloadFields.OptionalDecimal(order, "shipping", "order") is > 0 and var shipping)
        {
            var shippingDiscount = PayloadFields.OptionalDecimal(order, "shipping_discount", "order") ?? 0;
            var shippingTax = PayloadFields.OptionalDecimal(order, "shipping_tax", "order") ?? 0;
            lines.Add(new CanonicalLine
            {
                Sku = "shipping",
                Description = PayloadFields.Text(order, "shipping_method_name", 200) ?? "Shipping",
                Quantity = 1,
                Rate = shipping,
                Discount = shippingDiscount,
                TaxAmount = shippingTax,
                TaxRate = TaxRate(shippingTax, shipping - shippingDiscount, includesTax),
                IsService = true,
            });
        }

        var billing = PayloadFields.OptionalObject(order, "billing_address");
        var shippingAddress = PayloadFields.OptionalObject(order, "shipping_address");
        var customer = PayloadFields.OptionalObject(order, "customer");
        var country = CountryCode(billing) ?? CountryCode(shippingAddress);
        return new CanonicalEvent
        {
            Kind = kind,
            ExternalId = id,
            Date = PayloadFields.Date(order, "created_at", "order"),
            DateUtc = PayloadFields.UtcInstant(order, "created_at"),
            Customer = ReadCustomer(billing, customer, country),
            PlaceOfSupply = PlaceOfSupply(shippingAddress, billing),
            Country = country,
            Currency = PayloadFields.Text(order, "currency", 3)?.ToUpperInvariant() ?? throw new PayloadException("order.currency is required."),
            PricesIncludeTax = includesTax,
            // What Jumpseller charged: the sale's residue of rounding goes on a Round off line.
            PlatformTotal = kind == EventKind.Sale ? PayloadFields.OptionalDecimal(order, "total", "order") : null,
            Lines = lines,
            SourceStatus = status,
        };
    }

    /// <summary>
    /// One product line. Inferred from the Orders API example (order.discount 79.8 = products[0].discount on qty 1):
    /// discount is the line's total discount and tax the tax per unit, so the line's tax is tax x qty.
    /// </summary>
    static CanonicalLine ReadProduct(JsonElement p, string at, bool includesTax)
    {
        if (p.ValueKind != JsonValueKind.Object) throw new PayloadException($"{at} must be an object.");
        var productId = PayloadFields.Id(p, "id", at);
        var variantId = PayloadFields.OptionalId(p, "variant_id", at);
        var qty = PayloadFields.Decimal(p, "qty", at);
        if (qty <= 0) throw new PayloadException($"{at}.qty must be greater than 0.");
        var price = PayloadFields.Decimal(p, "price", at);
        if (price < 0) throw new PayloadException($"{at}.price must not be negative.");
        var discount = PayloadFields.OptionalDecimal(p, "discount", at) ?? 0;
        var taxAmount = (PayloadFields.OptionalDecimal(p, "tax", at) ?? 0) * qty;
        var name = PayloadFields.Text(p, "name", 500);
        return new CanonicalLine
        {
            // A product without a SKU still needs a stable key for the SKU map: its ids.
            Sku = PayloadFields.Text(p, "sku", 100) ?? (variantId is null ? $"js:{productId}" : $"js:{productId}:{variantId}"),
            Description = name,
            Quantity = qty,
            Rate = price,
            Discount = discount,
            TaxAmount = taxAmount,
            TaxRate = DeclaredRate(p, TaxRate(taxAmount, price * qty - discount, includesTax)),
        };
    }

    /// <summary>
    /// The rate the product's taxes[] declare (percentage taxes, fixed=false), when it agrees with the amounts to within
    /// half a point: the implied rate is rounded (1.90 on 9.99 reads 19.02 %), the declared one is what the VAT return groups
    /// by. Whether taxes[].rate is written 19 or 0.19 is not documented, so both are tried; otherwise the implied rate stands.
    /// </summary>
    static decimal DeclaredRate(JsonElement p, decimal implied)
    {
        if (implied <= 0 || !p.TryGetProperty("taxes", out var taxes) || taxes.ValueKind != JsonValueKind.Array) return implied;
        var declared = 0m;
        foreach (var t in taxes.EnumerateArray())
        {
            if (t.ValueKind != JsonValueKind.Object || (t.TryGetProperty("fixed", out var f) && f.ValueKind == JsonValueKind.True)) return implied;
            if (!t.TryGetProperty("rate", out var r) || r.ValueKind != JsonValueKind.Number || !r.TryGetDecimal(out var rate)) return implied;
            declared += rate;
        }
        foreach (var candidate in new[] { declared, declared * 100m })
            if (candidate > 0 && Math.Abs(candidate - implied) < 0.5m) return candidate;
        return implied;
    }

    /// <summary>
    /// Whether prices include tax: the products' taxes[].tax_on_product_price when the payload has it (the Orders API's
    /// OrderProductTax: "False if tax is not included on product price"); older payloads without it are read from the
    /// totals: with tax-inclusive prices total = subtotal - discount + shipping - shipping_discount (the tax is inside).
    /// </summary>
    public static bool PricesIncludeTax(JsonElement order)
    {
        if (DeclaredInclusive(order) is { } declared) return declared;
        var tax = (PayloadFields.OptionalDecimal(order, "tax", "order") ?? 0) + (PayloadFields.OptionalDecimal(order, "shipping_tax", "order") ?? 0);
        if (tax <= 0) return false;
        var total = PayloadFields.OptionalDecimal(order, "total", "order");
        var subtotal = PayloadFields.OptionalDecimal(order, "subtotal", "order");
        if (total is null || subtotal is null) return false;
        var withoutTax = subtotal.Value - (PayloadFields.OptionalDecimal(order, "discount", "order") ?? 0)
            + (PayloadFields.OptionalDecimal(order, "shipping", "order") ?? 0) - (PayloadFields.OptionalDecimal(order, "shipping_discount", "order") ?? 0);
        return Math.Abs(total.Value - withoutTax) <= 0.01m;
    }

    /// <summary>The first tax_on_product_price any product's taxes[] states (a store setting, the same on every product), or null.</summary>
    static bool? DeclaredInclusive(JsonElement order)
    {
        if (!order.TryGetProperty("products", out var products) || products.ValueKind != JsonValueKind.Array) return null;
        foreach (var p in products.EnumerateArray())
            if (p.ValueKind == JsonValueKind.Object && p.TryGetProperty("taxes", out var taxes) && taxes.ValueKind == JsonValueKind.Array)
                foreach (var t in taxes.EnumerateArray())
                    if (t.ValueKind == JsonValueKind.Object && t.TryGetProperty("tax_on_product_price", out var flag) && flag.ValueKind is JsonValueKind.True or JsonValueKind.False)
                        return flag.ValueKind == JsonValueKind.True;
        return null;
    }

    /// <summary>The rate implied by a tax amount on a base (gross or net), in percent to 2 decimals; 0 on a zero base.</summary>
    public static decimal TaxRate(decimal tax, decimal lineBase, bool includesTax)
    {
        var net = includesTax ? lineBase - tax : lineBase;
        if (tax <= 0 || net <= 0) return 0;
        return decimal.Round(tax / net * 100m, 2, MidpointRounding.AwayFromZero);
    }

    static Customer? ReadCustomer(JsonElement? billing, JsonElement? customer, string? country)
    {
        var taxId = billing is { } b ? PayloadFields.Text(b, "taxid", 40) : null;
        var email = customer is { } c ? PayloadFields.Text(c, "email", 200) : null;
        var person = billing is { } bb ? string.Join(' ', new[] { PayloadFields.Text(bb, "name", 100), PayloadFields.Text(bb, "surname", 100) }.Where(s => s is not null)) : "";
        var name = person.Length > 0 ? person : customer is { } cc ? PayloadFields.Text(cc, "fullname", 200) : null;
        if (taxId is null && email is null && name is null) return null;
        return new Customer { Key = CustomerKeys.Best(taxId, null, email), Name = name, Email = CustomerKeys.Email(email), TaxId = CustomerKeys.TaxId(taxId), Country = country };
    }

    static string? CountryCode(JsonElement? address) =>
        address is { } a && PayloadFields.Text(a, "country_code", 10) is { Length: 2 } code ? code.ToUpperInvariant() : null;

    /// <summary>
    /// The GST place of supply: the shipping address when it names a country, else the billing address. In India its
    /// region_code (ISO 3166-2 subdivision, as in Jumpseller's "GB"/"ENG" example) through the state table, else its region
    /// name; a numeric region_code is not trusted (it would not be a GST code: GeoNames writes Karnataka "19", GST's West
    /// Bengal). Abroad GstStates.OutsideIndia; null when neither address says.
    /// </summary>
    static string? PlaceOfSupply(JsonElement? shipping, JsonElement? billing)
    {
        var a = CountryCode(shipping) is not null ? shipping : CountryCode(billing) is not null ? billing : shipping ?? billing;
        if (a is not { } address) return null;
        var code = PayloadFields.Text(address, "region_code", 10);
        if (code is not null && code.All(char.IsAsciiDigit)) code = null;
        return GstStates.PlaceOfSupply(CountryCode(address), code, PayloadFields.Text(address, "region", 100));
    }

    /// <summary>
    /// Hash of what the books see of a snapshot (not the raw body): not its status word, nor the day it arrived, so a retry
    /// days later hashes the same; Jumpseller-Triggered-At, beside it in the key, tells a new edit from a retry.
    /// </summary>
    static string ContentHash(CanonicalEvent e) => Storage.Keys.Hash(JsonSerializer.SerializeToUtf8Bytes(e with { SourceStatus = null, Date = default, DateUtc = null }, IngestJson.Default.CanonicalEvent));
}
