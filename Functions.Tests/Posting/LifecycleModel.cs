using System.Globalization;
using System.Text.Json.Nodes;
using CsCheck;

namespace Connectors.Tests.Posting;

// Order lifecycles in the three platform shapes (Custom, Shopify, WooCommerce), the deliveries each one makes, and an
// independent model of the books each one must end in, whatever the order the deliveries arrive in. Nothing here calls
// the code under test: the model is written from the contract (docs/posting-rules.md, docs/custom-source.md, docs/sources.md: "Shopify and
// WooCommerce" and the order-independence contract), not from the engine.
//
// Rounding: every amount a lifecycle produces is a whole number of paise, and so is every GST component of it. Rates are
// 100.00, 200.00 or 250.00 a unit at 18 % or 5 % (tax 18.00, 36.00, 10.00, 5.00 or 12.50 a unit, halves 9.00, 18.00,
// 5.00, 2.50, 6.25), shipping 50.00 (Shopify, tax 9.00) or 100.00 (WooCommerce, tax 18.00) at 18 %, Shopify's partial
// shipping refund 25.00 (tax 4.50), and WooCommerce's value refunds are whole quarters of the order total (a quarter of
// any of those amounts, and half of that quarter's tax, is still whole paise). So the engine's per-line rounding (half
// away from zero, to 2 decimals) and its proportional spreading of a value refund never change a figure, and the model
// needs no rounding at all. Paise.Exact throws if a generator ever makes an amount that would need rounding.

public enum Shape { Custom, Shopify, WooCommerce }

/// <summary>One delivery as the platform sends it; the body is fixed, so a copy is byte-identical.</summary>
/// <param name="WebhookId">Shopify's X-Shopify-Webhook-Id (a retry of the same delivery repeats it).</param>
public sealed record Delivery(string Label, string Topic, string Body, string WebhookId);

/// <summary>A delivery sent again: by the platform's retry (same webhook id) or by another path (a new one).</summary>
public sealed record Copy(int Index, bool SameWebhookId);

/// <summary>What the books hold for one order: net (sales + debit notes - credit notes, tax included), tax per GST component, stock per shop SKU.</summary>
public sealed record Books(decimal Net, IReadOnlyDictionary<string, decimal> Tax, IReadOnlyDictionary<string, decimal> Stock)
{
    public static readonly string[] Components = ["CGST", "SGST", "IGST"];

    public IReadOnlyList<string> Differences(Books actual)
    {
        var d = new List<string>();
        if (Net != actual.Net) d.Add($"net expected {Money(Net)}, actual {Money(actual.Net)}");
        foreach (var c in Components)
            if (Tax.GetValueOrDefault(c) is var e && actual.Tax.GetValueOrDefault(c) is var a && e != a) d.Add($"{c} expected {Money(e)}, actual {Money(a)}");
        foreach (var sku in Stock.Keys.Union(actual.Stock.Keys).Order(StringComparer.Ordinal))
            if (Stock.GetValueOrDefault(sku) is var e && actual.Stock.GetValueOrDefault(sku) is var a && e != a)
                d.Add($"stock of {sku} expected {e.ToString(CultureInfo.InvariantCulture)}, actual {a.ToString(CultureInfo.InvariantCulture)}");
        return d;
    }

    public override string ToString() =>
        $"net {Money(Net)}, " + string.Join(", ", Components.Where(c => Tax.GetValueOrDefault(c) != 0).Select(c => $"{c} {Money(Tax[c])}"))
        + $"; stock [{string.Join(", ", Stock.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key} {s.Value.ToString(CultureInfo.InvariantCulture)}"))}]";

    public static string Money(decimal x) => x.ToString("0.00", CultureInfo.InvariantCulture);
}

/// <summary>Amounts the model adds up, checked to be whole paise (see the rounding note at the top of the file).</summary>
public static class Paise
{
    public static decimal Exact(decimal x, string what) =>
        decimal.Round(x, 2) == x ? x : throw new InvalidOperationException($"{what} = {x} is not a whole number of paise: the generator must keep every amount exact.");

    public static string F2(decimal x) => Exact(x, "amount").ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>Adds a line's tax to the order's components: intra-state half CGST, half SGST; inter-state all IGST.</summary>
    public static void AddTax(Dictionary<string, decimal> tax, bool intraState, decimal amount, string what)
    {
        if (intraState)
        {
            var half = Exact(amount / 2, what + " (half, CGST/SGST)");
            tax["CGST"] = tax.GetValueOrDefault("CGST") + half;
            tax["SGST"] = tax.GetValueOrDefault("SGST") + half;
        }
        else tax["IGST"] = tax.GetValueOrDefault("IGST") + Exact(amount, what);
    }
}

public abstract record Lifecycle(string OrderId)
{
    public const string HomeState = "29";
    public static string Sku(int i) => $"SHUF-S{i}";

    public abstract Shape Shape { get; }
    /// <summary>The shop SKUs the lifecycle sells (each is mapped to an item with an opening stock).</summary>
    public abstract IReadOnlyList<string> Skus { get; }
    /// <summary>Every delivery the platform makes for this lifecycle, once each, in the order things happened.</summary>
    public abstract IReadOnlyList<Delivery> Deliveries();
    /// <summary>The books the lifecycle must end in, from the contract alone.</summary>
    public abstract Books Model(decimal opening);
    public abstract string Describe();

    public Copy[] Copies { get; init; } = [];

    /// <summary>The deliveries and their copies: what the permutations shuffle.</summary>
    public IReadOnlyList<Delivery> Sent()
    {
        var d = Deliveries();
        return [.. d, .. Copies.Select(c => d[c.Index % d.Count] is var x ? x with { Label = x.Label + " (copy)", WebhookId = c.SameWebhookId ? x.WebhookId : x.WebhookId + "-again" } : null!)];
    }

    /// <summary>A lifecycle with 1-3 copies and <paramref name="permutations"/> sampled orders of what it sends.</summary>
    public static Gen<(Lifecycle Life, int[][] Orders)> Shuffled(Gen<Lifecycle> gen, int permutations) =>
        gen.SelectMany(l => Gen.Select(Gen.Int[0, 99], Gen.Bool, (i, same) => new Copy(i, same)).Array[1, 3].Select(c => l with { Copies = c }))
           .SelectMany(l => Gen.Shuffle(Enumerable.Range(0, l.Sent().Count).ToArray()).Array[permutations].Select(orders => (l, orders)));

    protected static readonly DateOnly OrderDate = new(2026, 6, 1);
    protected static string Iso(DateTimeOffset at) => at.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
    protected static string Pct(decimal rate) => rate.ToString("0.##", CultureInfo.InvariantCulture) + "%";
}

// ---------------------------------------------------------------------------------------------------------------
// Custom
// ---------------------------------------------------------------------------------------------------------------

/// <summary>An edit: the order as it stands at <paramref name="UpdatedAt"/>, net of the refunds made before then.</summary>
public sealed record CustomEdit(DateTimeOffset UpdatedAt, (int Sku, int Quantity)[] Lines);

/// <summary>A one-unit refund; <paramref name="RefundedAt"/> null: the body has no refunded_at, only refund_date.</summary>
public sealed record CustomRefund(string Id, int Sku, DateOnly Date, DateTimeOffset? RefundedAt);

/// <param name="Prices">Per SKU index: net rate and tax rate (%), the same for the whole lifecycle.</param>
/// <param name="Chronological">What the generator computed is open at the end by walking the lifecycle in time order (a self-check of the model).</param>
public sealed record CustomLifecycle(string OrderId, string? State, (decimal Rate, decimal TaxRate)[] Prices, (int Sku, int Quantity)[] Sale,
    CustomEdit[] Edits, CustomRefund[] Refunds, int[]? Chronological = null) : Lifecycle(OrderId)
{
    public override Shape Shape => Shape.Custom;
    public override IReadOnlyList<string> Skus => [.. Enumerable.Range(0, Prices.Length).Select(Sku)];
    bool Intra => State is null || State == HomeState;

    /// <summary>The contract's ordering of a refund against an edit: refunded_at &lt; updated_at; without refunded_at, an earlier day than updated_at's (the same day counts as after).</summary>
    public static bool MadeBefore(CustomRefund r, CustomEdit e) =>
        r.RefundedAt is { } at ? at < e.UpdatedAt : r.Date < DateOnly.FromDateTime(e.UpdatedAt.UtcDateTime);

    /// <summary>Units open per SKU: (latest edit's lines + refunds made before it) [or the sale's lines] - every refund.</summary>
    public int[] Open()
    {
        var latest = Edits.MaxBy(e => e.UpdatedAt);
        var open = new int[Prices.Length];
        for (var s = 0; s < open.Length; s++)
        {
            var sold = latest is null
                ? Sale.Where(l => l.Sku == s).Sum(l => l.Quantity)
                : latest.Lines.Where(l => l.Sku == s).Sum(l => l.Quantity) + Refunds.Count(r => r.Sku == s && MadeBefore(r, latest));
            open[s] = sold - Refunds.Count(r => r.Sku == s);
        }
        return open;
    }

    public override Books Model(decimal opening)
    {
        var open = Open();
        var net = 0m;
        var tax = new Dictionary<string, decimal>();
        for (var s = 0; s < open.Length; s++)
        {
            var (rate, taxRate) = Prices[s];
            var taxable = open[s] * rate;
            var lineTax = Paise.Exact(taxable * taxRate / 100, $"tax of {open[s]} x {rate} at {taxRate}%");
            net += taxable + lineTax;
            Paise.AddTax(tax, Intra, lineTax, $"tax of {Sku(s)}");
        }
        return new Books(net, tax, Skus.Select((sku, s) => (sku, s)).ToDictionary(x => x.sku, x => opening - open[x.s]));
    }

    public override IReadOnlyList<Delivery> Deliveries()
    {
        var list = new List<Delivery>();
        var created = new JsonObject
        {
            ["external_id"] = OrderId, ["customer_name"] = "Asha Rao", ["order_date"] = OrderDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["lines"] = Lines(Sale),
        };
        if (State is not null) created["buyer_state_code"] = State;
        list.Add(new Delivery("order.created", "order.created", created.ToJsonString(), "sale"));
        foreach (var e in Edits)
            list.Add(new Delivery($"order.updated at {Iso(e.UpdatedAt)}", "order.updated",
                new JsonObject { ["external_id"] = OrderId, ["updated_at"] = e.UpdatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), ["lines"] = Lines(e.Lines) }.ToJsonString(),
                "edit-" + e.UpdatedAt.ToUnixTimeSeconds()));
        foreach (var r in Refunds)
        {
            var body = new JsonObject
            {
                ["external_id"] = OrderId, ["refund_id"] = r.Id, ["refund_date"] = r.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ["lines"] = new JsonArray(new JsonObject { ["sku"] = Sku(r.Sku), ["quantity"] = 1, ["rate"] = Prices[r.Sku].Rate }),
            };
            if (r.RefundedAt is { } at) body["refunded_at"] = at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            list.Add(new Delivery($"order.refunded {r.Id}", "order.refunded", body.ToJsonString(), "refund-" + r.Id));
        }
        return list;
    }

    JsonArray Lines(IEnumerable<(int Sku, int Quantity)> lines) =>
        [.. lines.Select(l => (JsonNode)new JsonObject
        {
            ["sku"] = Sku(l.Sku), ["description"] = "Item " + Sku(l.Sku), ["quantity"] = l.Quantity, ["rate"] = Prices[l.Sku].Rate, ["tax_rate"] = Prices[l.Sku].TaxRate,
        })];

    public override string Describe() =>
        $"Custom order {OrderId}, buyer state {State ?? "none"}; prices [{string.Join(", ", Prices.Select((p, i) => $"{Sku(i)} {p.Rate}@{Pct(p.TaxRate)}"))}]; "
        + $"sale [{Units(Sale)}]; edits [{string.Join("; ", Edits.Select(e => $"{Iso(e.UpdatedAt)}: {Units(e.Lines)}"))}]; "
        + $"refunds [{string.Join("; ", Refunds.Select(r => $"{r.Id}: 1 x {Sku(r.Sku)} on {r.Date:yyyy-MM-dd}{(r.RefundedAt is { } at ? " at " + Iso(at) : " (no refunded_at)")}"))}]";

    static string Units(IEnumerable<(int Sku, int Quantity)> lines) => string.Join(", ", lines.Select(l => $"{l.Quantity} x {Sku(l.Sku)}"));

    static readonly (decimal Rate, decimal TaxRate)[] PriceList = [(100m, 18m), (250m, 5m), (100m, 5m)];

    /// <summary>One step of the lifecycle as drawn: an edit (new quantities per SKU) or a refund (which open SKU, and how its time is written).</summary>
    public sealed record Step(bool Edit, int[] Quantities, int Pick, int Timing);

    static readonly Gen<Step> GenStep = Gen.Select(Gen.Bool, Gen.Int[0, 4].Array[3], Gen.Int[0, 2], Gen.Int[0, 4], (edit, q, pick, timing) => new Step(edit, q, pick, timing));

    /// <summary>
    /// A sale of 1-3 SKUs (1-4 units each), then up to two edits on distinct days after the order date and up to two one-unit
    /// refunds, in any order; each refund takes a unit still open at its time, and its time is written either as refunded_at
    /// or only as its day (on a day of its own, or the day of the edit it follows, which then counts it as after that edit).
    /// </summary>
    public static readonly Gen<Lifecycle> Generator = Gen.Select(Gen.OneOf<string?>(null, "29", "27"), Gen.Int[1, 3], Gen.Int[0, 2].Array[3],
        Gen.Int[1, 4].Array[3], Gen.Int[0, 4].Array[3], GenStep.Array[0, 5],
        (state, n, prices, first, more, steps) => (Lifecycle)Build("ORD-SHUF", state, [.. prices.Take(n).Select(p => PriceList[p])], [first[0], .. more.Skip(1).Take(n - 1)], steps));

    public static CustomLifecycle Build(string orderId, string? state, (decimal, decimal)[] prices, int[] saleQuantities, Step[] steps)
    {
        var n = prices.Length;
        var stand = saleQuantities.Take(n).Concat(Enumerable.Repeat(0, n)).Take(n).ToArray();
        var sale = Enumerable.Range(0, n).Where(s => stand[s] > 0).Select(s => (s, stand[s])).ToArray();
        var edits = new List<CustomEdit>();
        var refunds = new List<CustomRefund>();
        var day = 0;                 // days after the order date
        var lastEditDay = -1;        // the day of the step just taken, when it was an edit
        var editJoinsDay = false;    // a refund at 09:00 of the next day, with refunded_at: the next edit is made at 10:00 that day
        DateTimeOffset At(int d, int hour) => new(OrderDate.AddDays(d).ToDateTime(new TimeOnly(hour, 0)), TimeSpan.Zero);
        foreach (var step in steps)
        {
            if (step.Edit && edits.Count < 2)
            {
                if (!editJoinsDay) day++;
                stand = [.. step.Quantities.Take(n)];
                if (stand.All(q => q == 0)) stand[0] = 1;
                edits.Add(new CustomEdit(At(day, 10), [.. Enumerable.Range(0, n).Where(s => stand[s] > 0).Select(s => (s, stand[s]))]));
                lastEditDay = day;
                editJoinsDay = false;
                continue;
            }
            if (step.Edit || refunds.Count == 2) continue;
            var candidates = Enumerable.Range(0, n).Where(s => stand[s] > 0).ToList();
            if (candidates.Count == 0) continue;
            var sku = candidates[step.Pick % candidates.Count];
            var afterEdit = lastEditDay == day && lastEditDay >= 0;
            DateTimeOffset? refundedAt;
            editJoinsDay = false;
            switch (step.Timing)
            {
                case 0: day++; refundedAt = null; break;                                   // a day of its own, no time
                case 1: day++; refundedAt = At(day, 12); break;                            // a day of its own, with its time
                case 2: day++; refundedAt = At(day, 9); editJoinsDay = true; break;        // 09:00, before an edit at 10:00 the same day
                case 3 when afterEdit: refundedAt = At(day, 11); break;                    // 11:00 the day of the edit just made
                case 4 when afterEdit: refundedAt = null; break;                           // the day of the edit just made, no time: after it
                default: day++; refundedAt = step.Timing == 3 ? null : At(day, 12); break;
            }
            stand[sku]--;
            refunds.Add(new CustomRefund($"R{refunds.Count + 1}", sku, OrderDate.AddDays(day), refundedAt));
            lastEditDay = -1;
        }
        return new CustomLifecycle(orderId, state, prices, sale, [.. edits], [.. refunds], stand);
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Shopify
// ---------------------------------------------------------------------------------------------------------------

/// <summary>A Shopify refund: units per SKU index, refunded shipping (net), restock type, and who tells of it besides the order snapshots that list it.</summary>
public sealed record ShopifyRefund(long Id, DateTimeOffset CreatedAt, (int Sku, int Quantity)[] Items, decimal Shipping, string RestockType, bool Webhook, bool Cancellation = false);

/// <param name="Updates">The times of the orders/updated deliveries (each lists the refunds created by then).</param>
/// <param name="CancelledAt">When the order was cancelled (orders/cancelled is then delivered), or null.</param>
public sealed record ShopifyLifecycle(long Id, bool IntraState, (decimal Rate, decimal TaxRate)[] Prices, int[] Quantities, bool Shipping,
    ShopifyRefund[] Refunds, DateTimeOffset[] Updates, DateTimeOffset? CancelledAt) : Lifecycle(Id.ToString(CultureInfo.InvariantCulture))
{
    public const decimal ShippingPrice = 50m;
    public const decimal ShippingTaxRate = 18m;
    public static readonly DateTimeOffset CreatedAt = new(2026, 6, 1, 10, 0, 0, TimeSpan.FromMinutes(330));

    public override Shape Shape => Shape.Shopify;
    public override IReadOnlyList<string> Skus => [.. Enumerable.Range(0, Prices.Length).Select(Sku)];
    long LineId(int sku) => Id * 10 + sku;
    long ShippingLineId => Id * 10 + 9;

    public override Books Model(decimal opening)
    {
        var net = 0m;
        var tax = new Dictionary<string, decimal>();
        var cancelled = CancelledAt is not null;
        // Net after a cancellation is 0 (it credits whatever is still open); otherwise sold - every refund, each credited once.
        if (!cancelled)
        {
            for (var s = 0; s < Prices.Length; s++)
            {
                var open = Quantities[s] - Refunds.Sum(r => r.Items.Where(i => i.Sku == s).Sum(i => i.Quantity));
                var lineTax = Paise.Exact(open * Prices[s].Rate * Prices[s].TaxRate / 100, "line tax");
                net += open * Prices[s].Rate + lineTax;
                Paise.AddTax(tax, IntraState, lineTax, $"tax of {Sku(s)}");
            }
            if (Shipping)
            {
                var open = ShippingPrice - Refunds.Sum(r => r.Shipping);
                var shippingTax = Paise.Exact(open * ShippingTaxRate / 100, "shipping tax");
                net += open + shippingTax;
                Paise.AddTax(tax, IntraState, shippingTax, "shipping tax");
            }
        }
        // Stock: every unit sold went out; a refund's units come back only when Shopify restocks them (return, cancel).
        var stock = Skus.Select((sku, s) => (sku, opening - Quantities[s]
            + Refunds.Where(r => r.RestockType is "return" or "cancel").Sum(r => r.Items.Where(i => i.Sku == s).Sum(i => i.Quantity)))).ToDictionary(x => x.sku, x => x.Item2);
        return new Books(net, tax, stock);
    }

    public override IReadOnlyList<Delivery> Deliveries()
    {
        var list = new List<Delivery> { new("orders/create", "orders/create", Order(CreatedAt).ToJsonString(), $"wh-{Id}-create") };
        foreach (var r in Refunds.Where(r => r.Webhook))
            list.Add(new Delivery($"refunds/create {r.Id}{(r.Cancellation ? " (the cancellation's)" : "")}", "refunds/create", RefundJson(r).ToJsonString(), $"wh-{r.Id}"));
        foreach (var at in Updates)
            list.Add(new Delivery($"orders/updated at {Iso(at)}", "orders/updated", Order(at).ToJsonString(), $"wh-{Id}-upd-{at.ToUnixTimeSeconds()}"));
        if (CancelledAt is { } c)
            list.Add(new Delivery($"orders/cancelled at {Iso(c)}", "orders/cancelled", Order(c).ToJsonString(), $"wh-{Id}-cancel"));
        return list;
    }

    /// <summary>The order as Shopify shows it at <paramref name="at"/>: refunds created by then listed in full, current_quantity net of them.</summary>
    JsonObject Order(DateTimeOffset at)
    {
        var listed = Refunds.Where(r => r.CreatedAt <= at).ToList();
        var cancelled = CancelledAt is { } c && c <= at;
        var lines = new JsonArray();
        for (var s = 0; s < Prices.Length; s++)
        {
            var li = LineItem(s);
            li["current_quantity"] = Quantities[s] - listed.Sum(r => r.Items.Where(i => i.Sku == s).Sum(i => i.Quantity));
            lines.Add(li);
        }
        var province = IntraState ? ("KA", "Karnataka") : ("MH", "Maharashtra");
        JsonObject Address() => new() { ["first_name"] = "Asha", ["last_name"] = "Rao", ["name"] = "Asha Rao", ["address1"] = "12 MG Road", ["city"] = "Bengaluru", ["province"] = province.Item2, ["province_code"] = province.Item1, ["country"] = "India", ["country_code"] = "IN", ["zip"] = "560001" };
        var order = new JsonObject
        {
            ["id"] = Id, ["name"] = $"#{Id % 100000}", ["email"] = "asha.rao@example.in",
            ["created_at"] = Iso(CreatedAt), ["processed_at"] = Iso(CreatedAt), ["updated_at"] = Iso(at),
            ["cancelled_at"] = cancelled ? Iso(CancelledAt!.Value) : null, ["cancel_reason"] = cancelled ? "customer" : null,
            ["currency"] = "INR", ["presentment_currency"] = "INR",
            ["financial_status"] = cancelled ? (listed.Count > 0 ? "refunded" : "voided") : listed.Count > 0 ? "partially_refunded" : "paid",
            ["taxes_included"] = false, ["test"] = false,
            ["line_items"] = lines,
            ["shipping_lines"] = Shipping ? new JsonArray(ShippingLine()) : new JsonArray(),
            ["refunds"] = new JsonArray([.. listed.Select(r => (JsonNode)RefundJson(r))]),
            ["billing_address"] = Address(), ["shipping_address"] = Address(),
            ["customer"] = new JsonObject { ["id"] = 7061239201842, ["email"] = "asha.rao@example.in", ["first_name"] = "Asha", ["last_name"] = "Rao" },
        };
        return order;
    }

    JsonObject LineItem(int s) => new()
    {
        ["id"] = LineId(s), ["product_id"] = 8011322425650 + s, ["variant_id"] = 44121543393586 + s, ["sku"] = Sku(s), ["title"] = "Item " + Sku(s), ["name"] = "Item " + Sku(s),
        ["price"] = Paise.F2(Prices[s].Rate), ["quantity"] = Quantities[s], ["total_discount"] = "0.00", ["discount_allocations"] = new JsonArray(),
        ["gift_card"] = false, ["taxable"] = true, ["requires_shipping"] = true,
        ["tax_lines"] = TaxLines(Quantities[s] * Prices[s].Rate, Prices[s].TaxRate),
    };

    JsonObject ShippingLine() => new()
    {
        ["id"] = ShippingLineId, ["title"] = "Standard", ["code"] = "STANDARD", ["price"] = Paise.F2(ShippingPrice), ["discounted_price"] = Paise.F2(ShippingPrice),
        ["discount_allocations"] = new JsonArray(), ["tax_lines"] = TaxLines(ShippingPrice, ShippingTaxRate),
    };

    JsonArray TaxLines(decimal taxable, decimal rate) => IntraState
        ? [new JsonObject { ["title"] = "CGST", ["price"] = Paise.F2(taxable * rate / 200), ["rate"] = rate / 200 }, new JsonObject { ["title"] = "SGST", ["price"] = Paise.F2(taxable * rate / 200), ["rate"] = rate / 200 }]
        : [new JsonObject { ["title"] = "IGST", ["price"] = Paise.F2(taxable * rate / 100), ["rate"] = rate / 100 }];

    /// <summary>The refund object exactly as refunds/create sends it (and as an order's refunds[] lists it).</summary>
    JsonObject RefundJson(ShopifyRefund r)
    {
        var items = new JsonArray();
        var total = 0m;
        for (var j = 0; j < r.Items.Length; j++)
        {
            var (s, q) = r.Items[j];
            var subtotal = q * Prices[s].Rate;
            var tax = Paise.Exact(subtotal * Prices[s].TaxRate / 100, "refund line tax");
            total += subtotal + tax;
            items.Add(new JsonObject
            {
                ["id"] = r.Id * 10 + j, ["line_item_id"] = LineId(s), ["quantity"] = q, ["restock_type"] = r.RestockType, ["location_id"] = null,
                ["subtotal"] = Paise.F2(subtotal), ["total_tax"] = Paise.F2(tax),
                ["subtotal_set"] = MoneySet(subtotal), ["total_tax_set"] = MoneySet(tax),
                ["line_item"] = LineItem(s),
            });
        }
        var shipping = new JsonArray();
        if (r.Shipping > 0)
        {
            shipping.Add(new JsonObject { ["id"] = r.Id * 10 + 9, ["shipping_line_id"] = ShippingLineId, ["subtotal_amount_set"] = MoneySet(r.Shipping), ["shipping_line"] = ShippingLine() });
            total += r.Shipping + Paise.Exact(r.Shipping * ShippingTaxRate / 100, "shipping refund tax");
        }
        return new JsonObject
        {
            ["id"] = r.Id, ["order_id"] = Id, ["created_at"] = Iso(r.CreatedAt), ["processed_at"] = Iso(r.CreatedAt),
            ["note"] = r.Cancellation ? "Order cancelled" : "Returned", ["restock"] = r.RestockType != "no_restock",
            ["refund_line_items"] = items, ["refund_shipping_lines"] = shipping,
            ["transactions"] = new JsonArray(new JsonObject { ["id"] = r.Id + 1, ["order_id"] = Id, ["amount"] = Paise.F2(total), ["kind"] = "refund", ["status"] = "success", ["currency"] = "INR", ["test"] = false }),
            ["order_adjustments"] = new JsonArray(),
        };
    }

    static JsonObject MoneySet(decimal amount) => new()
    {
        ["shop_money"] = new JsonObject { ["amount"] = Paise.F2(amount), ["currency_code"] = "INR" },
        ["presentment_money"] = new JsonObject { ["amount"] = Paise.F2(amount), ["currency_code"] = "INR" },
    };

    public override string Describe() =>
        $"Shopify order {Id}, {(IntraState ? "intra-state (KA)" : "inter-state (MH)")}; lines [{string.Join(", ", Prices.Select((p, s) => $"{Quantities[s]} x {Sku(s)} {p.Rate}@{Pct(p.TaxRate)}"))}]"
        + (Shipping ? $" + shipping {ShippingPrice}@{Pct(ShippingTaxRate)}" : "")
        + $"; refunds [{string.Join("; ", Refunds.Select(r => $"{r.Id}{(r.Cancellation ? " (cancellation)" : "")} at {Iso(r.CreatedAt)}: {string.Join(", ", r.Items.Select(i => $"{i.Quantity} x {Sku(i.Sku)}"))}{(r.Shipping > 0 ? $" shipping {r.Shipping}" : "")} {r.RestockType}{(r.Webhook ? ", refunds/create sent" : ", no refunds/create")}"))}]"
        + $"; orders/updated at [{string.Join(", ", Updates.Select(Iso))}]" + (CancelledAt is { } c ? $"; cancelled at {Iso(c)}" : "");

    static readonly (decimal Rate, decimal TaxRate)[] PriceList = [(100m, 18m), (250m, 5m), (100m, 5m)];

    /// <summary>A refund as drawn: what (0 one unit, 1 half the shipping, 2 both), which open SKU, restocked or not, told by 0 refunds/create, 1 orders/updated, 2 both.</summary>
    public sealed record RefundStep(int What, int Pick, bool Restock, int Tell);

    /// <summary>The rest of a draw: an extra orders/updated (0 none, 1 before the refunds, 2 at the end), a cancellation, how it restocks and refunds shipping, and who tells of it.</summary>
    public sealed record Ending(int Touch, bool Cancel, bool CancelRestocks, bool CancelRefundsShipping, bool CancelWebhook, bool UpdateAfterCancel);

    static readonly Gen<RefundStep> GenRefund = Gen.Select(Gen.Int[0, 2], Gen.Int[0, 2], Gen.Bool, Gen.Int[0, 2], (w, p, r, t) => new RefundStep(w, p, r, t));
    static readonly Gen<Ending> GenEnding = Gen.Select(Gen.Int[0, 2], Gen.Bool, Gen.Bool, Gen.Bool, Gen.Bool, Gen.Bool,
        (t, c, cr, cs, cw, cu) => new Ending(t, c, cr, cs, cw, cu));

    /// <summary>
    /// An order of 1-3 SKUs (1-4 units each), with or without shipping; up to two refunds (a unit, half the shipping, or
    /// both; restocked or not), each told by refunds/create, by the orders/updated that follows, or both; maybe an
    /// orders/updated that changes nothing; maybe a cancellation whose refund takes every open unit (restock_type cancel or
    /// no_restock), told by orders/cancelled, maybe refunds/create and maybe an orders/updated after it.
    /// </summary>
    public static readonly Gen<Lifecycle> Generator = Gen.Select(Gen.Bool, Gen.Int[1, 3], Gen.Int[0, 2].Array[3], Gen.Int[1, 4].Array[3], Gen.Bool,
        GenRefund.Array[0, 2], GenEnding,
        (intra, n, prices, quantities, shipping, refunds, ending) => (Lifecycle)Build(6100000000001, intra, [.. prices.Take(n).Select(p => PriceList[p])], [.. quantities.Take(n)], shipping, refunds, ending));

    public static ShopifyLifecycle Build(long id, bool intra, (decimal, decimal)[] prices, int[] quantities, bool shipping, RefundStep[] steps, Ending ending)
    {
        var open = (int[])quantities.Clone();
        var shippingOpen = shipping ? ShippingPrice : 0m;
        var refunds = new List<ShopifyRefund>();
        var updates = new List<DateTimeOffset>();
        if (ending.Touch == 1) updates.Add(CreatedAt.AddHours(1));
        var day = 0;
        foreach (var step in steps)
        {
            var candidates = Enumerable.Range(0, open.Length).Where(s => open[s] > 0).ToList();
            var unit = step.What != 1 && candidates.Count > 0;
            var ship = step.What != 0 && shippingOpen >= 25m;
            if (!unit && !ship) continue;
            (int, int)[] items = unit ? [(candidates[step.Pick % candidates.Count], 1)] : [];
            foreach (var (s, q) in items) open[s] -= q;
            if (ship) shippingOpen -= 25m;
            day++;
            var at = CreatedAt.AddDays(day).AddHours(2);
            refunds.Add(new ShopifyRefund(8100000000000 + refunds.Count + 1, at, items, ship ? 25m : 0m, step.Restock ? "return" : "no_restock", Webhook: step.Tell != 1));
            if (step.Tell >= 1) updates.Add(at.AddMinutes(1));
        }
        DateTimeOffset? cancelledAt = null;
        if (ending.Cancel)
        {
            day++;
            cancelledAt = CreatedAt.AddDays(day).AddHours(5);
            var items = Enumerable.Range(0, open.Length).Where(s => open[s] > 0).Select(s => (s, open[s])).ToArray();
            var ship = ending.CancelRefundsShipping ? shippingOpen : 0m;
            if (items.Length > 0 || ship > 0)
                refunds.Add(new ShopifyRefund(8100000000000 + refunds.Count + 1, cancelledAt.Value, items, ship, ending.CancelRestocks ? "cancel" : "no_restock", ending.CancelWebhook, Cancellation: true));
            if (ending.UpdateAfterCancel) updates.Add(cancelledAt.Value.AddMinutes(1));
        }
        if (ending.Touch == 2) updates.Add(CreatedAt.AddDays(day + 1));
        return new ShopifyLifecycle(id, intra, prices, quantities, shipping, [.. refunds], [.. updates], cancelledAt);
    }
}

// ---------------------------------------------------------------------------------------------------------------
// WooCommerce
// ---------------------------------------------------------------------------------------------------------------

/// <summary>A value refund of <paramref name="Quarters"/> quarters of the order total.</summary>
public sealed record WooRefund(long Id, int Quarters);

/// <summary>An order.updated: its date_modified_gmt, how many of the refunds it lists (the first n), and its status.</summary>
public sealed record WooUpdate(DateTime ModifiedGmt, int Refunds, string Status);

public sealed record WooLifecycle(long Id, bool IntraState, (decimal Rate, decimal TaxRate)[] Prices, int[] Quantities, bool Shipping,
    WooRefund[] Refunds, WooUpdate[] Updates, bool Deleted) : Lifecycle(Id.ToString(CultureInfo.InvariantCulture))
{
    public const decimal ShippingPrice = 100m;
    public const decimal ShippingTaxRate = 18m;
    public static readonly DateTime CreatedGmt = new(2026, 6, 1, 4, 30, 0);
    static readonly TimeSpan Ist = TimeSpan.FromMinutes(330);

    public override Shape Shape => Shape.WooCommerce;
    public override IReadOnlyList<string> Skus => [.. Enumerable.Range(0, Prices.Length).Select(Sku)];
    bool Cancelled => Updates.Any(u => u.Status == "cancelled");
    static long RateId(decimal taxRate) => taxRate == 18m ? 1 : 2;

    decimal OrderTax => Enumerable.Range(0, Prices.Length).Sum(s => Quantities[s] * Prices[s].Rate * Prices[s].TaxRate / 100) + (Shipping ? ShippingPrice * ShippingTaxRate / 100 : 0);
    decimal OrderTotal => Enumerable.Range(0, Prices.Length).Sum(s => Quantities[s] * Prices[s].Rate) + (Shipping ? ShippingPrice : 0) + OrderTax;

    public override Books Model(decimal opening)
    {
        // Value refunds credit their share of every line (tax included) and never restock; a cancellation credits what is
        // still open (net 0) and puts back every unit the order took; order.deleted changes nothing.
        var kept = Cancelled ? 0m : 1m - Refunds.Sum(r => r.Quarters) / 4m;
        var tax = new Dictionary<string, decimal>();
        for (var s = 0; s < Prices.Length; s++)
            Paise.AddTax(tax, IntraState, Paise.Exact(Quantities[s] * Prices[s].Rate * Prices[s].TaxRate / 100 * kept, "kept line tax"), $"tax of {Sku(s)}");
        if (Shipping) Paise.AddTax(tax, IntraState, Paise.Exact(ShippingPrice * ShippingTaxRate / 100 * kept, "kept shipping tax"), "shipping tax");
        var stock = Skus.Select((sku, s) => (sku, Cancelled ? opening : opening - Quantities[s])).ToDictionary(x => x.sku, x => x.Item2);
        return new Books(Paise.Exact(OrderTotal * kept, "kept total"), tax, stock);
    }

    public override IReadOnlyList<Delivery> Deliveries()
    {
        var list = new List<Delivery> { new("order.created", "order.created", Order(CreatedGmt, 0, "processing").ToJsonString(), "created") };
        foreach (var u in Updates)
            list.Add(new Delivery($"order.updated {u.Status} at {u.ModifiedGmt:yyyy-MM-dd'T'HH:mm} GMT with {u.Refunds} refund(s)", "order.updated", Order(u.ModifiedGmt, u.Refunds, u.Status).ToJsonString(), "upd-" + u.ModifiedGmt.Ticks));
        if (Deleted) list.Add(new Delivery("order.deleted (trash)", "order.deleted", new JsonObject { ["id"] = Id }.ToJsonString(), "deleted"));
        return list;
    }

    JsonObject Order(DateTime modifiedGmt, int refunds, string status)
    {
        string Local(DateTime gmt) => (gmt + Ist).ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        string Gmt(DateTime gmt) => gmt.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        var state = IntraState ? "KA" : "MH";
        var lines = new JsonArray();
        for (var s = 0; s < Prices.Length; s++)
        {
            var amount = Quantities[s] * Prices[s].Rate;
            var tax = Paise.F2(amount * Prices[s].TaxRate / 100);
            lines.Add(new JsonObject
            {
                ["id"] = Id * 10 + s, ["name"] = "Item " + Sku(s), ["product_id"] = 61 + s, ["variation_id"] = 0, ["quantity"] = Quantities[s], ["tax_class"] = "",
                ["subtotal"] = Paise.F2(amount), ["subtotal_tax"] = tax, ["total"] = Paise.F2(amount), ["total_tax"] = tax,
                ["taxes"] = new JsonArray(new JsonObject { ["id"] = RateId(Prices[s].TaxRate), ["total"] = tax, ["subtotal"] = tax }),
                ["meta_data"] = new JsonArray(), ["sku"] = Sku(s), ["price"] = Prices[s].Rate,
            });
        }
        var itemsTax = Enumerable.Range(0, Prices.Length).Where(s => Prices[s].TaxRate == 18m).Sum(s => Quantities[s] * Prices[s].Rate * 0.18m);
        var itemsTax5 = Enumerable.Range(0, Prices.Length).Where(s => Prices[s].TaxRate == 5m).Sum(s => Quantities[s] * Prices[s].Rate * 0.05m);
        var shippingTax = Shipping ? ShippingPrice * ShippingTaxRate / 100 : 0m;
        JsonObject Address() => new() { ["first_name"] = "Asha", ["last_name"] = "Rao", ["company"] = "", ["address_1"] = "12 MG Road", ["city"] = "Bengaluru", ["state"] = state, ["postcode"] = "560001", ["country"] = "IN" };
        var billing = Address();
        billing["email"] = "asha.rao@example.in";
        return new JsonObject
        {
            ["id"] = Id, ["parent_id"] = 0, ["number"] = Id.ToString(CultureInfo.InvariantCulture), ["order_key"] = "wc_order_" + Id, ["created_via"] = "checkout",
            ["status"] = status, ["currency"] = "INR", ["prices_include_tax"] = false,
            ["date_created"] = Local(CreatedGmt), ["date_created_gmt"] = Gmt(CreatedGmt), ["date_modified"] = Local(modifiedGmt), ["date_modified_gmt"] = Gmt(modifiedGmt),
            ["date_paid"] = Local(CreatedGmt.AddSeconds(5)), ["date_paid_gmt"] = Gmt(CreatedGmt.AddSeconds(5)), ["date_completed"] = null, ["date_completed_gmt"] = null,
            ["payment_method"] = "razorpay", ["payment_method_title"] = "Razorpay",
            ["discount_total"] = "0.00", ["discount_tax"] = "0.00", ["shipping_total"] = Paise.F2(Shipping ? ShippingPrice : 0), ["shipping_tax"] = Paise.F2(shippingTax),
            ["cart_tax"] = Paise.F2(itemsTax + itemsTax5), ["total"] = Paise.F2(OrderTotal), ["total_tax"] = Paise.F2(OrderTax),
            ["billing"] = billing, ["shipping"] = Address(), ["meta_data"] = new JsonArray(),
            ["line_items"] = lines,
            ["tax_lines"] = new JsonArray(
                new JsonObject { ["id"] = 905, ["rate_code"] = "IN-GST-18", ["rate_id"] = 1, ["label"] = "GST 18%", ["compound"] = false, ["tax_total"] = Paise.F2(itemsTax), ["shipping_tax_total"] = Paise.F2(shippingTax), ["rate_percent"] = 18 },
                new JsonObject { ["id"] = 906, ["rate_code"] = "IN-GST-5", ["rate_id"] = 2, ["label"] = "GST 5%", ["compound"] = false, ["tax_total"] = Paise.F2(itemsTax5), ["shipping_tax_total"] = "0.00", ["rate_percent"] = 5 }),
            ["shipping_lines"] = Shipping
                ? new JsonArray(new JsonObject { ["id"] = Id * 10 + 9, ["method_title"] = "Flat rate", ["method_id"] = "flat_rate", ["total"] = Paise.F2(ShippingPrice), ["total_tax"] = Paise.F2(shippingTax), ["taxes"] = new JsonArray(new JsonObject { ["id"] = 1, ["total"] = Paise.F2(shippingTax), ["subtotal"] = "" }) })
                : new JsonArray(),
            ["fee_lines"] = new JsonArray(), ["coupon_lines"] = new JsonArray(),
            // WooCommerce lists refunds newest first, as {id, reason, total} (total negative).
            ["refunds"] = new JsonArray([.. Refunds.Take(refunds).Reverse().Select(r => (JsonNode)new JsonObject { ["id"] = r.Id, ["reason"] = "", ["total"] = "-" + Paise.F2(OrderTotal * r.Quarters / 4) })]),
        };
    }

    public override string Describe() =>
        $"WooCommerce order {Id}, {(IntraState ? "intra-state (KA)" : "inter-state (MH)")}; lines [{string.Join(", ", Prices.Select((p, s) => $"{Quantities[s]} x {Sku(s)} {p.Rate}@{Pct(p.TaxRate)}"))}]"
        + (Shipping ? $" + shipping {ShippingPrice}@{Pct(ShippingTaxRate)}" : "") + $", total {Paise.F2(OrderTotal)}"
        + $"; refunds [{string.Join(", ", Refunds.Select(r => $"{r.Id}: {r.Quarters}/4 = {Paise.F2(OrderTotal * r.Quarters / 4)}"))}]"
        + $"; updates [{string.Join("; ", Updates.Select(u => $"{u.ModifiedGmt:MM-dd'T'HH:mm} {u.Status} listing {u.Refunds}"))}]" + (Deleted ? "; then trashed (order.deleted)" : "");

    static readonly (decimal Rate, decimal TaxRate)[] PriceList = [(100m, 18m), (200m, 5m), (200m, 18m)];

    /// <summary>An update as drawn: a refund of 1 or 2 quarters of the total, or a touch (status completed, nothing new).</summary>
    public sealed record Step(bool Refund, int Quarters);

    static readonly Gen<Step> GenStep = Gen.Select(Gen.Bool, Gen.Int[1, 2], (r, q) => new Step(r, q));

    /// <summary>
    /// An order (processing) of 1-3 SKUs (1-4 units), with or without shipping; up to three order.updated deliveries, each
    /// either listing one more value refund (a quarter or half of the total, never past the total) or changing nothing
    /// else (completed); maybe a cancellation (order.updated cancelled, listing the refunds so far); maybe order.deleted.
    /// </summary>
    public static readonly Gen<Lifecycle> Generator = Gen.Select(Gen.Bool, Gen.Int[1, 3], Gen.Int[0, 2].Array[3], Gen.Int[1, 4].Array[3], Gen.Bool,
        GenStep.Array[0, 3], Gen.Bool, Gen.Int[0, 2],
        (intra, n, prices, quantities, shipping, steps, cancel, deleted) => (Lifecycle)Build(5101, intra, [.. prices.Take(n).Select(p => PriceList[p])], [.. quantities.Take(n)], shipping, steps, cancel, deleted == 2));

    public static WooLifecycle Build(long id, bool intra, (decimal, decimal)[] prices, int[] quantities, bool shipping, Step[] steps, bool cancel, bool deleted)
    {
        var refunds = new List<WooRefund>();
        var updates = new List<WooUpdate>();
        var quarters = 0;
        var at = CreatedGmt;
        foreach (var step in steps)
        {
            at = at.AddDays(1);
            if (step.Refund && quarters + step.Quarters <= 4)
            {
                quarters += step.Quarters;
                refunds.Add(new WooRefund(id + 100 + refunds.Count, step.Quarters));
                updates.Add(new WooUpdate(at, refunds.Count, quarters == 4 ? "refunded" : "processing"));
            }
            else updates.Add(new WooUpdate(at, refunds.Count, quarters == 4 ? "refunded" : "completed"));
        }
        if (cancel && quarters < 4) updates.Add(new WooUpdate(at.AddDays(1), refunds.Count, "cancelled"));
        return new WooLifecycle(id, intra, prices, quantities, shipping, [.. refunds], [.. updates], deleted);
    }
}
