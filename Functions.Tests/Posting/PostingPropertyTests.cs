using Azure.Data.Tables;
using Connectors.Books;
using Connectors.Ingest;
using Connectors.Posting;
using Connectors.Storage;
using Connectors.Tests.Fixtures;
using CsCheck;

namespace Connectors.Tests.Posting;

/// <summary>
/// Random order lifecycles (sale, edits, refunds including impossible ones, cancel, redeliveries) posted through the engine
/// against Azurite, in the Custom contract (an edit's lines are net of the refunds made before it; each event a minute
/// after the last), checked against a small model of the rules: every voucher balances; per order sale + debit notes -
/// credit notes = the order's final net value (less the refunds' round-offs); a refund's note meets what the platform returned; stock = opening - sold + returned; numbers are consecutive per series.
/// An impossible refund is held (kept, not credited); an edit after it states the order net of it, so it never changes the net.
/// </summary>
public sealed class PostingPropertyTests(HostFixture host) : IClassFixture<HostFixture>
{
    const decimal Opening = 1000m;
    /// <summary>Every lifecycle posts in this financial year, which no other test uses, so the series are this test's alone.</summary>
    const string Date = "2040-05-01";

    public sealed record LineSpec(int Sku, int Quantity, decimal Rate, decimal TaxRate);
    public abstract record Op;
    public sealed record Edit(LineSpec[] Lines) : Op;
    /// <param name="Residue">What the platform returned beyond (or short of) the credit note's lines: a Round off line on the note; null, no figure sent.</param>
    public sealed record Refund(int Sku, int Quantity, decimal? Residue = null) : Op;
    public sealed record Cancel : Op;
    /// <param name="State">The buyer's GST state; "96" is a buyer abroad (IGST where taxed).</param>
    /// <param name="Residue">What the platform's total differs from the sale's lines by (a Round off line), or null: no total sent.</param>
    public sealed record Lifecycle(string? State, LineSpec[] Sale, Op[] Ops, int Redeliver, decimal? Residue);

    /// <summary>SKU 3 is a gift card: a liability, no tax, no stock.</summary>
    const int GiftCard = 3;

    static readonly Gen<LineSpec> GenLine = Gen.Select(Gen.Int[0, 2], Gen.Int[1, 5], Gen.OneOf(0.20m, 0.25m, 0.50m, 33.33m, 100m, 7.05m), Gen.OneOf(0m, 5m, 12m, 18m),
        (sku, quantity, rate, taxRate) => new LineSpec(sku, quantity, rate, taxRate));
    static readonly Gen<LineSpec[]> GenLines = Gen.Select(GenLine.Array[1, 3], Gen.Int[0, 3],
        (lines, gift) => (gift == 0 ? [.. lines, new LineSpec(GiftCard, 1, 500m, 18m)] : lines).DistinctBy(l => l.Sku).ToArray());
    static readonly Gen<Op> GenOp = Gen.Frequency(
        (2, GenLines.Select(lines => (Op)new Edit(lines))),
        (3, Gen.Select(Gen.Int[0, 2], Gen.Int[1, 4], Gen.OneOf<decimal?>(null, 0m, 0.01m, -0.01m), (sku, quantity, residue) => (Op)new Refund(sku, quantity, residue))),
        (1, Gen.Const((Op)new Cancel())));
    static readonly Gen<Lifecycle> GenLifecycle = Gen.Select(Gen.OneOf<string?>(null, "29", "27", "96"), GenLines, GenOp.Array[0, 5], Gen.Int[0, 63],
        Gen.OneOf<decimal?>(null, 0m, 0.01m, -0.02m, 0.99m), (state, sale, ops, redeliver, residue) => new Lifecycle(state, sale, ops, redeliver, residue));

    static string Describe(Lifecycle l) =>
        $"state={l.State ?? "none"} residue={l.Residue?.ToString() ?? "none"} sale=[{string.Join(", ", l.Sale)}] ops=[{string.Join(", ", l.Ops.Select(o => o is Edit e ? $"Edit[{string.Join(", ", e.Lines.AsEnumerable())}]" : o.ToString()))}] redeliver={l.Redeliver}";

    /// <summary>The model's open position of one SKU.</summary>
    sealed record Position(int Quantity, decimal Rate, decimal TaxRate, decimal Taxable, Dictionary<string, decimal> Taxes)
    {
        public decimal Total => Taxable + Taxes.Values.Sum();
    }

    static decimal R(decimal x) => decimal.Round(x, 2, MidpointRounding.AwayFromZero);

    static Dictionary<string, decimal> TaxesOn(decimal taxable, decimal rate, string? state) =>
        rate == 0 ? new() : state is null or "29"
            ? new() { ["CGST"] = R(taxable * rate / 200), ["SGST"] = R(taxable * rate / 200) }
            : new() { ["IGST"] = R(taxable * rate / 100) };

    static Dictionary<int, Position> Positions(LineSpec[] lines, string? state) => lines.ToDictionary(l => l.Sku,
        l => new Position(l.Quantity, l.Rate, l.TaxRate, R(l.Quantity * l.Rate), l.Sku == GiftCard ? new() : TaxesOn(R(l.Quantity * l.Rate), l.TaxRate, state)));

    [Fact]
    public async Task Random_order_lifecycles_keep_the_books_consistent()
    {
        var poster = host.Service<IEventPoster>();
        await GenLifecycle.SampleAsync(async life =>
        {
            var run = Guid.NewGuid().ToString("N")[..10];
            var connection = "prop-" + run;
            string Sku(int i) => $"{run}-P{i}";
            for (var i = 0; i < 3; i++) await host.Service<ItemStore>().PutAsync(Sku(i), "Item " + i, Opening, CancellationToken.None);
            CanonicalLine Line(LineSpec l) => new() { Sku = Sku(l.Sku), Description = "P" + l.Sku, Quantity = l.Quantity, Rate = l.Rate, TaxRate = l.TaxRate, IsGiftCard = l.Sku == GiftCard };
            var start = new DateTimeOffset(DateOnly.Parse(Date).ToDateTime(new TimeOnly(9, 0)), TimeSpan.Zero);
            CanonicalEvent Event(EventKind kind, string id, IReadOnlyList<CanonicalLine> lines, string? refundId = null, int step = -1) => new()
            {
                EventId = $"ev_{run}_{id}", Kind = kind, ConnectionId = connection, Platform = "custom", ExternalId = "ORDER-" + run, RefundId = refundId,
                Date = DateOnly.Parse(Date), PlaceOfSupply = life.State, Lines = lines, Customer = new Customer { Name = "Prop" },
                Version = step < 0 ? null : start.AddMinutes(step + 1), LinesNetOfEarlierRefunds = kind == EventKind.Update,
            };
            async Task PostAsync(CanonicalEvent e, int step)
            {
                var outcome = await poster.PostAsync(e, CancellationToken.None);
                if ((life.Redeliver & (1 << step)) != 0)
                    Assert.Equal(outcome.VoucherNumbers, (await poster.PostAsync(e, CancellationToken.None)).VoucherNumbers);
            }

            var model = Positions(life.Sale, life.State);
            var cancelled = false;
            // The residue stays billed until a cancellation, or until a refund leaves nothing else open (it takes it back).
            var residueOpen = life.Residue is not null;
            // What the refunds' Round off lines credited beyond their lines (each refund's own residue).
            var refundResidues = 0m;
            // The platform's total: the model's sale total plus the residue, which a Round off line carries until a cancellation.
            await PostAsync(Event(EventKind.Sale, "sale", life.Sale.Select(Line).ToList()) with { PlatformTotal = life.Residue is { } r ? model.Values.Sum(p => p.Total) + r : null }, 0);
            for (var step = 0; step < life.Ops.Length; step++)
            {
                switch (life.Ops[step])
                {
                    case Edit edit:
                        await PostAsync(Event(EventKind.Update, "edit" + step, edit.Lines.Select(Line).ToList(), step: step), step + 1);
                        // A cancellation is final: an edit after it posts nothing.
                        if (!cancelled) model = Positions(edit.Lines, life.State);
                        break;
                    case Refund refund:
                    {
                        var open = model.GetValueOrDefault(refund.Sku);
                        var rate = open?.Rate ?? 10m;
                        var e = Event(EventKind.Refund, "refund" + step, [new CanonicalLine { Sku = Sku(refund.Sku), Quantity = refund.Quantity, Rate = rate }], "R" + step, step);
                        if (open is null || refund.Quantity > open.Quantity)
                        {
                            var held = await poster.PostAsync(e, CancellationToken.None);
                            Assert.True(cancelled ? held.Note?.Contains("covered by the cancellation") == true : held.Status == "held", $"{held.Status}: {held.Note}");
                            Assert.Empty(held.VoucherNumbers);
                            break;
                        }
                        var taxable = R(refund.Quantity * rate);
                        var taxes = refund.Quantity == open.Quantity && taxable == open.Taxable
                            ? open.Taxes
                            : TaxesOn(taxable, open.TaxRate, life.State).ToDictionary(t => t.Key, t => Math.Min(t.Value, open.Taxes.GetValueOrDefault(t.Key)));
                        model[refund.Sku] = open with
                        {
                            Quantity = open.Quantity - refund.Quantity, Taxable = open.Taxable - taxable,
                            Taxes = open.Taxes.ToDictionary(t => t.Key, t => t.Value - taxes.GetValueOrDefault(t.Key)),
                        };
                        // The refund that leaves nothing open takes the sale's round-off with it.
                        var closing = residueOpen && model.Values.All(p => p.Quantity == 0 && p.Total == 0);
                        // What the platform returned: the lines, the sale's residue when this refund takes it, and its own residue.
                        var returned = taxable + taxes.Values.Sum() + (closing ? life.Residue ?? 0 : 0) + (refund.Residue ?? 0);
                        await PostAsync(e with { PlatformTotal = refund.Residue is null ? null : returned }, step + 1);
                        refundResidues += refund.Residue ?? 0;
                        if (closing) residueOpen = false;
                        break;
                    }
                    case Cancel:
                        await PostAsync(Event(EventKind.Cancel, "cancel" + step, [], step: step), step + 1);
                        model.Clear();
                        cancelled = true;
                        break;
                }
            }

            var (order, _) = await host.Service<OrderStore>().GetAsync(connection, "ORDER-" + run, CancellationToken.None);
            Assert.Null(order!.Pending);
            var net = 0m;
            foreach (var number in order.Vouchers)
            {
                var v = (await host.Service<VoucherStore>().GetAsync(number, CancellationToken.None))!;
                Assert.Equal(0m, Journal.Balance(v.Journal));
                Assert.All(v.Lines.Where(l => l.Account != Journal.RoundOff), l => Assert.True(l.Quantity >= 0 && l.Taxable >= 0 && l.Taxes.All(t => t.Amount >= 0), $"{v.Number} has a negative line: {l}"));
                Assert.All(v.Lines.Where(l => l.Sku.EndsWith("-P3", StringComparison.Ordinal)), l => Assert.True(l.Account == Journal.GiftCardLiability && l.Taxes.Count == 0, $"{v.Number}: the gift card {l}"));
                Assert.Equal(v.Lines.Sum(l => l.Taxable + l.Taxes.Sum(t => t.Amount)), v.Totals.Total);
                Assert.Equal(v.Totals.Total, v.Journal.Single(j => j.Account == Journal.Debtors) is var d ? d.Debit + d.Credit : 0);
                net += v.Type == VoucherType.CreditNote ? -v.Totals.Total : v.Totals.Total;
            }
            Assert.Equal(model.Values.Sum(p => p.Total) + (cancelled || !residueOpen ? 0 : life.Residue ?? 0) - refundResidues, net);
            // Every credit note of a refund that said what it returned shows that figure, and its total is it.
            foreach (var number in order.Vouchers)
            {
                var v = (await host.Service<VoucherStore>().GetAsync(number, CancellationToken.None))!;
                if (v.Type == VoucherType.CreditNote && v.PlatformTotal is { } platform) Assert.Equal(platform, v.Totals.Total);
            }
            for (var i = 0; i < 3; i++)
            {
                var item = (await host.Service<ItemStore>().GetAsync(Sku(i), CancellationToken.None))!;
                Assert.Equal(Opening - (model.GetValueOrDefault(i)?.Quantity ?? 0), item.Stock);
            }
        }, iter: 60, threads: 1, print: Describe);

        // Numbers in every series of the year are exactly 1..n.
        var table = host.Storage.Table(TableNames.Vouchers);
        foreach (var series in new[] { "SV", "CN", "DN" })
        {
            var pk = host.Service<VoucherStore>().Partition(series, "40-41");
            var rows = new List<string>();
            await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == pk && x.RowKey.CompareTo("0") >= 0 && x.RowKey.CompareTo(":") < 0, select: ["RowKey"]))
                rows.Add(e.RowKey);
            Assert.Equal(Enumerable.Range(1, rows.Count).Select(n => VoucherNumber.RowKey(n)), rows);
            if (series == "SV") Assert.True(rows.Count >= 40);
        }
    }
}
