using System.Globalization;
using System.Text.Json;

namespace Connectors.Reliability.Shuffle;

/// <summary>One delivery of a lifecycle: topic, the exact bytes, and Shopify's webhook id (a retry repeats it).</summary>
public sealed record ShuffleSend(string Label, string Topic, byte[] Body, string WebhookId);

/// <summary>What the books must hold for one order once everything is posted: net (sales + DN - CN), GST by component, units out per SKU.</summary>
public sealed record ShuffleBooks(decimal Net, decimal Cgst, decimal Sgst, decimal Igst, IReadOnlyDictionary<string, decimal> UnitsOut)
{
    public string Compare(ShuffleBooks actual)
    {
        var d = new List<string>();
        if (Net != actual.Net) d.Add($"net {M(Net)} expected, {M(actual.Net)} booked");
        if (Cgst != actual.Cgst) d.Add($"CGST {M(Cgst)} expected, {M(actual.Cgst)} booked");
        if (Sgst != actual.Sgst) d.Add($"SGST {M(Sgst)} expected, {M(actual.Sgst)} booked");
        if (Igst != actual.Igst) d.Add($"IGST {M(Igst)} expected, {M(actual.Igst)} booked");
        foreach (var sku in UnitsOut.Keys)
            if (UnitsOut[sku] != actual.UnitsOut.GetValueOrDefault(sku))
                d.Add($"{sku}: {UnitsOut[sku].ToString(CultureInfo.InvariantCulture)} unit(s) out expected, {actual.UnitsOut.GetValueOrDefault(sku).ToString(CultureInfo.InvariantCulture)} out");
        return string.Join("; ", d);
    }

    static string M(decimal x) => x.ToString("0.00", CultureInfo.InvariantCulture);
}

/// <summary>A generated order lifecycle: its deliveries in the order things happened, and the books they must end in.</summary>
public sealed record ShuffleLifecycle(string Platform, string OrderId, IReadOnlyList<string> Skus, IReadOnlyList<ShuffleSend> Sends, ShuffleBooks Expected, string Summary);

/// <summary>
/// The scenario's own lifecycles and model, independent of the tests'. The model walks each lifecycle in time order and
/// keeps what is open (units per SKU, shipping), what left and came back to stock, and whether the order was cancelled;
/// the books must match that walk whatever order the deliveries then arrive in. Amounts stay whole paise in every GST
/// component (rates 100/250 at 18 % or 5 %, WooCommerce 100/200, shipping 50 or 100 at 18 %, half-shipping refunds,
/// WooCommerce refunds in quarters of the total), so no rounding is modelled.
/// </summary>
public static class ShuffleLifecycles
{
    const string HomeState = "29";
    static readonly DateOnly OrderDay = new(2026, 7, 1);
    static readonly TimeSpan Ist = TimeSpan.FromMinutes(330);
    static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = null };

    /// <summary>The same lifecycle for every permutation (same seed); only the SKU names carry the permutation's prefix.</summary>
    public static ShuffleLifecycle Make(int seed, int index, string skuPrefix) => (index % 3) switch
    {
        0 => Custom(new Random(seed * 7919 + index), index, skuPrefix),
        1 => Shopify(new Random(seed * 7919 + index), index, skuPrefix),
        _ => Woo(new Random(seed * 7919 + index), index, skuPrefix),
    };

    static byte[] Bytes(object o) => JsonSerializer.SerializeToUtf8Bytes(o, Json);
    static string M(decimal x) => decimal.Round(x, 2) == x ? x.ToString("0.00", CultureInfo.InvariantCulture) : throw new InvalidOperationException($"{x} is not whole paise");
    static string Z(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
    static string Local(DateTimeOffset t) => t.ToOffset(Ist).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    /// <summary>Open positions as the walk leaves them, turned into books.</summary>
    sealed class Ledger(bool intra, (decimal Rate, decimal Tax)[] prices)
    {
        public readonly int[] Open = new int[prices.Length];
        public readonly int[] Out = new int[prices.Length];
        public decimal ShippingOpen;
        public decimal ShippingTaxRate = 18m;
        public bool Cancelled;

        public ShuffleBooks Books(IReadOnlyList<string> skus)
        {
            decimal net = 0, tax = 0;
            if (!Cancelled)
            {
                for (var k = 0; k < prices.Length; k++)
                {
                    net += Open[k] * prices[k].Rate;
                    tax += Open[k] * prices[k].Rate * prices[k].Tax / 100;
                }
                net += ShippingOpen;
                tax += ShippingOpen * ShippingTaxRate / 100;
            }
            var half = intra ? tax / 2 : 0;
            M(half);
            return new ShuffleBooks(net + tax, half, half, intra ? 0 : tax, skus.Select((s, k) => (s, (decimal)Out[k])).ToDictionary(x => x.s, x => x.Item2));
        }
    }

    // ---- Custom -------------------------------------------------------------------------------------------------

    static ShuffleLifecycle Custom(Random r, int index, string prefix)
    {
        (decimal Rate, decimal Tax)[] choices = [(100m, 18m), (250m, 5m), (100m, 5m)];
        var n = r.Next(1, 4);
        var prices = Enumerable.Range(0, n).Select(_ => choices[r.Next(choices.Length)]).ToArray();
        var skus = Enumerable.Range(0, n).Select(k => $"{prefix}-{k}").ToList();
        var state = new[] { null, "29", "27" }[r.Next(3)];
        var id = $"SHUF-{index:D5}";
        var ledger = new Ledger(state is null || state == HomeState, prices);
        for (var k = 0; k < n; k++) ledger.Open[k] = k == 0 ? r.Next(1, 5) : r.Next(0, 5);
        object Lines(int[] q) => Enumerable.Range(0, n).Where(k => q[k] > 0).Select(k => new { sku = skus[k], description = "Item " + k, quantity = q[k], rate = prices[k].Rate, tax_rate = prices[k].Tax }).ToList();
        var sends = new List<ShuffleSend>
        {
            new("order.created", "order.created", Bytes(new { external_id = id, customer_name = "Asha Rao", order_date = OrderDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), buyer_state_code = state, lines = Lines(ledger.Open) }), "sale"),
        };
        var summary = new List<string> { $"sale {string.Join("+", ledger.Open)}" };
        var clock = new DateTimeOffset(OrderDay.ToDateTime(new TimeOnly(10, 0)), TimeSpan.Zero);
        var untimedRefundDay = DateOnly.MinValue; // a refund without refunded_at that day: an edit the same day would count it after
        int edits = 0, refunds = 0;
        for (var step = r.Next(0, 5); step > 0; step--)
        {
            clock = clock.Hour < 20 && r.Next(2) == 0 ? clock.AddHours(1) : new DateTimeOffset(DateOnly.FromDateTime(clock.UtcDateTime).AddDays(1).ToDateTime(new TimeOnly(9, 0)), TimeSpan.Zero);
            var openSkus = Enumerable.Range(0, n).Where(k => ledger.Open[k] > 0).ToList();
            if (r.Next(2) == 0 && edits < 2)
            {
                // Edits come on a day after the order date, and never on the day of a refund sent without its time.
                var editDay = DateOnly.FromDateTime(clock.UtcDateTime);
                if (editDay == OrderDay || editDay == untimedRefundDay)
                    clock = new DateTimeOffset(editDay.AddDays(1).ToDateTime(new TimeOnly(10, 0)), TimeSpan.Zero);
                // The edit's lines are the order as it stands now, net of the refunds so far.
                var stand = Enumerable.Range(0, n).Select(_ => r.Next(0, 5)).ToArray();
                if (stand.Sum() == 0) stand[r.Next(n)] = 1;
                Array.Copy(stand, ledger.Open, n);
                edits++;
                sends.Add(new($"edit {Z(clock)}", "order.updated", Bytes(new { external_id = id, updated_at = Z(clock), lines = Lines(stand) }), "edit" + edits));
                summary.Add($"edit {Z(clock)} {string.Join("+", stand)}");
            }
            else if (refunds < 2 && openSkus.Count > 0)
            {
                var k = openSkus[r.Next(openSkus.Count)];
                ledger.Open[k]--;
                refunds++;
                var timed = r.Next(3) > 0;
                var day = DateOnly.FromDateTime(clock.UtcDateTime).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                object body = timed
                    ? new { external_id = id, refund_id = "RF" + refunds, refund_date = day, refunded_at = Z(clock), lines = new[] { new { sku = skus[k], quantity = 1, rate = prices[k].Rate } } }
                    : new { external_id = id, refund_id = "RF" + refunds, refund_date = day, lines = new[] { new { sku = skus[k], quantity = 1, rate = prices[k].Rate } } };
                if (!timed) untimedRefundDay = DateOnly.FromDateTime(clock.UtcDateTime);
                sends.Add(new($"refund RF{refunds}", "order.refunded", Bytes(body), "refund" + refunds));
                summary.Add($"refund RF{refunds} of sku {k} {(timed ? "at " + Z(clock) : "on " + day)}");
            }
        }
        // Refunds restock: what is out of stock is what is still open.
        Array.Copy(ledger.Open, ledger.Out, n);
        return new ShuffleLifecycle("custom", id, skus, sends, ledger.Books(skus), $"custom {id} state {state ?? "none"} prices [{string.Join(", ", prices.Select(p => $"{p.Rate}@{p.Tax}%"))}]: {string.Join("; ", summary)}");
    }

    // ---- Shopify ------------------------------------------------------------------------------------------------

    sealed record ShopRefund(long Id, DateTimeOffset At, int[] Units, decimal Shipping, string Restock, string Note);

    static ShuffleLifecycle Shopify(Random r, int index, string prefix)
    {
        (decimal Rate, decimal Tax)[] choices = [(100m, 18m), (250m, 5m), (100m, 5m)];
        var n = r.Next(1, 4);
        var prices = Enumerable.Range(0, n).Select(_ => choices[r.Next(choices.Length)]).ToArray();
        var skus = Enumerable.Range(0, n).Select(k => $"{prefix}-{k}").ToList();
        var intra = r.Next(2) == 0;
        var id = 7_200_000_000_000L + index;
        var quantities = Enumerable.Range(0, n).Select(_ => r.Next(1, 5)).ToArray();
        var shipping = r.Next(2) == 0 ? 50m : 0m;
        var ledger = new Ledger(intra, prices) { ShippingOpen = shipping };
        Array.Copy(quantities, ledger.Open, n);
        Array.Copy(quantities, ledger.Out, n);
        var created = new DateTimeOffset(OrderDay.ToDateTime(new TimeOnly(4, 30)), TimeSpan.Zero);
        var refunds = new List<ShopRefund>();
        var snapshots = new List<DateTimeOffset>();
        var webhooks = new List<ShopRefund>();
        DateTimeOffset? cancelledAt = null;
        var clock = created;
        var summary = new List<string> { $"order {string.Join("+", quantities)}{(shipping > 0 ? " + shipping" : "")}" };

        for (var step = r.Next(0, 3); step > 0; step--)
        {
            clock = clock.AddHours(r.Next(2, 30));
            var open = Enumerable.Range(0, n).Where(k => ledger.Open[k] > 0).ToList();
            var units = new int[n];
            var what = r.Next(3);
            if (what != 1 && open.Count > 0) units[open[r.Next(open.Count)]] = 1;
            var ship = what != 0 && ledger.ShippingOpen >= 25m ? 25m : 0m;
            if (units.Sum() == 0 && ship == 0) continue;
            var restock = r.Next(2) == 0 ? "return" : "no_restock";
            var refund = new ShopRefund(8_200_000_000_000L + index * 10 + refunds.Count, clock, units, ship, restock, "return");
            refunds.Add(refund);
            for (var k = 0; k < n; k++) { ledger.Open[k] -= units[k]; if (restock == "return") ledger.Out[k] -= units[k]; }
            ledger.ShippingOpen -= ship;
            var tell = r.Next(3);
            if (tell != 1) webhooks.Add(refund);
            if (tell != 0) snapshots.Add(clock.AddMinutes(1));
            summary.Add($"refund {refund.Id} units {string.Join("+", units)} shipping {ship} {restock} told by {(tell == 0 ? "refunds/create" : tell == 1 ? "orders/updated" : "both")}");
        }
        if (r.Next(3) == 0) { clock = clock.AddHours(3); snapshots.Add(clock); summary.Add("an update that changes nothing"); }
        if (r.Next(2) == 0)
        {
            clock = clock.AddHours(5);
            cancelledAt = clock;
            var restock = r.Next(2) == 0 ? "cancel" : "no_restock";
            var ship = r.Next(2) == 0 ? ledger.ShippingOpen : 0m;
            var units = (int[])ledger.Open.Clone();
            if (units.Sum() > 0 || ship > 0)
            {
                var refund = new ShopRefund(8_200_000_000_000L + index * 10 + 9, clock, units, ship, restock, "cancel");
                refunds.Add(refund);
                if (restock == "cancel") for (var k = 0; k < n; k++) ledger.Out[k] -= units[k];
                if (r.Next(2) == 0) webhooks.Add(refund);
                if (r.Next(2) == 0) snapshots.Add(clock.AddMinutes(2));
            }
            ledger.Cancelled = true;
            summary.Add($"cancelled, its refund {restock}{(ship > 0 ? " with the shipping" : "")}");
        }

        var province = intra ? "KA" : "MH";
        object TaxLines(decimal amount, decimal rate) => intra
            ? new object[] { new { title = "CGST", price = M(amount * rate / 200), rate = rate / 200 }, new { title = "SGST", price = M(amount * rate / 200), rate = rate / 200 } }
            : new object[] { new { title = "IGST", price = M(amount * rate / 100), rate = rate / 100 } };
        Dictionary<string, object?> Item(int k) => new()
        {
            ["id"] = id * 10 + k, ["product_id"] = 900 + k, ["variant_id"] = 1900 + k, ["sku"] = skus[k], ["name"] = "Item " + k, ["title"] = "Item " + k,
            ["price"] = M(prices[k].Rate), ["quantity"] = quantities[k], ["total_discount"] = "0.00", ["discount_allocations"] = Array.Empty<object>(),
            ["tax_lines"] = TaxLines(quantities[k] * prices[k].Rate, prices[k].Tax),
        };
        object ShippingLine() => new { id = id * 10 + 9, title = "Standard", code = "STD", price = M(shipping), discounted_price = M(shipping), tax_lines = TaxLines(shipping, 18m) };
        object Money(decimal a) => new { shop_money = new { amount = M(a), currency_code = "INR" }, presentment_money = new { amount = M(a), currency_code = "INR" } };
        object Refund(ShopRefund f) => new
        {
            id = f.Id, order_id = id, created_at = Local(f.At), processed_at = Local(f.At), note = f.Note,
            refund_line_items = Enumerable.Range(0, n).Where(k => f.Units[k] > 0).Select(k => new
            {
                id = f.Id * 10 + k, line_item_id = id * 10 + k, quantity = f.Units[k], restock_type = f.Restock,
                subtotal = M(f.Units[k] * prices[k].Rate), total_tax = M(f.Units[k] * prices[k].Rate * prices[k].Tax / 100), subtotal_set = Money(f.Units[k] * prices[k].Rate), line_item = Item(k),
            }).ToList(),
            refund_shipping_lines = f.Shipping > 0 ? new object[] { new { id = f.Id * 10 + 9, shipping_line_id = id * 10 + 9, subtotal_amount_set = Money(f.Shipping), shipping_line = ShippingLine() } } : [],
            // What the shop returned: the units with their tax and the shipping with its 18 % (the credit note meets it).
            transactions = new[] { new { amount = M(Enumerable.Range(0, n).Sum(k => f.Units[k] * prices[k].Rate * (1 + prices[k].Tax / 100)) + f.Shipping * 1.18m), kind = "refund", status = "success", currency = "INR" } },
            order_adjustments = Array.Empty<object>(),
        };
        byte[] Order(DateTimeOffset at)
        {
            var listed = refunds.Where(f => f.At <= at).ToList();
            var cancelled = cancelledAt is { } c && c <= at;
            var items = Enumerable.Range(0, n).Select(k => { var i = Item(k); i["current_quantity"] = quantities[k] - listed.Sum(f => f.Units[k]); return i; }).ToList();
            var address = new { name = "Asha Rao", first_name = "Asha", last_name = "Rao", province_code = province, country_code = "IN" };
            return Bytes(new Dictionary<string, object?>
            {
                ["id"] = id, ["name"] = "#" + (1000 + index), ["created_at"] = Local(created), ["processed_at"] = Local(created), ["updated_at"] = Local(at),
                ["cancelled_at"] = cancelled ? Local(cancelledAt!.Value) : null, ["currency"] = "INR", ["taxes_included"] = false, ["test"] = false,
                ["financial_status"] = cancelled ? "voided" : listed.Count > 0 ? "partially_refunded" : "paid", ["email"] = "asha@example.in",
                ["line_items"] = items, ["shipping_lines"] = shipping > 0 ? new[] { ShippingLine() } : Array.Empty<object>(),
                ["refunds"] = listed.Select(Refund).ToList(), ["billing_address"] = address, ["shipping_address"] = address,
            });
        }

        var sends = new List<ShuffleSend> { new("orders/create", "orders/create", Order(created), $"c{id}") };
        sends.AddRange(webhooks.Select(f => new ShuffleSend($"refunds/create {f.Id}", "refunds/create", Bytes(Refund(f)), $"r{f.Id}")));
        sends.AddRange(snapshots.Select(t => new ShuffleSend($"orders/updated {Local(t)}", "orders/updated", Order(t), $"u{id}-{t.ToUnixTimeSeconds()}")));
        if (cancelledAt is { } cancel) sends.Add(new ShuffleSend("orders/cancelled", "orders/cancelled", Order(cancel), $"x{id}"));
        return new ShuffleLifecycle("shopify", id.ToString(CultureInfo.InvariantCulture), skus, sends, ledger.Books(skus),
            $"shopify {id} {(intra ? "KA" : "MH")} prices [{string.Join(", ", prices.Select(p => $"{p.Rate}@{p.Tax}%"))}]: {string.Join("; ", summary)}");
    }

    // ---- WooCommerce --------------------------------------------------------------------------------------------

    static ShuffleLifecycle Woo(Random r, int index, string prefix)
    {
        (decimal Rate, decimal Tax)[] choices = [(100m, 18m), (200m, 5m), (200m, 18m)];
        var n = r.Next(1, 4);
        var prices = Enumerable.Range(0, n).Select(_ => choices[r.Next(choices.Length)]).ToArray();
        var skus = Enumerable.Range(0, n).Select(k => $"{prefix}-{k}").ToList();
        var intra = r.Next(2) == 0;
        var id = 720_000L + index;
        var quantities = Enumerable.Range(0, n).Select(_ => r.Next(1, 5)).ToArray();
        var shipping = r.Next(2) == 0 ? 100m : 0m;
        var itemsNet = Enumerable.Range(0, n).Sum(k => quantities[k] * prices[k].Rate);
        var itemsTax = Enumerable.Range(0, n).Sum(k => quantities[k] * prices[k].Rate * prices[k].Tax / 100);
        var total = itemsNet + itemsTax + shipping * 1.18m;
        var summary = new List<string> { $"order {string.Join("+", quantities)}{(shipping > 0 ? " + shipping" : "")} total {M(total)}" };

        var created = new DateTime(2026, 7, 1, 4, 30, 0);
        var refunds = new List<(long Id, decimal Amount)>();
        var quarters = 0;
        var updates = new List<(DateTime At, string Status, int Listed)>();
        var at = created;
        for (var step = r.Next(0, 4); step > 0; step--)
        {
            at = at.AddHours(r.Next(1, 20));
            var q = r.Next(1, 3);
            if (r.Next(3) > 0 && quarters + q <= 4)
            {
                quarters += q;
                refunds.Add((id * 10 + refunds.Count, total * q / 4));
                updates.Add((at, quarters == 4 ? "refunded" : "processing", refunds.Count));
                summary.Add($"refund {q}/4");
            }
            else updates.Add((at, quarters == 4 ? "refunded" : "completed", refunds.Count));
        }
        var cancelled = quarters < 4 && r.Next(3) == 0;
        if (cancelled) { at = at.AddHours(2); updates.Add((at, "cancelled", refunds.Count)); summary.Add("cancelled"); }
        var deleted = r.Next(4) == 0;
        if (deleted) summary.Add("trashed");

        // The walk: value refunds take their share of every line and return nothing to stock; a cancellation closes the
        // order and returns every unit; trashing changes nothing.
        var kept = cancelled ? 0m : 1m - quarters / 4m;
        var tax = (itemsTax + shipping * 0.18m) * kept;
        var half = intra ? tax / 2 : 0m;
        M(half);
        var expected = new ShuffleBooks(total * kept, half, half, intra ? 0 : tax, skus.Select((s, k) => (s, cancelled ? 0m : quantities[k])).ToDictionary(x => x.s, x => x.Item2));

        var stateCode = intra ? "KA" : "MH";
        byte[] Order(DateTime modified, string status, int listed)
        {
            var lines = Enumerable.Range(0, n).Select(k =>
            {
                var amount = quantities[k] * prices[k].Rate;
                var t = M(amount * prices[k].Tax / 100);
                return new Dictionary<string, object?>
                {
                    ["id"] = id * 10 + k, ["name"] = "Item " + k, ["product_id"] = 300 + k, ["variation_id"] = 0, ["quantity"] = quantities[k], ["sku"] = skus[k], ["price"] = prices[k].Rate,
                    ["subtotal"] = M(amount), ["subtotal_tax"] = t, ["total"] = M(amount), ["total_tax"] = t,
                    ["taxes"] = new[] { new { id = prices[k].Tax == 18m ? 1 : 2, total = t, subtotal = t } },
                };
            }).ToList();
            var address = new { first_name = "Asha", last_name = "Rao", state = stateCode, country = "IN", email = "asha@example.in" };
            return Bytes(new Dictionary<string, object?>
            {
                ["id"] = id, ["number"] = id.ToString(CultureInfo.InvariantCulture), ["status"] = status, ["currency"] = "INR", ["prices_include_tax"] = false,
                ["date_created"] = (created + Ist).ToString("s", CultureInfo.InvariantCulture), ["date_created_gmt"] = created.ToString("s", CultureInfo.InvariantCulture),
                ["date_modified"] = (modified + Ist).ToString("s", CultureInfo.InvariantCulture), ["date_modified_gmt"] = modified.ToString("s", CultureInfo.InvariantCulture),
                ["date_paid"] = (created + Ist).ToString("s", CultureInfo.InvariantCulture), ["payment_method"] = "razorpay", ["total"] = M(total),
                ["billing"] = address, ["shipping"] = address, ["line_items"] = lines,
                ["tax_lines"] = new object[] { new { rate_id = 1, label = "GST 18%", rate_percent = 18 }, new { rate_id = 2, label = "GST 5%", rate_percent = 5 } },
                ["shipping_lines"] = shipping > 0 ? new object[] { new { method_title = "Flat rate", method_id = "flat_rate", total = M(shipping), total_tax = M(shipping * 0.18m), taxes = new[] { new { id = 1, total = M(shipping * 0.18m), subtotal = "" } } } } : [],
                ["fee_lines"] = Array.Empty<object>(), ["coupon_lines"] = Array.Empty<object>(),
                ["refunds"] = refunds.Take(listed).Reverse().Select(f => new { id = f.Id, reason = "", total = "-" + M(f.Amount) }).ToList(),
            });
        }

        var sends = new List<ShuffleSend> { new("order.created", "order.created", Order(created, "processing", 0), "c") };
        sends.AddRange(updates.Select(u => new ShuffleSend($"order.updated {u.Status} {u.At:s} ({u.Listed} refunds)", "order.updated", Order(u.At, u.Status, u.Listed), "u" + u.At.Ticks)));
        if (deleted) sends.Add(new ShuffleSend("order.deleted", "order.deleted", Bytes(new { id }), "d"));
        return new ShuffleLifecycle("woocommerce", id.ToString(CultureInfo.InvariantCulture), skus, sends, expected,
            $"woocommerce {id} {stateCode} prices [{string.Join(", ", prices.Select(p => $"{p.Rate}@{p.Tax}%"))}]: {string.Join("; ", summary)}");
    }
}
