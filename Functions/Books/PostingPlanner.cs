using Connectors.Ingest;
using Connectors.Posting;

namespace Connectors.Books;

/// <summary>
/// Decides, without touching storage, what one event does to an order: merge its fact (OrderFacts), derive what the
/// books should hold from all the facts, and plan the difference from what they do hold — the sale on first sight, one
/// debit/credit note per change of the lines as sold, one credit note per refund id, the cancellation's credit note, and
/// the stock movements that bring the order's units to what the facts say. Deterministic in (event, order, SKU map), and
/// the books it leads to do not depend on the order the events arrive in (docs/order-of-arrival.md).
/// </summary>
/// <param name="zone">The books' time zone (BooksOptions.Zone): a document timestamped in UTC is dated in it; null: dates as written.</param>
/// <param name="roundOffLimit">Books:RoundOffLimit: the largest residue a sale puts on a Round off line.</param>
public sealed class PostingPlanner(TaxRules tax, string currency, TimeZoneInfo? zone = null, decimal roundOffLimit = 1.00m)
{
    internal decimal RoundOffLimit => roundOffLimit;

    /// <summary>CGST Act s.34(2): a credit note reduces output tax only if issued by 30 November following the end of the financial year of the supply.</summary>
    internal static bool PastCreditNoteDeadline(DateOnly supply, DateOnly note)
    {
        // The financial year is April to March by law (General Clauses Act 1897 s.3(21)), whatever the books' own year: a supply of April 2025 - March 2026 may be credited with GST until 30 November 2026.
        var start = supply.Month >= 4 ? supply.Year : supply.Year - 1;
        return note > new DateOnly(start + 1, 11, 30);
    }

    public const string TestPrefix = "TEST-";

    public static bool IsTest(CanonicalEvent e) => e.IsTest || e.ExternalId.StartsWith(TestPrefix, StringComparison.OrdinalIgnoreCase);

    /// <summary>The order after the event (facts merged, books advanced) and what remains to be written for it.</summary>
    /// <param name="items">External SKU -> item SKU (null: unmapped), for every SKU on the event.</param>
    public (OrderState Order, PostingPlan Plan) Plan(CanonicalEvent e, OrderState? order, IReadOnlyDictionary<string, string?> items)
    {
        // Amounts are never converted: an order in another currency would be booked as ours, with our tax. Checked first,
        // so a foreign refund or cancel fails at once rather than waiting for a sale.
        if (BooksOptions.CurrencyMismatch(e.Currency, currency) is { } mismatch) throw new PostingRejectedException(mismatch);
        Validate(e, order);
        // An event that reaches posting without an arrival time (posted directly, not through a source route) arrives now:
        // that is the version of an edit that gives none.
        if (e.ReceivedAt == default) e = e with { ReceivedAt = DateTimeOffset.UtcNow };
        var state = OrderMigration.Current(order) ?? new OrderState
        {
            Layout = OrderState.CurrentLayout, ConnectionId = e.ConnectionId, ExternalId = e.ExternalId, IsTest = IsTest(e),
        };
        var (facts, note, status) = OrderMerge.Merge(state.Facts, e, state.Credited);
        var run = new Reconciliation(this, state with { Facts = facts }, e, items);
        run.Post();
        var plan = new PostingPlan
        {
            EventId = e.EventId, Vouchers = run.Vouchers, Moves = run.State.IsTest ? [] : run.Moves, Customer = e.Customer ?? facts.Sale?.Customer,
            Unmapped = run.State.IsTest ? [] : run.Unmapped,
            Note = note ?? run.Note ?? (run.Vouchers.Count == 0 ? "No change to the order's books: nothing to post." : null),
            Status = status ?? run.Status, Released = run.Released,
        };
        return (run.State, plan);
    }

    /// <summary>What no order state can make right: refused at once (nothing is written, the sender may correct and resend).</summary>
    static void Validate(CanonicalEvent e, OrderState? order)
    {
        switch (e.Kind)
        {
            case EventKind.Sale when e.Lines.Count == 0 && order?.Facts.Sale is null && order?.SaleNumber is null:
                throw new PostingRejectedException($"The sale of order {e.ExternalId} has no lines.");
            case EventKind.Sale or EventKind.Update when e.Lines.Count == 0:
                throw new PostingRejectedException($"The update of order {e.ExternalId} has no lines; send a cancellation to void an order.");
            case EventKind.Refund when e.Lines.Count == 0:
                throw new PostingRejectedException($"The refund {e.RefundId} of order {e.ExternalId} has no lines.");
            case EventKind.Refund when string.IsNullOrEmpty(e.RefundId):
                throw new PostingRejectedException($"A refund of order {e.ExternalId} has no refund id.");
            case EventKind.Product:
                throw new PostingRejectedException($"A {e.Kind} event does not post to an order.");
        }
    }

    /// <summary>The voucher's date: the source's date, or, for a moment given in UTC, that moment's date in the books' time zone.</summary>
    internal DateOnly DateOf(CanonicalEvent e) =>
        zone is not null && e.DateUtc is { } utc ? DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(utc, zone).DateTime) : e.Date;

    internal TaxRules Tax => tax;

    public static string? CustomerKey(Customer? c) => string.IsNullOrWhiteSpace(c?.Key) ? null : c.Key.Trim().ToLowerInvariant();

    internal VoucherLine SaleLine(CanonicalLine l, string? placeOfSupply, bool inclusive, IReadOnlyDictionary<string, string?> items)
    {
        if (l.IsGiftCard)
        {
            // Not a supply: the money is owed to the card's holder until it is redeemed, so no tax and no stock.
            var owed = tax.Money.Round(l.Quantity * l.Rate - l.Discount);
            return new VoucherLine { Sku = l.Sku, Description = l.Description ?? "Gift card", IsService = true, Quantity = l.Quantity, Rate = l.Rate, Taxable = owed, Account = Journal.GiftCardLiability };
        }
        var item = l.IsService ? null : items.GetValueOrDefault(l.Sku);
        var (taxable, taxes) = tax.Line(l.Quantity, l.Rate, l.Discount, l.TaxRate, l.TaxAmount, inclusive, placeOfSupply, l.CessRate, l.CessAmount);
        var description = l.IsService ? l.Description ?? l.Sku : item is null ? $"Unmapped SKU {l.Sku}" : l.Description ?? item;
        return new VoucherLine { Sku = l.Sku, Item = item, Description = description, IsService = l.IsService, Quantity = l.Quantity, Rate = l.Rate, Taxable = taxable, Taxes = taxes };
    }

    /// <summary>Lines aggregated per SKU: the order's position.</summary>
    internal static Dictionary<string, SkuPosition> Positions(IReadOnlyList<CanonicalLine> source, IReadOnlyList<VoucherLine> lines)
    {
        var result = new Dictionary<string, SkuPosition>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Count; i++)
        {
            var l = lines[i];
            result[l.Sku] = result.TryGetValue(l.Sku, out var p)
                ? p with { Quantity = p.Quantity + l.Quantity, Taxable = p.Taxable + l.Taxable, Taxes = TaxDifference(l.Taxes.Select(t => t with { Amount = -t.Amount }).ToList(), p.Taxes) }
                : new SkuPosition { Sku = l.Sku, Item = l.Item, Description = l.Description, IsService = l.IsService, Account = l.Account, TaxRate = l.Account is null ? source[i].TaxRate : 0, CessRate = l.Account is null ? source[i].CessRate : 0, Rate = l.Rate, Quantity = l.Quantity, Taxable = l.Taxable, Taxes = l.Taxes.ToList() };
        }
        return result;
    }

    internal static VoucherLine Full(SkuPosition p) => new()
    {
        Sku = p.Sku, Item = p.Item, Description = p.Description, IsService = p.IsService, Account = p.Account, Quantity = p.Quantity, Rate = p.Rate, Taxable = p.Taxable, Taxes = p.Taxes,
    };

    internal static SkuPosition Subtract(SkuPosition p, VoucherLine l) =>
        p with { Quantity = p.Quantity - l.Quantity, Taxable = p.Taxable - l.Taxable, Taxes = TaxDifference(l.Taxes, p.Taxes) };

    internal static SkuPosition Add(SkuPosition p, VoucherLine l) =>
        p with { Quantity = p.Quantity + l.Quantity, Taxable = p.Taxable + l.Taxable, Taxes = TaxDifference(l.Taxes.Select(t => t with { Amount = -t.Amount }).ToList(), p.Taxes) };

    /// <summary>after - before, per tax component name.</summary>
    internal static List<TaxAmount> TaxDifference(IReadOnlyList<TaxAmount> before, IReadOnlyList<TaxAmount> after)
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

    /// <param name="source">The fact the voucher documents (its date and reference).</param>
    /// <param name="key">Unique per voucher of this plan: the posting key is the planned event's id plus it, so a retried plan posts the same voucher once.</param>
    /// <remarks>
    /// GST books: an order that named no place of supply is posted in the home state (CGST + SGST), and its vouchers show
    /// that state with PlaceOfSupplyAssumed; a buyer outside India (96) is marked a zero-rated export, or an export with IGST.
    /// </remarks>
    internal Voucher NewVoucher(string type, CanonicalEvent planned, CanonicalEvent source, OrderState order, List<VoucherLine> lines, string reference, string? linkedTo, string key)
    {
        var assumed = tax.IsAssumed(order.PlaceOfSupply);
        var voucher = new Voucher
        {
            Type = type, Date = DateOf(source), Reference = reference, LinkedTo = linkedTo, Customer = order.Customer ?? source.Customer?.Name,
            BuyerTaxId = Clean(order.Facts.Sale?.Customer?.TaxId ?? source.Customer?.TaxId),
            Country = Clean(order.Facts.Sale?.Country ?? order.Facts.Sale?.Customer?.Country ?? source.Country ?? source.Customer?.Country)?.ToUpperInvariant(),
            PlaceOfSupply = assumed ? tax.HomeState : order.PlaceOfSupply, PlaceOfSupplyAssumed = assumed ? true : null,
            Lines = lines, IsTest = order.IsTest, Currency = currency,
            ConnectionId = order.ConnectionId, ExternalId = order.ExternalId, PostingKey = planned.EventId + "|" + key,
        }.Completed();
        return voucher with { SupplyType = tax.SupplyType(order.PlaceOfSupply, voucher.Totals.Tax) };
    }

    internal static List<StockMove> Moves(IEnumerable<(string Item, decimal Delta)> moves) =>
        moves.GroupBy(m => m.Item, StringComparer.Ordinal).Select(g => new StockMove(g.Key, g.Sum(m => m.Delta))).Where(m => m.Delta != 0).OrderBy(m => m.ItemSku, StringComparer.Ordinal).ToList();

    internal static string? Clean(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
