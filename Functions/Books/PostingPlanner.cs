using Connectors.Ingest;
using Connectors.Posting;

namespace Connectors.Books;

/// <summary>
/// Decides, without touching storage, what one event does to an order: the vouchers to write, the order's new
/// per-SKU position and the stock moves. Deterministic in (event, order state, SKU map), so a retried plan is the same plan.
/// </summary>
/// <param name="zone">The books' time zone (BooksOptions.Zone): a document timestamped in UTC is dated in it; null: dates as written.</param>
public sealed class PostingPlanner(TaxRules tax, string currency, TimeZoneInfo? zone = null)
{
    public const string TestPrefix = "TEST-";

    public static bool IsTest(CanonicalEvent e) => e.IsTest || e.ExternalId.StartsWith(TestPrefix, StringComparison.OrdinalIgnoreCase);

    /// <param name="items">External SKU -> item SKU (null: unmapped), for every SKU on the event.</param>
    public (OrderState Order, PostingPlan Plan) Plan(CanonicalEvent e, OrderState? order, IReadOnlyDictionary<string, string?> items)
    {
        // Amounts are never converted: an order in another currency would be booked as ours, with our tax. Checked first,
        // so a foreign refund or cancel fails at once rather than waiting for a sale.
        if (BooksOptions.CurrencyMismatch(e.Currency, currency) is { } mismatch) throw new PostingRejectedException(mismatch);
        var isTest = IsTest(e);
        if (order is null || order.SaleNumber is null && order.Lines.Count == 0 && order.Vouchers.Count == 0)
        {
            if (e.Kind != EventKind.Sale) throw new PostingDeferredException($"waiting for the sale of order {e.ExternalId}");
            var created = new OrderState
            {
                ConnectionId = e.ConnectionId, ExternalId = e.ExternalId, PlaceOfSupply = Clean(e.PlaceOfSupply), Customer = e.Customer?.Name,
                CustomerKey = CustomerKey(e.Customer), IsTest = isTest,
            };
            return (created, Sale(e, created, items));
        }
        return (order, e.Kind switch
        {
            // A second sale event for an order already sold is the shop restating it: post the difference.
            EventKind.Sale or EventKind.Update => Update(e, order, items),
            EventKind.Refund => Refund(e, order, items),
            EventKind.Cancel => Cancel(e, order),
            _ => throw new PostingRejectedException($"A {e.Kind} event does not post to an order."),
        });
    }

    /// <summary>The voucher's date: the source's date, or, for a moment given in UTC, that moment's date in the books' time zone.</summary>
    DateOnly DateOf(CanonicalEvent e) =>
        zone is not null && e.DateUtc is { } utc ? DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(utc, zone).DateTime) : e.Date;

    /// <summary>How far an order's open amounts can be from a fresh computation by rounding alone: a minor unit per event applied to it.</summary>
    decimal Drift(OrderState order) => tax.Money.MinorUnit * Math.Max(1, order.Applied.Count);

    public static string? CustomerKey(Customer? c) => string.IsNullOrWhiteSpace(c?.Key) ? null : c.Key.Trim().ToLowerInvariant();

    PostingPlan Sale(CanonicalEvent e, OrderState order, IReadOnlyDictionary<string, string?> items)
    {
        if (e.Lines.Count == 0) throw new PostingRejectedException($"The sale of order {e.ExternalId} has no lines.");
        var lines = e.Lines.Select(l => SaleLine(l, order.PlaceOfSupply, e.PricesIncludeTax, items)).ToList();
        var positions = Positions(e.Lines, lines);
        var voucher = NewVoucher(VoucherType.Sales, e, order, lines, e.ExternalId, null, "SV");
        return new PostingPlan
        {
            EventId = e.EventId, Vouchers = [voucher], NewLines = positions, Customer = e.Customer,
            Moves = order.IsTest ? [] : Moves(lines.Where(l => l.Item is not null && !l.IsService).Select(l => (l.Item!, -l.Quantity))),
            Unmapped = order.IsTest ? [] : Unmapped(e.Lines, items),
        };
    }

    PostingPlan Update(CanonicalEvent e, OrderState order, IReadOnlyDictionary<string, string?> items)
    {
        if (e.Lines.Count == 0) throw new PostingRejectedException($"The update of order {e.ExternalId} has no lines; send a cancellation to void an order.");
        // Lines already on the order keep the item they were sold as, so stock returns to where it came from.
        var mapped = e.Lines.Select(l => l.Sku).Distinct(StringComparer.Ordinal).ToDictionary(sku => sku, sku => order.Lines.TryGetValue(sku, out var p) ? p.Item : items.GetValueOrDefault(sku), StringComparer.Ordinal);
        var lines = e.Lines.Select(l => SaleLine(l, order.PlaceOfSupply, e.PricesIncludeTax, mapped)).ToList();
        var target = Positions(e.Lines, lines);
        List<VoucherLine> up = [], down = [];
        var moves = new List<(string, decimal)>();
        foreach (var sku in order.Lines.Keys.Union(target.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var before = order.Lines.GetValueOrDefault(sku);
            var after = target.GetValueOrDefault(sku);
            var shape = after ?? before!;
            var dq = (after?.Quantity ?? 0) - (before?.Quantity ?? 0);
            var dt = (after?.Taxable ?? 0) - (before?.Taxable ?? 0);
            var taxes = TaxDifference(before?.Taxes ?? [], after?.Taxes ?? []);
            if (dq == 0 && dt == 0 && taxes.All(t => t.Amount == 0)) continue;
            // The same units at the same price and tax rate, off by rounding only (an edit after refunds restates what is
            // open from the lines, which rounds differently from the sale less its refunds): nothing changed, the position stands.
            if (before is not null && after is not null && dq == 0 && after.Rate == before.Rate && after.TaxRate == before.TaxRate
                && Math.Abs(dt) <= Drift(order) && taxes.All(t => Math.Abs(t.Amount) <= Drift(order)))
            {
                target[sku] = before;
                continue;
            }
            if (shape.Item is { } item && !shape.IsService && dq != 0) moves.Add((item, -dq));
            var allUp = dq >= 0 && dt >= 0 && taxes.All(t => t.Amount >= 0);
            var allDown = dq <= 0 && dt <= 0 && taxes.All(t => t.Amount <= 0);
            // A new tax rate, or other units for the same money, is a restatement of the line, not a difference of it.
            var restated = before is not null && after is not null && (after.TaxRate != before.TaxRate || (dq != 0 && dt == 0));
            if ((allUp || allDown) && !restated)
            {
                var sign = allUp ? 1 : -1;
                (allUp ? up : down).Add(new VoucherLine
                {
                    Sku = sku, Item = shape.Item, Description = shape.Description, IsService = shape.IsService,
                    Quantity = sign * dq, Rate = shape.Rate, Taxable = sign * dt,
                    Taxes = taxes.Where(t => t.Amount != 0).Select(t => t with { Amount = sign * t.Amount }).ToList(),
                });
            }
            else
            {
                // Parts move in opposite directions (more units for less), or the line is restated (a new tax rate, other
                // units for the same money): credit the old line in full and debit the new one, so no note carries a
                // negative or a nil amount, and every note's tax is at its line's own rate.
                if (before is not null) down.Add(Full(before));
                if (after is not null) up.Add(Full(after));
            }
        }
        var vouchers = new List<Voucher>();
        if (up.Count > 0) vouchers.Add(NewVoucher(VoucherType.DebitNote, e, order, up, e.ExternalId, order.SaleNumber, "DN"));
        if (down.Count > 0) vouchers.Add(NewVoucher(VoucherType.CreditNote, e, order, down, e.ExternalId, order.SaleNumber, "CN"));
        return new PostingPlan
        {
            EventId = e.EventId, Vouchers = vouchers, NewLines = target, Customer = e.Customer,
            Moves = order.IsTest ? [] : Moves(moves), Unmapped = order.IsTest ? [] : Unmapped(e.Lines.Where(l => !order.Lines.ContainsKey(l.Sku)), items),
            Note = vouchers.Count == 0 ? "No change to the order's lines: nothing to post." : null,
        };
    }

    PostingPlan Refund(CanonicalEvent e, OrderState order, IReadOnlyDictionary<string, string?> items)
    {
        if (e.Lines.Count == 0) throw new PostingRejectedException($"The refund {e.RefundId} of order {e.ExternalId} has no lines.");
        var positions = new Dictionary<string, SkuPosition>(order.Lines, StringComparer.Ordinal);
        var lines = new List<VoucherLine>();
        var moves = new List<(string, decimal)>();
        foreach (var l in e.Lines)
        {
            if (!positions.TryGetValue(l.Sku, out var p))
                throw new PostingRejectedException($"Refund {e.RefundId}: SKU {l.Sku} was not sold on order {e.ExternalId}.");
            if (l.Quantity > p.Quantity)
                throw new PostingRejectedException($"Refund {e.RefundId}: refunding {l.Quantity} x {l.Sku} is more than the {p.Quantity} still open on order {e.ExternalId} (sold net of earlier refunds and credits).");
            // Taxed like the original line: the sale's tax rate and place of supply.
            var (taxable, taxes) = tax.Line(l.Quantity, l.Rate, l.Discount, p.TaxRate, l.TaxAmount, e.PricesIncludeTax, order.PlaceOfSupply);
            // The refund that closes a position's units takes exactly what is left when it differs from it by rounding only
            // (each earlier part rounded its own share: a discount of 10 over 3 units refunded one by one), so a fully
            // refunded line never keeps or overshoots a cent. Otherwise no component gives back more than is still open on it.
            if (l.Quantity == p.Quantity && Math.Abs(taxable - p.Taxable) <= Drift(order))
                (taxable, taxes) = (p.Taxable, p.Taxes);
            else
                taxes = taxes.Select(t => t with { Amount = Math.Min(t.Amount, p.Taxes.Where(o => o.Name == t.Name).Sum(o => o.Amount)) }).ToList();
            if (taxable > p.Taxable)
                throw new PostingRejectedException($"Refund {e.RefundId}: refunding {taxable} (before tax) for {l.Sku} is more than the {p.Taxable} still open on order {e.ExternalId} (sold net of earlier refunds and credits).");
            var line = new VoucherLine { Sku = l.Sku, Item = p.Item, Description = p.Description, IsService = p.IsService, Quantity = l.Quantity, Rate = l.Rate, Taxable = taxable, Taxes = taxes };
            positions[l.Sku] = Subtract(p, line);
            lines.Add(line);
            if (l.Restock && p.Item is { } item && !p.IsService && l.Quantity != 0) moves.Add((item, l.Quantity));
        }
        return new PostingPlan
        {
            EventId = e.EventId, NewLines = positions,
            Vouchers = [NewVoucher(VoucherType.CreditNote, e, order, lines, e.RefundId ?? e.ExternalId, order.SaleNumber, "CN")],
            Moves = order.IsTest ? [] : Moves(moves),
        };
    }

    PostingPlan Cancel(CanonicalEvent e, OrderState order)
    {
        var keep = e.Lines.Where(l => !l.Restock).Select(l => l.Sku).ToHashSet(StringComparer.Ordinal);
        var open = order.Lines.Values.Where(p => p.IsOpen).OrderBy(p => p.Sku, StringComparer.Ordinal).ToList();
        var lines = open.Select(Full).ToList();
        return new PostingPlan
        {
            EventId = e.EventId, NewLines = new Dictionary<string, SkuPosition>(StringComparer.Ordinal),
            Vouchers = lines.Count == 0 ? [] : [NewVoucher(VoucherType.CreditNote, e, order, lines, e.ExternalId, order.SaleNumber, "CN")],
            Moves = order.IsTest ? [] : Moves(open.Where(p => p.Item is not null && !p.IsService && !keep.Contains(p.Sku)).Select(p => (p.Item!, p.Quantity))),
            Note = lines.Count == 0 ? "Nothing is open on the order: nothing to cancel." : null,
        };
    }

    VoucherLine SaleLine(CanonicalLine l, string? placeOfSupply, bool inclusive, IReadOnlyDictionary<string, string?> items)
    {
        var item = l.IsService ? null : items.GetValueOrDefault(l.Sku);
        var (taxable, taxes) = tax.Line(l.Quantity, l.Rate, l.Discount, l.TaxRate, l.TaxAmount, inclusive, placeOfSupply);
        var description = l.IsService ? l.Description ?? l.Sku : item is null ? $"Unmapped SKU {l.Sku}" : l.Description ?? item;
        return new VoucherLine { Sku = l.Sku, Item = item, Description = description, IsService = l.IsService, Quantity = l.Quantity, Rate = l.Rate, Taxable = taxable, Taxes = taxes };
    }

    /// <summary>Lines aggregated per SKU: the order's position.</summary>
    static Dictionary<string, SkuPosition> Positions(IReadOnlyList<CanonicalLine> source, IReadOnlyList<VoucherLine> lines)
    {
        var result = new Dictionary<string, SkuPosition>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Count; i++)
        {
            var l = lines[i];
            result[l.Sku] = result.TryGetValue(l.Sku, out var p)
                ? p with { Quantity = p.Quantity + l.Quantity, Taxable = p.Taxable + l.Taxable, Taxes = TaxDifference(l.Taxes.Select(t => t with { Amount = -t.Amount }).ToList(), p.Taxes) }
                : new SkuPosition { Sku = l.Sku, Item = l.Item, Description = l.Description, IsService = l.IsService, TaxRate = source[i].TaxRate, Rate = l.Rate, Quantity = l.Quantity, Taxable = l.Taxable, Taxes = l.Taxes.ToList() };
        }
        return result;
    }

    static VoucherLine Full(SkuPosition p) => new()
    {
        Sku = p.Sku, Item = p.Item, Description = p.Description, IsService = p.IsService, Quantity = p.Quantity, Rate = p.Rate, Taxable = p.Taxable, Taxes = p.Taxes,
    };

    static SkuPosition Subtract(SkuPosition p, VoucherLine l) =>
        p with { Quantity = p.Quantity - l.Quantity, Taxable = p.Taxable - l.Taxable, Taxes = TaxDifference(l.Taxes, p.Taxes) };

    /// <summary>after - before, per tax component name.</summary>
    static List<TaxAmount> TaxDifference(IReadOnlyList<TaxAmount> before, IReadOnlyList<TaxAmount> after)
    {
        var result = new List<TaxAmount>();
        foreach (var name in before.Select(t => t.Name).Union(after.Select(t => t.Name)))
        {
            var a = after.Where(t => t.Name == name).ToList();
            var b = before.Where(t => t.Name == name).ToList();
            var rate = a.Count > 0 ? a[0].Rate : b[0].Rate;
            result.Add(new TaxAmount(name, rate, a.Sum(t => t.Amount) - b.Sum(t => t.Amount)));
        }
        return result;
    }

    Voucher NewVoucher(string type, CanonicalEvent e, OrderState order, List<VoucherLine> lines, string reference, string? linkedTo, string suffix) => new Voucher
    {
        Type = type, Date = DateOf(e), Reference = reference, LinkedTo = linkedTo, Customer = order.Customer ?? e.Customer?.Name,
        PlaceOfSupply = order.PlaceOfSupply, Lines = lines, IsTest = order.IsTest, Currency = currency,
        ConnectionId = e.ConnectionId, ExternalId = e.ExternalId, PostingKey = e.EventId + "|" + suffix,
    }.Completed();

    static List<StockMove> Moves(IEnumerable<(string Item, decimal Delta)> moves) =>
        moves.GroupBy(m => m.Item, StringComparer.Ordinal).Select(g => new StockMove(g.Key, g.Sum(m => m.Delta))).Where(m => m.Delta != 0).ToList();

    static List<string> Unmapped(IEnumerable<CanonicalLine> lines, IReadOnlyDictionary<string, string?> items) =>
        lines.Where(l => !l.IsService && items.GetValueOrDefault(l.Sku) is null).Select(l => l.Sku).Distinct(StringComparer.Ordinal).ToList();

    static string? Clean(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
