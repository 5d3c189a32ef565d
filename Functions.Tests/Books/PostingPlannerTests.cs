using Connectors.Books;
using Connectors.Ingest;
using Connectors.Posting;

namespace Connectors.Tests.Books;

/// <summary>
/// The planner's arithmetic, worked in rupees (GST, home state 29, buyer in 29: CGST + SGST), event by event on one order
/// as the poster applies them: what rounding must never do to a fully refunded or an unchanged line.
/// </summary>
public sealed class PostingPlannerTests
{
    readonly PostingPlanner _planner = new(new TaxRules(new BooksOptions { TaxRegime = "gst", HomeState = "29", Currency = "INR" }), "INR");
    static readonly Dictionary<string, string?> Items = new() { ["X"] = "X" };
    int _events;

    CanonicalEvent Event(EventKind kind, bool inclusive, params CanonicalLine[] lines) => new()
    {
        EventId = "ev" + ++_events, Kind = kind, ExternalId = "O1", RefundId = "R" + _events, Date = new DateOnly(2026, 5, 1),
        PlaceOfSupply = "29", PricesIncludeTax = inclusive, Lines = lines, Customer = new Customer { Name = "C" },
    };

    static CanonicalLine Line(decimal quantity, decimal rate, decimal taxRate = 18, decimal discount = 0) =>
        new() { Sku = "X", Quantity = quantity, Rate = rate, TaxRate = taxRate, Discount = discount };

    /// <summary>Plans the event against the order and applies it as BooksPoster does (its lines, its vouchers, the event marked applied).</summary>
    (OrderState Order, PostingPlan Plan) Apply(OrderState? order, CanonicalEvent e)
    {
        var (next, plan) = _planner.Plan(e, order, Items);
        return (next with
        {
            SaleNumber = next.SaleNumber ?? "SV/26-27/000001",
            Vouchers = [.. next.Vouchers, .. plan.Vouchers.Select(v => v.Type)],
            Applied = new(next.Applied, StringComparer.Ordinal) { [e.EventId] = [] },
        }, plan);
    }

    static (decimal Taxable, decimal Cgst, decimal Sgst, decimal Total) Sums(Voucher v) =>
        (v.Totals.Taxable, v.Lines.Sum(l => l.Taxes.Where(t => t.Name == "CGST").Sum(t => t.Amount)), v.Lines.Sum(l => l.Taxes.Where(t => t.Name == "SGST").Sum(t => t.Amount)), v.Totals.Total);

    [Fact]
    public void A_discounted_line_refunded_unit_by_unit_is_credited_exactly_and_the_last_refund_is_not_refused()
    {
        // 3 x 100 less 10 at 18 %: 290 + 26.10 + 26.10 = 342.20. Each unit's refund carries the shop's rounded share of
        // the discount, 3.33, so two refunds take 96.67 each and 96.66 is left for the last, which asks for 96.67.
        var (order, sale) = Apply(null, Event(EventKind.Sale, false, Line(3, 100, discount: 10)));
        Assert.Equal((290m, 26.10m, 26.10m, 342.20m), Sums(sale.Vouchers[0]));
        var credited = 0m;
        for (var i = 0; i < 3; i++)
        {
            (order, var refund) = Apply(order, Event(EventKind.Refund, false, Line(1, 100, discount: 3.33m)));
            credited += refund.Vouchers[0].Totals.Total;
        }
        // 114.07 + 114.07 + 114.06: the last takes what is open (96.66 + 8.70 + 8.70), so the sale is reversed to the paisa.
        Assert.Equal(342.20m, credited);
        Assert.False(order.Lines["X"].IsOpen);
    }

    [Fact]
    public void Tax_inclusive_units_refunded_one_by_one_credit_exactly_what_was_paid()
    {
        // 3 x 10 gross at 18 %: halves 30 x 9 / 118 = 2.288 -> 2.29, taxable 25.42; each unit 10 gross: 0.76 + 0.76 + 8.48.
        var (order, sale) = Apply(null, Event(EventKind.Sale, true, Line(3, 10)));
        Assert.Equal((25.42m, 2.29m, 2.29m, 30.00m), Sums(sale.Vouchers[0]));
        var notes = new List<Voucher>();
        for (var i = 0; i < 3; i++)
        {
            (order, var refund) = Apply(order, Event(EventKind.Refund, true, Line(1, 10)));
            notes.Add(refund.Vouchers[0]);
        }
        Assert.Equal((8.48m, 0.76m, 0.76m, 10.00m), Sums(notes[0]));
        // The last takes what is open: 25.42 - 16.96 = 8.46, 2.29 - 1.52 = 0.77 each: still 10.00, as refunded.
        Assert.Equal((8.46m, 0.77m, 0.77m, 10.00m), Sums(notes[2]));
        Assert.False(order.Lines["X"].IsOpen);
    }

    [Fact]
    public void An_edit_after_a_refund_that_restates_the_open_lines_posts_nothing()
    {
        // 2 x 1.05 at 5 %: 2.10 + 0.05 + 0.05; one unit refunded: 1.05 + 0.03 + 0.03 (rounded up), 0.02 of each tax left.
        // An edit stating the one unit left (1.05 + 0.03 + 0.03 afresh) differs from what is open by rounding only.
        var (order, _) = Apply(null, Event(EventKind.Sale, false, Line(2, 1.05m, 5)));
        (order, _) = Apply(order, Event(EventKind.Refund, false, Line(1, 1.05m, 5)));
        var open = order.Lines["X"];
        // A Custom edit: its lines are net of the refund made the day before it.
        var (after, edit) = Apply(order, Event(EventKind.Update, false, Line(1, 1.05m, 5)) with { Date = new DateOnly(2026, 5, 2), LinesNetOfEarlierRefunds = true });
        Assert.Empty(edit.Vouchers);
        Assert.Empty(edit.Moves);
        Assert.Equal(open, after.Lines["X"]);
    }

    [Fact]
    public void A_new_tax_rate_on_the_same_amount_credits_the_old_line_and_debits_the_new_one_each_at_its_own_rate()
    {
        var (order, _) = Apply(null, Event(EventKind.Sale, false, Line(2, 100, 18)));
        var (_, edit) = Apply(order, Event(EventKind.Update, false, Line(2, 100, 12)));
        var cn = Assert.Single(edit.Vouchers, v => v.Type == VoucherType.CreditNote);
        var dn = Assert.Single(edit.Vouchers, v => v.Type == VoucherType.DebitNote);
        // 200 + 18 + 18 = 236 credited at 9 % + 9 %; 200 + 12 + 12 = 224 debited at 6 % + 6 %.
        Assert.Equal((200m, 18m, 18m, 236m), Sums(cn));
        Assert.Equal((200m, 12m, 12m, 224m), Sums(dn));
        Assert.All(cn.Lines.SelectMany(l => l.Taxes), t => Assert.Equal(9m, t.Rate));
        Assert.All(dn.Lines.SelectMany(l => l.Taxes), t => Assert.Equal(6m, t.Rate));
        Assert.Empty(edit.Moves);
    }

    [Fact]
    public void More_units_for_the_same_money_restates_the_line_rather_than_posting_a_nil_note()
    {
        // 2 x 100 -> 4 x 50 at 18 %: no money moves, two more units leave stock.
        var (order, _) = Apply(null, Event(EventKind.Sale, false, Line(2, 100)));
        var (_, edit) = Apply(order, Event(EventKind.Update, false, Line(4, 50)));
        Assert.All(edit.Vouchers, v => Assert.NotEqual(0m, v.Totals.Total));
        Assert.Equal(236m, Assert.Single(edit.Vouchers, v => v.Type == VoucherType.CreditNote).Totals.Total);
        var dn = Assert.Single(edit.Vouchers, v => v.Type == VoucherType.DebitNote);
        Assert.Equal((4m, 50m, 236m), (dn.Lines[0].Quantity, dn.Lines[0].Rate, dn.Totals.Total));
        Assert.Equal(-2m, Assert.Single(edit.Moves).Delta);
    }

    [Fact]
    public void A_refund_of_every_unit_for_much_less_than_is_open_credits_what_was_refunded_not_what_is_open()
    {
        // 2 x 100 at 18 %; both units refunded with 40 kept (a restocking fee): 160 + 14.40 + 14.40 credited, not 236.
        var (order, _) = Apply(null, Event(EventKind.Sale, false, Line(2, 100)));
        var (after, refund) = Apply(order, Event(EventKind.Refund, false, Line(2, 100, discount: 40)));
        Assert.Equal((160m, 14.40m, 14.40m, 188.80m), Sums(refund.Vouchers[0]));
        Assert.Equal((0m, 40m), (after.Lines["X"].Quantity, after.Lines["X"].Taxable));
    }

    [Fact]
    public void A_moment_given_in_UTC_is_dated_in_the_books_time_zone_and_a_date_as_written_otherwise()
    {
        // 31 March 2026, 19:00 UTC is already 1 April 00:30 in India (UTC+5:30): the next financial year's first day.
        var ist = TimeZoneInfo.CreateCustomTimeZone("IST", TimeSpan.FromMinutes(330), "IST", "IST");
        var zoned = new PostingPlanner(new TaxRules(new BooksOptions { TaxRegime = "gst", HomeState = "29", Currency = "INR" }), "INR", ist);
        var sale = Event(EventKind.Sale, false, Line(1, 100)) with { Date = new DateOnly(2026, 3, 31), DateUtc = new DateTimeOffset(2026, 3, 31, 19, 0, 0, TimeSpan.Zero) };
        Assert.Equal(new DateOnly(2026, 4, 1), zoned.Plan(sale, null, Items).Plan.Vouchers[0].Date);
        // Without a time zone, or without a UTC moment, the date stands as the source wrote it.
        Assert.Equal(new DateOnly(2026, 3, 31), _planner.Plan(sale, null, Items).Plan.Vouchers[0].Date);
        Assert.Equal(new DateOnly(2026, 3, 31), zoned.Plan(sale with { DateUtc = null }, null, Items).Plan.Vouchers[0].Date);
    }

    [Fact]
    public void The_rounding_tolerance_grows_with_vouchers_posted_not_with_events_that_changed_nothing()
    {
        // 2 x 100 at 18 %; twenty edits restating the same lines post nothing. A refund of both units that asks 0.03 more
        // than is open is then still beyond the tolerance of one voucher (0.01): held, not taken as "what is open".
        var (order, _) = Apply(null, Event(EventKind.Sale, false, Line(2, 100)));
        for (var i = 0; i < 20; i++)
        {
            (order, var same) = Apply(order, Event(EventKind.Update, false, Line(2, 100)) with { Version = new DateTimeOffset(2026, 5, 2, 0, i, 0, TimeSpan.Zero) });
            Assert.Empty(same.Vouchers);
        }
        var (_, refund) = Apply(order, Event(EventKind.Refund, false, Line(2, 100.015m)));
        Assert.Equal("held", refund.Status);
        Assert.Contains("more than the 200", refund.Note);
    }

    [Fact]
    public void A_refund_asking_for_more_than_rounding_beyond_what_is_open_is_held_not_credited()
    {
        var (order, _) = Apply(null, Event(EventKind.Sale, false, Line(2, 100, discount: 10)));
        var (after, plan) = Apply(order, Event(EventKind.Refund, false, Line(2, 100)));
        Assert.Equal("held", plan.Status);
        Assert.Empty(plan.Vouchers);
        Assert.Contains("more than the 190", plan.Note);
        Assert.Equal(order.Lines["X"], after.Lines["X"]);
    }
}
