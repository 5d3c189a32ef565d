using Connectors.Activity;
using Connectors.Ingest;

namespace Connectors.Books;

/// <summary>
/// One plan's work: from an order's merged facts, post what the books lack — the sale, the change of the lines as sold
/// (latest snapshot − what the sale and earlier notes posted), each refund not yet credited, the cancellation — and move
/// stock so the order's units out of stock equal what the facts say. Everything is a difference from what the order row
/// says is posted, so the same facts give the same books whatever the order they arrived in.
/// </summary>
sealed class Reconciliation(PostingPlanner planner, OrderState state, CanonicalEvent planned, IReadOnlyDictionary<string, string?> items)
{
    /// <summary>Stands for the sales voucher's number in a note planned together with it; BooksPoster writes the number in.</summary>
    public const string SaleLink = "(sale)";

    public OrderState State { get; private set; } = state;
    public List<Voucher> Vouchers { get; } = [];
    public List<StockMove> Moves { get; } = [];
    public List<string> Unmapped { get; } = [];
    public string? Note { get; private set; }
    public string? Status { get; private set; }
    public List<ReleasedEvent> Released { get; } = [];
    /// <summary>Per voucher of this plan, the event whose fact it documents.</summary>
    readonly List<string> _sources = [];

    OrderFacts Facts => State.Facts;
    TaxRules Tax => planner.Tax;

    public void Post()
    {
        if (Facts.Sale is null && !State.SalePosted)
        {
            Hold($"Waiting for the sale of order {planned.ExternalId}: kept, and posted when the sale arrives.");
            Release();
            return;
        }
        if (!State.SalePosted) PostSale(Facts.Sale!);
        if (!State.CancelPosted)
        {
            PostEdit();
            PostRefunds();
            if (Facts.Cancel is { } cancel) PostCancel(cancel);
        }
        else
        {
            // Nothing is billed any more, but a snapshot made before the cancellation and delivered after it still says
            // which units the order took: stock follows it.
            KeepSoldForStock();
            CoverRefunds();
        }
        MoveStock();
        Release();
    }

    /// <summary>The position a sale's round-off line is kept under, so a cancellation reverses it and edits leave it alone.</summary>
    public const string RoundOffSku = "round-off";

    /// <summary>
    /// The residue between what the platform charged and the lines rounded one by one (or parts not read, such as Shopify
    /// duties), as a Round off line; beyond Books:RoundOffLimit the sale fails with both figures.
    /// </summary>
    VoucherLine? RoundOff(CanonicalEvent sale, List<VoucherLine> lines)
    {
        if (sale.PlatformTotal is not { } charged) return null;
        var ours = lines.Sum(l => l.Total);
        var residue = charged - ours;
        if (residue == 0) return null;
        if (Math.Abs(residue) > planner.RoundOffLimit)
            throw new Posting.PostingRejectedException($"The sale of order {sale.ExternalId} adds up to {ours} but the platform charged {charged}: the difference {residue} is more than the round-off limit {planner.RoundOffLimit} (Books__RoundOffLimit); not posted.");
        return new VoucherLine { Sku = RoundOffSku, Description = "Round off", IsService = true, Quantity = 1, Rate = residue, Taxable = residue, Account = Journal.RoundOff };
    }

    /// <summary>
    /// A refund's residue between what the platform returned (PlatformTotal) and its credit note's lines, as a Round off
    /// line kept on the note alone (not on the order's open position: a cancellation does not reverse it); beyond
    /// Books:RoundOffLimit the reason, with both figures.
    /// </summary>
    (VoucherLine? Line, string? Refused) RefundRoundOff(CanonicalEvent refund, List<VoucherLine> lines)
    {
        if (refund.PlatformTotal is not { } returned) return (null, null);
        var ours = lines.Sum(l => l.Total);
        var residue = returned - ours;
        if (residue == 0) return (null, null);
        if (Math.Abs(residue) > planner.RoundOffLimit)
            return (null, $"Refund {refund.RefundId} of order {refund.ExternalId} credits {ours} but the platform returned {returned}: the difference {residue} is more than the round-off limit {planner.RoundOffLimit} (Books__RoundOffLimit); not posted.");
        return (new VoucherLine { Sku = RoundOffSku, Description = "Round off", IsService = true, Quantity = 1, Rate = residue, Taxable = residue, Account = Journal.RoundOff }, null);
    }

    void Add(Voucher v, CanonicalEvent source)
    {
        // A credit note for a supply of an earlier financial year issued after 30 November of the next may not reduce
        // output GST (CGST Act s.34(2)): the customer is credited in full, against Sales returns, and the GST stands.
        // Each line is judged by the supply it credits: the sale, or the edit that added the units (Supplies).
        if (v.Type == VoucherType.CreditNote && Tax.Regime == Regime.Gst && Facts.Sale is { } sale)
        {
            var saleDate = planner.DateOf(sale);
            var lines = new List<VoucherLine>();
            var supplies = new SortedSet<DateOnly>();
            var parts = new List<string>();
            foreach (var l in v.Lines)
            {
                // Only supplies: a gift card's liability and a round-off keep their own accounts.
                if (l.Account is not null) { lines.Add(l); continue; }
                var late = LateUnits(l, saleDate, v.Date, supplies);
                if (late == 0) { lines.Add(l); continue; }
                var financial = l with { Taxable = l.Total, Taxes = [], Account = Journal.SalesReturns };
                if (late >= l.Quantity) { lines.Add(financial); continue; }
                // Some of the units were supplied in time (an edit added them later): they reduce GST, the rest does not.
                var share = late / l.Quantity;
                var kept = l with
                {
                    Quantity = l.Quantity - late, Taxable = l.Taxable - Tax.Money.Round(l.Taxable * share),
                    Taxes = l.Taxes.Select(t => t with { Amount = t.Amount - Tax.Money.Round(t.Amount * share) }).ToList(),
                };
                lines.Add(kept);
                lines.Add(financial with { Quantity = late, Taxable = l.Total - kept.Total });
                parts.Add($"{late} of the {l.Quantity} units of {l.Sku}");
            }
            if (supplies.Count > 0)
            {
                v = (v with
                {
                    Lines = lines,
                    Note = $"Issued after the GST deadline for a supply of {string.Join(", ", supplies.Select(d => d.ToString("yyyy-MM-dd")))} (30 November after its financial year, CGST Act s.34(2))"
                        + (parts.Count > 0 ? $" for {string.Join(", ", parts)}" : "") + ": a financial credit note against Sales returns; output GST is not reduced.",
                }).Completed();
                Note = Note is null ? v.Note : Note + " " + v.Note;
            }
        }
        Vouchers.Add(v);
        _sources.Add(source.EventId);
    }

    /// <summary>
    /// How many of a credit note line's units were supplied past the s.34(2) deadline for a note of this date (their supply
    /// dates added to <paramref name="supplies"/>): the SKU's lots newest first, units beyond them the sale's. A service, a
    /// value-only line or a SKU without lots is the sale's as a whole.
    /// </summary>
    decimal LateUnits(VoucherLine l, DateOnly saleDate, DateOnly note, SortedSet<DateOnly> supplies)
    {
        var lots = State.Supplies.GetValueOrDefault(l.Sku);
        if (l.IsService || l.Quantity <= 0 || lots is not { Count: > 0 })
        {
            if (!PostingPlanner.PastCreditNoteDeadline(saleDate, note)) return 0;
            supplies.Add(saleDate);
            return decimal.MaxValue; // the whole line
        }
        var late = 0m;
        var left = l.Quantity;
        foreach (var lot in lots.AsEnumerable().Reverse())
        {
            if (left <= 0) break;
            var take = Math.Min(left, lot.Quantity);
            if (take > 0 && PostingPlanner.PastCreditNoteDeadline(lot.Date, note)) { late += take; supplies.Add(lot.Date); }
            left -= take;
        }
        if (left > 0 && PostingPlanner.PastCreditNoteDeadline(saleDate, note)) { late += left; supplies.Add(saleDate); }
        return late;
    }

    /// <summary>Units of a SKU supplied on this date (the sale, an edit's debit note): appended, so the list stays in posting order.</summary>
    void Supply(string sku, DateOnly date, decimal quantity)
    {
        if (quantity <= 0) return;
        var lots = new List<SupplyLot>(State.Supplies.GetValueOrDefault(sku) ?? []) { new(date, quantity) };
        State = State with { Supplies = new(State.Supplies, StringComparer.Ordinal) { [sku] = lots } };
    }

    /// <summary>Units of a SKU no longer billed (credited), newest supply first.</summary>
    void Consume(string sku, decimal quantity)
    {
        if (quantity <= 0 || State.Supplies.GetValueOrDefault(sku) is not { Count: > 0 } before) return;
        var lots = new List<SupplyLot>(before);
        while (quantity > 0 && lots.Count > 0)
        {
            var last = lots[^1];
            var take = Math.Min(quantity, last.Quantity);
            if (take == last.Quantity) lots.RemoveAt(lots.Count - 1);
            else lots[^1] = last with { Quantity = last.Quantity - take };
            quantity -= take;
        }
        State = State with { Supplies = new(State.Supplies, StringComparer.Ordinal) { [sku] = lots } };
    }

    /// <summary>
    /// Held events whose facts are now in the books (a refund credited or covered; anything once the sale is posted) are
    /// released: the plan names their vouchers, so their activity entries stop saying held.
    /// </summary>
    void Release()
    {
        var held = State.Held.ToList();
        if (Status == ActivityStatus.Held && !held.Contains(planned.EventId)) held.Add(planned.EventId);
        else if (Status != ActivityStatus.Held) held.Remove(planned.EventId);
        foreach (var id in held.ToList())
        {
            if (id == planned.EventId) continue;
            var fact = Facts.Refunds.Values.FirstOrDefault(r => r.EventId == id)
                ?? (Facts.Snapshot?.EventId == id ? Facts.Snapshot : Facts.Cancel?.EventId == id ? Facts.Cancel : null);
            var done = fact is null ? State.SalePosted : fact.Kind == EventKind.Refund ? State.Credited.Contains(fact.RefundId!) : State.SalePosted;
            if (!done) continue;
            held.Remove(id);
            if (fact is not null)
                Released.Add(new ReleasedEvent(id, fact.ActivityKey, Enumerable.Range(0, _sources.Count).Where(i => _sources[i] == id).ToList()));
        }
        State = State with { Held = held };
    }

    void Hold(string reason)
    {
        Note = reason;
        Status = ActivityStatus.Held;
    }

    /// <summary>How far an order's open amounts can be from a fresh computation by rounding alone: a minor unit per voucher it has, so it grows only with what was posted.</summary>
    decimal Drift => Tax.Money.MinorUnit * Math.Max(1, State.Vouchers.Count + Vouchers.Count);

    string? ItemOf(string sku) => State.Sold.TryGetValue(sku, out var p) ? p.Item : items.GetValueOrDefault(sku);

    void PostSale(CanonicalEvent sale)
    {
        var isTest = State.IsTest || PostingPlanner.IsTest(sale);
        State = State with
        {
            // "96" (Other Country) is GST's code; VAT books name the buyer's country.
            PlaceOfSupply = Tax.Regime != Regime.Gst && sale.PlaceOfSupply == "96" ? PostingPlanner.Clean(sale.Country) : PostingPlanner.Clean(sale.PlaceOfSupply), Customer = sale.Customer?.Name, CustomerKey = PostingPlanner.CustomerKey(sale.Customer), IsTest = isTest,
        };
        var lines = sale.Lines.Select(l => planner.SaleLine(l, State.PlaceOfSupply, sale.PricesIncludeTax, items)).ToList();
        var source = sale.Lines.ToList();
        if (RoundOff(sale, lines) is { } roundOff)
        {
            lines.Add(roundOff);
            source.Add(new CanonicalLine { Sku = RoundOffSku, IsService = true, Quantity = 1, Rate = roundOff.Rate });
        }
        var positions = PostingPlanner.Positions(source, lines);
        Add(planner.NewVoucher(VoucherType.Sales, planned, sale, State, lines, sale.ExternalId, null, "SV") with { PlatformTotal = sale.PlatformTotal }, sale);
        Unmapped.AddRange(sale.Lines.Where(l => !l.IsService && !l.IsGiftCard && items.GetValueOrDefault(l.Sku) is null).Select(l => l.Sku).Distinct(StringComparer.Ordinal));
        // Once posted, the sale's lines live on in Sold; the fact keeps what ordering needs (its version, date, customer) and
        // each SKU's tax rate, so the order row stays small.
        State = State with
        {
            SalePosted = true, Sold = positions, Lines = new(positions, StringComparer.Ordinal),
            SaleTaxRates = sale.Lines.GroupBy(l => l.Sku, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().TaxRate, StringComparer.Ordinal),
            SaleUnitPrices = lines.Where(l => l.Quantity > 0).GroupBy(l => l.Sku, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Max(l => l.Taxable / l.Quantity), StringComparer.Ordinal),
            Facts = Facts with { Sale = sale with { Lines = [], Refunds = [] } },
        };
        foreach (var p in positions.Values.Where(p => p.Account is null && !p.IsService).OrderBy(p => p.Sku, StringComparer.Ordinal)) Supply(p.Sku, planner.DateOf(sale), p.Quantity);
    }

    /// <summary>
    /// The latest snapshot's lines as sold, gross of refunds, priced: a Custom edit is net of the refunds made before it,
    /// so those are added back — at what their credit note took when it is posted, else at the rate it will be credited at —
    /// and the edit's own lines are exactly what remains billed.
    /// </summary>
    (List<CanonicalLine> Source, List<VoucherLine> Lines) GrossLines(CanonicalEvent latest, IReadOnlyDictionary<string, string?> mapped)
    {
        var source = latest.Lines.ToList();
        var lines = source.Select(l => planner.SaleLine(l, State.PlaceOfSupply, latest.PricesIncludeTax, mapped)).ToList();
        if (!latest.LinesNetOfEarlierRefunds) return (source, lines);
        foreach (var refund in Facts.Refunds.Values.Where(r => OrderMerge.MadeBefore(r, latest)).OrderBy(r => r.RefundId, StringComparer.Ordinal))
        {
            var credited = State.CreditedLines.GetValueOrDefault(refund.RefundId!);
            if (credited is null && State.Credited.Contains(refund.RefundId!)) continue;
            foreach (var l in refund.Lines)
            {
                var like = latest.Lines.FirstOrDefault(x => x.Sku == l.Sku);
                var sold = State.Sold.GetValueOrDefault(l.Sku);
                var rate = RateBefore(l.Sku) ?? like?.TaxRate ?? sold?.TaxRate ?? l.TaxRate;
                var back = l with
                {
                    Description = like?.Description ?? sold?.Description ?? l.Description, TaxRate = rate,
                    IsService = like?.IsService ?? sold?.IsService ?? l.IsService, TaxAmount = credited is null ? l.TaxAmount : null,
                };
                source.Add(back);
                var priced = planner.SaleLine(back, State.PlaceOfSupply, refund.PricesIncludeTax, mapped);
                lines.Add(credited?.FirstOrDefault(c => c.Sku == l.Sku) is { } c ? priced with { Quantity = c.Quantity, Taxable = c.Taxable, Taxes = c.Taxes } : priced);
            }
        }
        return (source, lines);
    }

    /// <summary>The tax rate a SKU was sold at before the latest edit (the sale's): a refund made before that edit is a refund of that sale.</summary>
    decimal? RateBefore(string sku) => State.SaleTaxRates.TryGetValue(sku, out var rate) ? rate : null;

    /// <summary>The rate a refund is credited at: the sale's for a refund made before the latest (Custom) edit, else the open line's.</summary>
    decimal RefundRate(CanonicalEvent refund, string sku, SkuPosition open) =>
        InLatestEdit(refund) && RateBefore(sku) is { } rate ? rate : open.TaxRate;

    /// <summary>Whether the latest edit's lines are net of this refund (a Custom edit made after it): the edit's arithmetic includes it.</summary>
    bool InLatestEdit(CanonicalEvent refund) => Facts.Latest is { LinesNetOfEarlierRefunds: true } edit && OrderMerge.MadeBefore(refund, edit);

    void PostEdit()
    {
        // No edit newer than the sale: the sale's lines are what Sold holds already.
        if (Facts.Latest is not { } latest) return;
        if (State.Baseline && !latest.LinesNetOfEarlierRefunds)
        {
            // A row from before facts were kept holds its lines net of refunds it never recorded by id: the first snapshot
            // read gross after the upgrade is the order as sold, not a change (OrderMigration).
            KeepSoldForStock();
            // What it sold beyond what is open was refunded before the upgrade: one credited refund stands for it, so stock
            // (moved by the old rules already) stays where it is.
            var before = State.Sold.Values.Where(p => !p.IsService && State.Lines.GetValueOrDefault(p.Sku)?.Quantity is var open && p.Quantity > (open ?? 0))
                .Select(p => new CanonicalLine { Sku = p.Sku, Quantity = p.Quantity - (State.Lines.GetValueOrDefault(p.Sku)?.Quantity ?? 0), Rate = p.Rate, Restock = true }).ToList();
            var facts = Facts with { Refunds = new(Facts.Refunds, StringComparer.Ordinal) { [OrderMigration.RefundedBefore] = latest with { Kind = EventKind.Refund, RefundId = OrderMigration.RefundedBefore, Lines = before, Refunds = [] } } };
            State = State with { Baseline = false, Facts = facts, Credited = [.. State.Credited, OrderMigration.RefundedBefore] };
            return;
        }
        var target = SoldTarget(latest);
        var sold = new Dictionary<string, SkuPosition>(State.Sold, StringComparer.Ordinal);
        var open = new Dictionary<string, SkuPosition>(State.Lines, StringComparer.Ordinal);
        List<VoucherLine> up = [], down = [];
        var changed = new List<(string Sku, decimal Units)>();
        foreach (var sku in sold.Keys.Union(target.Keys, StringComparer.Ordinal).Where(k => k != RoundOffSku).Order(StringComparer.Ordinal))
        {
            var before = sold.GetValueOrDefault(sku) is { IsOpen: true } b ? b : null;
            var after = target.GetValueOrDefault(sku);
            var shape = after ?? before;
            if (shape is null) continue;
            var dq = (after?.Quantity ?? 0) - (before?.Quantity ?? 0);
            var dt = (after?.Taxable ?? 0) - (before?.Taxable ?? 0);
            var taxes = PostingPlanner.TaxDifference(before?.Taxes ?? [], after?.Taxes ?? []);
            if (dq == 0 && dt == 0 && taxes.All(t => t.Amount == 0)) continue;
            // The same units at the same price and tax rate, off by rounding only (an edit restates from its lines, which
            // round differently from the sale less its refunds): nothing changed, the position stands.
            if (before is not null && after is not null && dq == 0 && after.Rate == before.Rate && after.TaxRate == before.TaxRate && after.CessRate == before.CessRate
                && Math.Abs(dt) <= Drift && taxes.All(t => Math.Abs(t.Amount) <= Drift))
                continue;
            if (after is not null && before is null && !sold.ContainsKey(sku) && !after.IsService && after.Item is null) Unmapped.Add(sku);
            if (!shape.IsService && shape.Account is null && dq != 0) changed.Add((sku, dq));
            var allUp = dq >= 0 && dt >= 0 && taxes.All(t => t.Amount >= 0);
            var allDown = dq <= 0 && dt <= 0 && taxes.All(t => t.Amount <= 0);
            // A new tax rate, or other units for the same money, is a restatement of the line, not a difference of it.
            var restated = before is not null && after is not null && (after.TaxRate != before.TaxRate || after.CessRate != before.CessRate || (dq != 0 && dt == 0));
            if ((allUp || allDown) && !restated)
            {
                var sign = allUp ? 1 : -1;
                (allUp ? up : down).Add(new VoucherLine
                {
                    Sku = sku, Item = shape.Item, Description = shape.Description, IsService = shape.IsService, Account = shape.Account,
                    Quantity = sign * dq, Rate = shape.Rate, Taxable = sign * dt,
                    Taxes = taxes.Where(t => t.Amount != 0).Select(t => t with { Amount = sign * t.Amount }).ToList(),
                });
            }
            else
            {
                // Parts move in opposite directions (more units for less), or the line is restated: credit the old line in
                // full and debit the new one, so no note carries a negative or a nil amount, and every note's tax is at its line's rate.
                if (before is not null) down.Add(PostingPlanner.Full(before));
                if (after is not null) up.Add(PostingPlanner.Full(after));
            }
            // What is open moves by the same difference; a line the edit removes stays as a closed position (its item, for stock).
            var zero = shape with { Quantity = 0, Taxable = 0, Taxes = [] };
            var was = open.GetValueOrDefault(sku) ?? zero;
            open[sku] = was with
            {
                Rate = shape.Rate, TaxRate = shape.TaxRate, CessRate = shape.CessRate, Description = shape.Description,
                Quantity = was.Quantity + dq, Taxable = was.Taxable + dt,
                Taxes = PostingPlanner.TaxDifference(taxes.Select(t => t with { Amount = -t.Amount }).ToList(), was.Taxes),
            };
            sold[sku] = after ?? zero;
        }
        var link = State.SaleNumber ?? SaleLink;
        if (up.Count > 0) Add(planner.NewVoucher(VoucherType.DebitNote, planned, latest, State, up, latest.ExternalId, link, "DN|edit"), latest);
        if (down.Count > 0) Add(planner.NewVoucher(VoucherType.CreditNote, planned, latest, State, down, latest.ExternalId, link, "CN|edit"), latest);
        State = State with { Sold = sold, Lines = open };
        // Units the edit adds are supplied on its date (its debit note); units it removes are the newest ones.
        foreach (var (sku, units) in changed)
            if (units > 0) Supply(sku, planner.DateOf(latest), units);
            else Consume(sku, -units);
    }

    /// <summary>The order as sold per SKU according to the latest snapshot (gross of refunds), each SKU with the item it was sold as.</summary>
    Dictionary<string, SkuPosition> SoldTarget(CanonicalEvent latest)
    {
        var mapped = latest.Lines.Concat(Facts.Refunds.Values.SelectMany(r => r.Lines)).Select(l => l.Sku).Distinct(StringComparer.Ordinal)
            .ToDictionary(sku => sku, ItemOf, StringComparer.Ordinal);
        var (gross, lines) = GrossLines(latest, mapped);
        return PostingPlanner.Positions(gross, lines);
    }

    void KeepSoldForStock()
    {
        // No edit newer than the sale: the sale's lines are what Sold holds already.
        if (Facts.Latest is not { } latest) return;
        var target = SoldTarget(latest);
        var sold = new Dictionary<string, SkuPosition>(State.Sold, StringComparer.Ordinal);
        foreach (var sku in sold.Keys.Where(k => k != RoundOffSku && !target.ContainsKey(k)).ToList()) sold[sku] = sold[sku] with { Quantity = 0, Taxable = 0, Taxes = [] };
        foreach (var (sku, p) in target) sold[sku] = p;
        State = State with { Sold = sold };
    }

    void PostRefunds()
    {
        var waiting = Facts.Refunds.Values.Where(r => !State.Credited.Contains(r.RefundId!))
            .OrderBy(r => r.Version ?? r.Date.ToDateTime(TimeOnly.MinValue)).ThenBy(r => r.RefundId, StringComparer.Ordinal).ToList();
        foreach (var refund in waiting)
        {
            var (lines, open, refused) = Credit(refund);
            // More per unit than the unit was sold for is wrong whatever comes later: the refund itself fails.
            if (refused is not null && refused.Contains(" a unit, more than ", StringComparison.Ordinal) && refund.EventId == planned.EventId)
                throw new Posting.PostingRejectedException(refused);
            if (refused is not null)
            {
                if (refund.EventId == planned.EventId)
                    Hold($"Held: {refused} The refund is kept and is credited as soon as the order's facts allow it (an edit that adds the units); if it is wrong, send it corrected with the same refund id.");
                continue;
            }
            // The refund that leaves nothing else open takes the sale's round-off with it, so Debtors is left at zero.
            if (open!.TryGetValue(RoundOffSku, out var roundOff) && roundOff.IsOpen && open.Values.All(p => p.Sku == RoundOffSku || !p.IsOpen)
                && lines!.Sum(l => l.Total) + roundOff.Total > 0)
            {
                lines = [.. lines!, PostingPlanner.Full(roundOff)];
                open = new(open, StringComparer.Ordinal) { [RoundOffSku] = roundOff with { Quantity = 0, Taxable = 0, Taxes = [] } };
            }
            // The credit note meets what the platform returned (Shopify's refund transactions, WooCommerce's refund total).
            var (residue, tooFar) = RefundRoundOff(refund, lines!);
            if (tooFar is not null)
            {
                // Wrong whatever comes later: the event that tells the refund fails; one told earlier stays uncredited.
                if (refund.EventId == planned.EventId || planned.Refunds.Any(r => r.RefundId == refund.RefundId)) throw new Posting.PostingRejectedException(tooFar);
                continue;
            }
            if (residue is { } roundOffLine) lines = [.. lines!, roundOffLine];
            Add(planner.NewVoucher(VoucherType.CreditNote, planned, refund, State, lines!, refund.RefundId ?? refund.ExternalId, State.SaleNumber ?? SaleLink, "CN|refund|" + refund.RefundId)
                with { PlatformTotal = refund.PlatformTotal }, refund);
            foreach (var l in refund.Lines) Consume(l.Sku, l.Quantity);
            State = State with
            {
                Lines = open!, Credited = [.. State.Credited, refund.RefundId!],
                CreditedLines = new(State.CreditedLines, StringComparer.Ordinal) { [refund.RefundId!] = lines! },
            };
        }
    }

    /// <summary>The refund's credit note lines and the open lines after it, or why it does not fit what is open now.</summary>
    (List<VoucherLine>? Lines, Dictionary<string, SkuPosition>? Open, string? Refused) Credit(CanonicalEvent e)
    {
        var positions = new Dictionary<string, SkuPosition>(State.Lines, StringComparer.Ordinal);
        var lines = new List<VoucherLine>();
        foreach (var l in e.Lines)
        {
            if (!positions.TryGetValue(l.Sku, out var p) || !State.Sold.TryGetValue(l.Sku, out var sold) || !sold.IsOpen)
                return (null, null, $"Refund {e.RefundId}: SKU {l.Sku} was not sold on order {e.ExternalId}.");
            // A service (shipping, fee) is refunded by value: a second partial refund of the same shipping still fits.
            if (!p.IsService && l.Quantity > p.Quantity)
                return (null, null, $"Refund {e.RefundId}: refunding {l.Quantity} x {l.Sku} is more than the {p.Quantity} still open on order {e.ExternalId} (sold net of earlier refunds and credits).");
            // Taxed like the original line: the sale's tax rate and place of supply.
            var (taxable, taxes) = Tax.Line(l.Quantity, l.Rate, l.Discount, RefundRate(e, l.Sku, p), l.TaxAmount, e.PricesIncludeTax, State.PlaceOfSupply, p.CessRate, l.CessAmount);
            // The refund that closes a position takes exactly what is left when it differs from it by rounding only (each
            // earlier part rounded its own share), so a fully refunded line never keeps or overshoots a cent. Otherwise no
            // component gives back more than is still open on it.
            // A service is refunded by value, so only a single minor unit of rounding closes it: 9.98 of 10.00 shipping is 9.98.
            var closes = p.IsService ? Math.Abs(taxable - p.Taxable) <= Tax.Money.MinorUnit : l.Quantity == p.Quantity && Math.Abs(taxable - p.Taxable) <= Drift;
            if (closes) (taxable, taxes) = (p.Taxable, p.Taxes);
            else taxes = taxes.Select(t => t with { Amount = Math.Min(t.Amount, p.Taxes.Where(o => o.Name == t.Name).Sum(o => o.Amount)) }).ToList();
            if (taxable > p.Taxable)
                return (null, null, $"Refund {e.RefundId}: refunding {taxable} (before tax) for {l.Sku} is more than the {p.Taxable} still open on order {e.ExternalId} (sold net of earlier refunds and credits).");
            // A unit is never refunded for more than it was sold for (before tax, within a minor unit of rounding), unless
            // the source marks the line as a fee or compensation.
            // A refund a Custom edit is net of is part of that edit's arithmetic and is credited as it implies.
            if (!p.IsService && !l.IsCompensation && !InLatestEdit(e) && l.Quantity > 0 && UnitPrice(l.Sku, sold) is { } unit
                && taxable / l.Quantity > unit + Tax.Money.MinorUnit)
                return (null, null, $"Refund {e.RefundId}: {l.Sku} is refunded at {Tax.Money.Round(taxable / l.Quantity)} a unit, more than the {Tax.Money.Round(unit)} it was sold for (before tax) on order {e.ExternalId}; mark the line as compensation if that is meant.");
            var line = new VoucherLine { Sku = l.Sku, Item = p.Item, Description = p.Description, IsService = p.IsService, Account = p.Account, Quantity = l.Quantity, Rate = l.Rate, Taxable = taxable, Taxes = taxes };
            var after = PostingPlanner.Subtract(p, line);
            // A service's units close with its value, not with each partial refund.
            positions[l.Sku] = p.IsService ? after with { Quantity = closes ? 0 : p.Quantity } : after;
            lines.Add(line);
        }
        return (lines, positions, null);
    }

    /// <summary>What a unit of the SKU was sold for before tax: the dearest of its sale lines (one SKU on a paid line and a free one is the paid price), its latest edit's lines, and the average posted.</summary>
    decimal? UnitPrice(string sku, SkuPosition sold)
    {
        decimal? best = sold.Quantity > 0 ? sold.Taxable / sold.Quantity : null;
        if (State.SaleUnitPrices.TryGetValue(sku, out var atSale) && (best is null || atSale > best)) best = atSale;
        foreach (var l in Facts.Latest?.Lines.Where(x => x.Sku == sku && x.Quantity > 0) ?? [])
        {
            var (taxable, _) = Tax.Line(l.Quantity, l.Rate, l.Discount, l.TaxRate, l.TaxAmount, Facts.Latest!.PricesIncludeTax, State.PlaceOfSupply);
            if (best is null || taxable / l.Quantity > best) best = taxable / l.Quantity;
        }
        return best;
    }

    void PostCancel(CanonicalEvent cancel)
    {
        var open = State.Lines.Values.Where(p => p.IsOpen).OrderBy(p => p.Sku, StringComparer.Ordinal).ToList();
        var lines = open.Select(PostingPlanner.Full).ToList();
        if (lines.Count > 0 && lines.Sum(l => l.Total) < 0)
        {
            // What is left to reverse is worth less than nothing (a negative round-off, everything else already credited):
            // the customer owes it back, which is a debit note, not a credit note of a negative amount.
            lines = lines.Select(l => l with { Taxable = -l.Taxable, Taxes = l.Taxes.Select(t => t with { Amount = -t.Amount }).ToList() }).ToList();
            Add(planner.NewVoucher(VoucherType.DebitNote, planned, cancel, State, lines, cancel.ExternalId, State.SaleNumber ?? SaleLink, "DN|cancel"), cancel);
        }
        else if (lines.Count > 0)
            Add(planner.NewVoucher(VoucherType.CreditNote, planned, cancel, State, lines, cancel.ExternalId, State.SaleNumber ?? SaleLink, "CN|cancel"), cancel);
        else if (cancel.EventId == planned.EventId) Note = "Nothing is open on the order: nothing to cancel.";
        var closed = State.Lines.ToDictionary(p => p.Key, p => p.Value with { Quantity = 0, Taxable = 0, Taxes = [] }, StringComparer.Ordinal);
        State = State with { Lines = closed, CancelPosted = true, Supplies = new(StringComparer.Ordinal) };
        CoverRefunds();
    }

    /// <summary>After the cancellation's credit note nothing is billed: refunds not credited by then are covered by it.</summary>
    void CoverRefunds()
    {
        var covered = Facts.Refunds.Keys.Where(id => !State.Credited.Contains(id)).Order(StringComparer.Ordinal).ToList();
        if (covered.Count == 0) return;
        if (planned.Kind == EventKind.Refund && covered.Contains(planned.RefundId!))
            Note = $"Refund {planned.RefundId} is covered by the cancellation's credit note: nothing more to post.";
        else if (planned.Kind is EventKind.Update && planned.EventId != Facts.Cancel?.EventId)
            Note = "The order is cancelled: the edit posts nothing.";
        State = State with { Credited = [.. State.Credited, .. covered] };
    }

    /// <summary>
    /// Units out of stock per SKU, from the facts: sold (after edits) − units its refunds restocked − on cancellation the
    /// units still with the order (sold less the units refunds took back, restocked or not; a value-only refund takes none).
    /// The movement is that less what was moved before, so stock follows the facts, not the order they came in.
    /// </summary>
    void MoveStock()
    {
        var stockOut = new Dictionary<string, decimal>(State.StockOut, StringComparer.Ordinal);
        var credited = State.Credited.Where(Facts.Refunds.ContainsKey).Select(id => Facts.Refunds[id]).ToList();
        var kept = Facts.Cancel?.Lines.Where(l => !l.Restock).Select(l => l.Sku).ToHashSet(StringComparer.Ordinal) ?? [];
        var moves = new List<(string, decimal)>();
        foreach (var (sku, p) in State.Sold.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (p.IsService || p.Item is not { } item) continue;
            var lines = credited.SelectMany(r => r.Lines.Where(l => l.Sku == sku).Select(l => (Refund: r, Line: l))).ToList();
            var restocked = lines.Where(x => x.Line.Restock).Sum(x => x.Line.Quantity);
            var taken = lines.Where(x => !x.Refund.ValueOnly).Sum(x => x.Line.Quantity);
            var target = p.Quantity - restocked;
            if (State.CancelPosted && !kept.Contains(sku)) target -= Math.Max(0, p.Quantity - taken);
            target = Math.Clamp(target, 0, Math.Max(0, p.Quantity));
            var delta = target - stockOut.GetValueOrDefault(sku);
            if (delta != 0) moves.Add((item, -delta));
            stockOut[sku] = target;
        }
        Moves.AddRange(PostingPlanner.Moves(moves));
        State = State with { StockOut = stockOut };
    }
}
