using Connectors.Books;
using Connectors.Ingest;
using Connectors.Posting;
using Connectors.Tests.Fixtures;
using static Connectors.Tests.Posting.BooksClient;

namespace Connectors.Tests.Posting;

/// <summary>
/// Rules an accountant files by (issue 21), worked in rupees with home state 29, posted through the engine against
/// Azurite: gift cards are a liability, the platform's total is met by a Round off line, a unit is never refunded for
/// more than it was sold for, and a credit note past the GST deadline does not reduce output tax.
/// </summary>
public sealed class AccountingRulesTests(HostFixture host) : IClassFixture<HostFixture>
{
    readonly BooksClient _books = new(host);
    readonly string _connection = "rules-" + Guid.NewGuid().ToString("N")[..8];
    IEventPoster Poster => _books.Poster;

    static CanonicalLine L(string sku, decimal qty, decimal rate, decimal taxRate, bool giftCard = false, bool compensation = false) =>
        new() { Sku = sku, Description = sku, Quantity = qty, Rate = rate, TaxRate = taxRate, IsGiftCard = giftCard, IsCompensation = compensation };

    async Task<Voucher> PostOneAsync(CanonicalEvent e) =>
        (await _books.StoredVoucherAsync(Assert.Single((await Poster.PostAsync(e, CancellationToken.None)).VoucherNumbers)))!;

    static decimal Credit(Voucher v, string account) => v.Journal.Where(j => j.Account == account).Sum(j => j.Credit - j.Debit);

    [Fact]
    public async Task A_gift_card_sold_is_a_liability_with_no_tax_and_no_stock()
    {
        // 1 x 100 at 18 % (118) and a gift card of 500: Sales 100, CGST 9, SGST 9, Gift card liability 500, total 618.
        await _books.PutItemAsync("GC-CARD", "Gift card", 10);
        var v = await PostOneAsync(Event(EventKind.Sale, _connection, "GC-1", "2026-06-01", [L("GC-W", 1, 100, 18), L("GC-CARD", 1, 500, 18, giftCard: true)], "29"));
        Assert.Equal(618m, v.Totals.Total);
        Assert.Equal((100m, 9m, 9m, 500m), (Credit(v, Journal.Sales), Credit(v, "Output CGST"), Credit(v, "Output SGST"), Credit(v, Journal.GiftCardLiability)));
        Assert.Empty(v.Lines.Single(l => l.Sku == "GC-CARD").Taxes);
        Assert.Equal(10m, await _books.StockAsync("GC-CARD"));
        // Its refund takes the liability back, still without tax.
        var cn = await PostOneAsync(Event(EventKind.Refund, _connection, "GC-1", "2026-06-02", [L("GC-CARD", 1, 500, 0)], refundId: "R1"));
        Assert.Equal((500m, 500m), (cn.Totals.Total, -Credit(cn, Journal.GiftCardLiability)));
        Assert.Equal(0m, Journal.Balance(cn.Journal));
    }

    [Fact]
    public async Task The_platforms_total_is_met_by_a_round_off_line_up_to_the_limit()
    {
        // 3 x 33.33 at 5 %: 99.99 + 2.50 + 2.50 = 104.99; the shop charged 105.00: Round off 0.01.
        var v = await PostOneAsync(Event(EventKind.Sale, _connection, "RO-1", "2026-06-01", [L("RO-W", 3, 33.33m, 5)], "29") with { PlatformTotal = 105.00m });
        Assert.Equal((105.00m, (decimal?)105.00m), (v.Totals.Total, v.PlatformTotal));
        Assert.Equal(0.01m, Credit(v, Journal.RoundOff));
        Assert.Equal(0m, Journal.Balance(v.Journal));
        // Cancelled: the credit note reverses the round-off too, so nothing stays on Debtors.
        var cn = await PostOneAsync(Event(EventKind.Cancel, _connection, "RO-1", "2026-06-03", []));
        Assert.Equal(105.00m, cn.Totals.Total);

        // 2.00 apart is beyond the default limit of 1.00: the sale fails with both figures.
        var e = await Assert.ThrowsAsync<PostingRejectedException>(() => Poster.PostAsync(
            Event(EventKind.Sale, _connection, "RO-2", "2026-06-01", [L("RO-W", 1, 100, 18)], "29") with { PlatformTotal = 120.00m }, CancellationToken.None));
        Assert.Contains("adds up to 118 but the platform charged 120.00", e.Message);
        Assert.Contains("Books__RoundOffLimit", e.Message);
    }

    [Fact]
    public async Task A_unit_is_never_refunded_for_more_than_it_was_sold_for_unless_marked_compensation()
    {
        await PostOneAsync(Event(EventKind.Sale, _connection, "PU-1", "2026-06-01", [L("PU-W", 2, 100, 18)], "29"));
        var e = await Assert.ThrowsAsync<PostingRejectedException>(() => Poster.PostAsync(
            Event(EventKind.Refund, _connection, "PU-1", "2026-06-02", [L("PU-W", 1, 150, 0)], refundId: "R1"), CancellationToken.None));
        Assert.Contains("refunded at 150 a unit, more than the 100 it was sold for", e.Message);
        // The same amount marked as compensation (the unit and a goodwill payment) is credited: 150 + 27 tax at 18 %.
        var cn = await PostOneAsync(Event(EventKind.Refund, _connection, "PU-1", "2026-06-02", [L("PU-W", 1, 150, 0, compensation: true)], refundId: "R2"));
        Assert.Equal(177m, cn.Totals.Total);
    }

    [Fact]
    public async Task A_credit_note_past_30_november_after_the_supplys_year_does_not_reduce_output_gst()
    {
        // Sold 10 March 2026 (year 25-26): the deadline is 30 November 2026. A refund on 30 November reduces GST; one on
        // 1 December credits the customer 118 in full against Sales returns and leaves the GST as output tax.
        await PostOneAsync(Event(EventKind.Sale, _connection, "DL-1", "2026-03-10", [L("DL-W", 2, 100, 18)], "29"));
        var inTime = await PostOneAsync(Event(EventKind.Refund, _connection, "DL-1", "2026-11-30", [L("DL-W", 1, 100, 0)], refundId: "R1"));
        Assert.Equal((9m, 9m), (-Credit(inTime, "Output CGST"), -Credit(inTime, "Output SGST")));
        var late = await Poster.PostAsync(Event(EventKind.Refund, _connection, "DL-1", "2026-12-01", [L("DL-W", 1, 100, 0)], refundId: "R2"), CancellationToken.None);
        var v = (await _books.StoredVoucherAsync(Assert.Single(late.VoucherNumbers)))!;
        Assert.Equal(118m, v.Totals.Total);
        Assert.Equal(0m, v.Totals.Tax);
        Assert.Equal(118m, -Credit(v, Journal.SalesReturns));
        Assert.DoesNotContain(v.Journal, j => j.Account.StartsWith("Output ", StringComparison.Ordinal));
        Assert.Contains("s.34(2)", v.Note);
        Assert.Contains("s.34(2)", late.Note);
    }

    [Fact]
    public async Task Units_an_edit_added_are_dated_by_the_edit_for_the_gst_deadline_and_credited_first()
    {
        // Sold 2 × 100 at 18 % on 1 May 2025 (year 25-26: GST may be reduced until 30 November 2026); an edit on 1 June 2026
        // (year 26-27: until 30 November 2027) adds a third unit, DN 118.
        await PostOneAsync(Event(EventKind.Sale, _connection, "ED-1", "2025-05-01", [L("ED-W", 2, 100, 18)], "29"));
        var dn = await PostOneAsync(Event(EventKind.Update, _connection, "ED-1", "2026-06-01", [L("ED-W", 3, 100, 18)], "29"));
        Assert.Equal((VoucherType.DebitNote, 118m), (dn.Type, dn.Totals.Total));
        // Refunded on 15 December 2026: the newest unit is credited first, the edit's, still in time: GST 9 + 9 reduced.
        var first = await PostOneAsync(Event(EventKind.Refund, _connection, "ED-1", "2026-12-15", [L("ED-W", 1, 100, 0)], refundId: "R1"));
        Assert.Equal((118m, 9m, 9m, 0m), (first.Totals.Total, -Credit(first, "Output CGST"), -Credit(first, "Output SGST"), -Credit(first, Journal.SalesReturns)));
        Assert.Null(first.Note);
        // The next two units are the sale's, past its deadline: 236 against Sales returns, the GST stands.
        var rest = await PostOneAsync(Event(EventKind.Refund, _connection, "ED-1", "2026-12-16", [L("ED-W", 2, 100, 0)], refundId: "R2"));
        Assert.Equal((236m, 0m, 236m), (rest.Totals.Total, rest.Totals.Tax, -Credit(rest, Journal.SalesReturns)));
        Assert.Contains("supply of 2025-05-01", rest.Note);

        // The same order refunded 2 units at once on 15 December 2026: the edit's unit reduces GST (100 + 9 + 9), the sale's
        // one is a financial credit of 118; the note names both.
        await PostOneAsync(Event(EventKind.Sale, _connection, "ED-2", "2025-05-01", [L("ED-W", 2, 100, 18)], "29"));
        await PostOneAsync(Event(EventKind.Update, _connection, "ED-2", "2026-06-01", [L("ED-W", 3, 100, 18)], "29"));
        var both = await PostOneAsync(Event(EventKind.Refund, _connection, "ED-2", "2026-12-15", [L("ED-W", 2, 100, 0)], refundId: "R1"));
        Assert.Equal((236m, 9m, 9m, 118m), (both.Totals.Total, -Credit(both, "Output CGST"), -Credit(both, "Output SGST"), -Credit(both, Journal.SalesReturns)));
        Assert.Equal([(1m, (string?)null), (1m, Journal.SalesReturns)], both.Lines.Select(l => (l.Quantity, l.Account)));
        Assert.Contains("1 of the 2 units of ED-W", both.Note);
        Assert.Equal(0m, Journal.Balance(both.Journal));
        // Cancelled on 20 December 2026: the one unit left is the sale's, late too.
        var cancel = await PostOneAsync(Event(EventKind.Cancel, _connection, "ED-2", "2026-12-20", []));
        Assert.Equal((118m, 0m), (cancel.Totals.Total, cancel.Totals.Tax));
    }

    [Fact]
    public async Task The_refund_that_closes_the_order_takes_the_round_off_and_a_late_note_keeps_a_gift_cards_account()
    {
        // Charged 104.98 for 104.99 of lines: Round off -0.01. Refunding the three units leaves Debtors at zero.
        await PostOneAsync(Event(EventKind.Sale, _connection, "RZ-1", "2026-06-01", [L("RZ-W", 3, 33.33m, 5)], "29") with { PlatformTotal = 104.98m });
        var cn = await PostOneAsync(Event(EventKind.Refund, _connection, "RZ-1", "2026-06-02", [L("RZ-W", 3, 33.33m, 0)], refundId: "R1"));
        Assert.Equal((104.98m, 0.01m), (cn.Totals.Total, Credit(cn, Journal.RoundOff)));

        // A gift card and goods sold in May 2025, refunded in December 2026: the goods go to Sales returns without GST, the
        // card's 500 comes off Gift card liability as sold.
        await PostOneAsync(Event(EventKind.Sale, _connection, "LG-1", "2025-05-01", [L("LG-W", 1, 100, 18), L("LG-CARD", 1, 500, 0, giftCard: true)], "29"));
        var late = await PostOneAsync(Event(EventKind.Cancel, _connection, "LG-1", "2026-12-15", []));
        Assert.Equal((118m, 500m), (-Credit(late, Journal.SalesReturns), -Credit(late, Journal.GiftCardLiability)));
    }

    [Fact]
    public async Task A_refund_of_the_paid_unit_of_a_buy_one_get_one_free_is_capped_at_the_paid_price_not_the_average()
    {
        // 1 x 100, and 1 x 100 less 100 (free): the paid unit's refund of 100 is within what it was sold for.
        await PostOneAsync(Event(EventKind.Sale, _connection, "BG-1", "2026-06-01", [L("BG-W", 1, 100, 18), L("BG-W", 1, 100, 18) with { Discount = 100 }], "29"));
        var cn = await PostOneAsync(Event(EventKind.Refund, _connection, "BG-1", "2026-06-02", [L("BG-W", 1, 100, 0)], refundId: "R1"));
        Assert.Equal(118m, cn.Totals.Total);
    }

    [Fact]
    public async Task Vat_books_have_no_credit_note_deadline()
    {
        var planner = new PostingPlanner(new TaxRules(new BooksOptions { TaxRegime = "vat", Currency = "EUR" }), "EUR");
        var items = new Dictionary<string, string?>();
        var sale = Event(EventKind.Sale, "vat", "V-1", "2024-03-10", [L("V", 1, 100, 21)]) with { Currency = "EUR" };
        var (order, _) = planner.Plan(sale, null, items);
        var (_, plan) = planner.Plan(Event(EventKind.Refund, "vat", "V-1", "2026-12-01", [L("V", 1, 100, 0)], refundId: "R") with { Currency = "EUR" }, order with { SaleNumber = "SV/24/000001" }, items);
        Assert.Equal(21m, Assert.Single(plan.Vouchers).Totals.Tax);
    }
}
