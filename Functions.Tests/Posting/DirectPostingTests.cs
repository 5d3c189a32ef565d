using Connectors.Books;
using Connectors.Ingest;
using Connectors.Posting;
using Connectors.Tests.Fixtures;
using static Connectors.Tests.Posting.BooksClient;

namespace Connectors.Tests.Posting;

/// <summary>
/// Rules the Custom contract cannot express (gross prices, stated tax, discounts, services, cancel, products, customers)
/// and redelivery, posted by calling the engine directly against the fixture's Azurite.
/// </summary>
public sealed class DirectPostingTests(HostFixture host) : IClassFixture<HostFixture>
{
    readonly BooksClient _books = new(host);
    readonly string _connection = "direct-" + Guid.NewGuid().ToString("N")[..8];
    IEventPoster Poster => _books.Poster;

    static CanonicalLine L(string sku, decimal qty, decimal rate, decimal taxRate, decimal discount = 0, decimal? taxAmount = null, bool service = false, bool restock = true) =>
        new() { Sku = sku, Description = sku, Quantity = qty, Rate = rate, TaxRate = taxRate, Discount = discount, TaxAmount = taxAmount, IsService = service, Restock = restock };

    async Task<Voucher> PostOneAsync(CanonicalEvent e)
    {
        var outcome = await Poster.PostAsync(e, CancellationToken.None);
        return (await _books.StoredVoucherAsync(Assert.Single(outcome.VoucherNumbers)))!;
    }

    static decimal TaxOf(VoucherLine l, string name) => l.Taxes.Where(t => t.Name == name).Sum(t => t.Amount);

    [Fact]
    public async Task Prices_that_include_tax_are_split_back_so_the_total_is_what_the_customer_paid()
    {
        // Gross 118 @ 18 %: taxable 118 x 100/118 = 100, tax 18 (CGST 9 + SGST 9).
        var v = await PostOneAsync(Event(EventKind.Sale, _connection, "INCL-1", "2026-06-01", [L("INC-A", 1, 118, 18)], "29", inclusive: true));
        Assert.Equal(100m, v.Lines[0].Taxable);
        Assert.Equal(9m, TaxOf(v.Lines[0], "CGST"));
        Assert.Equal(9m, TaxOf(v.Lines[0], "SGST"));
        Assert.Equal(118m, v.Totals.Total);

        // Gross 100 @ 18 %: each half 100 x 9 / 118 = 7.627.. -> 7.63, taxable the rest, 84.74; total still 100.00, and
        // CGST = SGST as the law has them (9 % of 84.74 = 7.6266 -> 7.63 each).
        var r = await PostOneAsync(Event(EventKind.Sale, _connection, "INCL-2", "2026-06-01", [L("INC-B", 1, 100, 18)], "29", inclusive: true));
        Assert.Equal(84.74m, r.Totals.Taxable);
        Assert.Equal(7.63m, TaxOf(r.Lines[0], "CGST"));
        Assert.Equal(7.63m, TaxOf(r.Lines[0], "SGST"));
        Assert.Equal(100.00m, r.Totals.Total);
        Assert.Equal(0m, Journal.Balance(r.Journal));
    }

    [Fact]
    public async Task A_tax_the_source_states_is_used_and_a_discount_reduces_the_taxable_value()
    {
        // Stated tax 17.99 on 100 @ 18 %: CGST 8.995 -> 9.00, SGST takes the rest 8.99; total 117.99.
        var stated = await PostOneAsync(Event(EventKind.Sale, _connection, "STATED-1", "2026-06-01", [L("ST-A", 1, 100, 18, taxAmount: 17.99m)], "29"));
        Assert.Equal(9.00m, TaxOf(stated.Lines[0], "CGST"));
        Assert.Equal(8.99m, TaxOf(stated.Lines[0], "SGST"));
        Assert.Equal(117.99m, stated.Totals.Total);

        // 2 x 100 less a 20 line discount = 180 taxable; IGST 18 % = 32.40; total 212.40.
        var discounted = await PostOneAsync(Event(EventKind.Sale, _connection, "DISC-1", "2026-06-01", [L("DI-A", 2, 100, 18, discount: 20)], "07"));
        Assert.Equal(180m, discounted.Totals.Taxable);
        Assert.Equal(32.40m, TaxOf(discounted.Lines[0], "IGST"));
        Assert.Equal(212.40m, discounted.Totals.Total);

        // A discount larger than the line is refused with the reason.
        var e = await Assert.ThrowsAsync<PostingRejectedException>(() => Poster.PostAsync(Event(EventKind.Sale, _connection, "DISC-2", "2026-06-01", [L("DI-A", 1, 10, 18, discount: 20)], "29"), CancellationToken.None));
        Assert.Contains("discount", e.Message);
    }

    [Fact]
    public async Task Service_lines_post_without_moving_stock()
    {
        await _books.PutItemAsync("SVC-W", "Widget", 10);
        var v = await PostOneAsync(Event(EventKind.Sale, _connection, "SVC-1", "2026-06-01", [L("SVC-W", 1, 100, 18), L("shipping", 1, 50, 18, service: true)], "29"));
        var shipping = v.Lines.Single(l => l.Sku == "shipping");
        Assert.True(shipping.IsService);
        Assert.Null(shipping.Item);
        Assert.Equal("shipping", shipping.Description);
        Assert.Equal(59m, shipping.Total);
        Assert.Equal(177m, v.Totals.Total);
        Assert.Equal(9m, await _books.StockAsync("SVC-W"));
        Assert.DoesNotContain(await host.Service<SkuMapStore>().ListUnmappedAsync(_connection, CancellationToken.None), u => u.Sku == "shipping");
    }

    [Fact]
    public async Task Cancel_credits_everything_still_open_and_returns_the_stock()
    {
        await _books.PutItemAsync("CAN-W", "Widget", 10);
        var sale = await PostOneAsync(Event(EventKind.Sale, _connection, "CAN-1", "2026-06-01", [L("CAN-W", 2, 100, 18), L("ship", 1, 50, 0, service: true)], "29"));
        Assert.Equal(286m, sale.Totals.Total);
        await PostOneAsync(Event(EventKind.Refund, _connection, "CAN-1", "2026-06-02", [L("CAN-W", 1, 100, 0)], refundId: "R1"));
        Assert.Equal(9m, await _books.StockAsync("CAN-W"));

        // Still open: 1 x 100 + 18 % = 118, and the 50 shipping: a credit note for 168; the unit goes back.
        var cancel = await PostOneAsync(Event(EventKind.Cancel, _connection, "CAN-1", "2026-06-03", []));
        Assert.Equal(VoucherType.CreditNote, cancel.Type);
        Assert.Equal(sale.Number, cancel.LinkedTo);
        Assert.Equal(168m, cancel.Totals.Total);
        Assert.Equal(10m, await _books.StockAsync("CAN-W"));

        // Nothing left: a second cancel posts nothing, and a refund after it is covered by the cancellation (no note, no stock).
        var again = await Poster.PostAsync(Event(EventKind.Cancel, _connection, "CAN-1", "2026-06-04", []), CancellationToken.None);
        Assert.Empty(again.VoucherNumbers);
        var late = await Poster.PostAsync(Event(EventKind.Refund, _connection, "CAN-1", "2026-06-05", [L("CAN-W", 1, 100, 0)], refundId: "R2"), CancellationToken.None);
        Assert.Empty(late.VoucherNumbers);
        Assert.Contains("covered by the cancellation", late.Note);
        Assert.Equal(10m, await _books.StockAsync("CAN-W"));
    }

    [Fact]
    public async Task Refund_lines_without_restock_return_no_stock_and_unknown_skus_are_held()
    {
        await _books.PutItemAsync("NR-W", "Widget", 10);
        await PostOneAsync(Event(EventKind.Sale, _connection, "NR-1", "2026-06-01", [L("NR-W", 2, 100, 18)], "29"));
        var cn = await PostOneAsync(Event(EventKind.Refund, _connection, "NR-1", "2026-06-02", [L("NR-W", 1, 100, 0, restock: false)], refundId: "R1"));
        Assert.Equal(118m, cn.Totals.Total);
        Assert.Equal(8m, await _books.StockAsync("NR-W"));
        var held = await Poster.PostAsync(Event(EventKind.Refund, _connection, "NR-1", "2026-06-02", [L("OTHER", 1, 100, 0)], refundId: "R2"), CancellationToken.None);
        Assert.Equal("held", held.Status);
        Assert.Empty(held.VoucherNumbers);
        Assert.Contains("OTHER was not sold on order NR-1", held.Note);
    }

    [Fact]
    public async Task A_sku_on_several_lines_is_compared_as_one_position()
    {
        // Sold as 1 + 1 of DUPL (2 x 100 @ 18 %); the edit says 3 on one line: a debit note for one unit, 118.
        await PostOneAsync(Event(EventKind.Sale, _connection, "DUPL-1", "2026-06-01", [L("DUPL", 1, 100, 18), L("DUPL", 1, 100, 18)], "29"));
        var dn = await PostOneAsync(Event(EventKind.Update, _connection, "DUPL-1", "2026-06-02", [L("DUPL", 2, 100, 18), L("DUPL", 1, 100, 18)], "29"));
        Assert.Equal(VoucherType.DebitNote, dn.Type);
        Assert.Equal(118m, dn.Totals.Total);
        Assert.Equal(1m, Assert.Single(dn.Lines).Quantity);
    }

    [Fact]
    public async Task An_edit_that_changes_the_tax_rate_credits_the_old_line_and_debits_the_new_one()
    {
        // Sold 3 x 33.33 @ 18 % to state 27: 99.99 + IGST 18.00 (17.9982) = 117.99. Edited to 1 x 100 @ 5 %: 100 + 5 = 105.
        // Taxable goes up 0.01 while tax goes down 13: no single note can say that without a negative amount.
        await PostOneAsync(Event(EventKind.Sale, _connection, "RATE-1", "2026-06-01", [L("RATE", 3, 33.33m, 18)], "27"));
        var outcome = await Poster.PostAsync(Event(EventKind.Update, _connection, "RATE-1", "2026-06-02", [L("RATE", 1, 100, 5)], "27"), CancellationToken.None);
        var notes = await Task.WhenAll(outcome.VoucherNumbers.Select(async n => (await _books.StoredVoucherAsync(n))!));
        var dn = Assert.Single(notes, v => v.Type == VoucherType.DebitNote);
        var cn = Assert.Single(notes, v => v.Type == VoucherType.CreditNote);
        Assert.Equal(117.99m, cn.Totals.Total);
        Assert.Equal(105m, dn.Totals.Total);
        Assert.Equal(5m, TaxOf(dn.Lines[0], "IGST"));
        Assert.Equal(1m, dn.Lines[0].Quantity);
    }

    [Fact]
    public async Task A_row_from_before_facts_were_kept_takes_its_first_gross_snapshot_as_the_order_as_sold()
    {
        // Written by the earlier layout: 3 sold, 1 refunded (restocked), 2 open; stock 10 - 3 + 1 = 8.
        await _books.PutItemAsync("OLD-W", "Widget", 8);
        var open = new SkuPosition { Sku = "OLD-W", Item = "OLD-W", Description = "OLD-W", TaxRate = 18, Rate = 100, Quantity = 2, Taxable = 200, Taxes = [new("CGST", 9, 18), new("SGST", 9, 18)] };
        var legacy = new OrderState
        {
            ConnectionId = _connection, ExternalId = "OLD-1", SaleNumber = "SV/26-27/999001", PlaceOfSupply = "29",
            Lines = new(StringComparer.Ordinal) { ["OLD-W"] = open }, Vouchers = ["SV/26-27/999001", "CN/26-27/999001"],
        };
        Assert.NotNull(await host.Service<OrderStore>().TrySaveAsync(legacy, null, CancellationToken.None));

        // A platform snapshot read gross of refunds (3 as sold): nothing is billed again, nothing moves.
        var same = await Poster.PostAsync(Event(EventKind.Update, _connection, "OLD-1", "2026-06-05", [L("OLD-W", 3, 100, 18)], "29"), CancellationToken.None);
        Assert.Empty(same.VoucherNumbers);
        Assert.Equal(8m, await _books.StockAsync("OLD-W"));
        // Later events post as usual: a refund of one more unit, and the next snapshot that adds one.
        var refund = await PostOneAsync(Event(EventKind.Refund, _connection, "OLD-1", "2026-06-06", [L("OLD-W", 1, 100, 0)], refundId: "R2"));
        Assert.Equal(118m, refund.Totals.Total);
        Assert.Equal(9m, await _books.StockAsync("OLD-W"));
        var dn = await PostOneAsync(Event(EventKind.Update, _connection, "OLD-1", "2026-06-07", [L("OLD-W", 4, 100, 18)], "29"));
        Assert.Equal((VoucherType.DebitNote, 118m), (dn.Type, dn.Totals.Total));
        Assert.Equal(8m, await _books.StockAsync("OLD-W"));
    }

    [Fact]
    public async Task Events_for_an_order_whose_sale_has_not_arrived_are_held_with_that_reason()
    {
        foreach (var kind in new[] { EventKind.Update, EventKind.Refund, EventKind.Cancel })
        {
            var outcome = await Poster.PostAsync(Event(kind, _connection, "NEVER-SOLD", "2026-06-01", [L("X", 1, 1, 0)], refundId: "R"), CancellationToken.None);
            Assert.Equal("held", outcome.Status);
            Assert.Empty(outcome.VoucherNumbers);
            Assert.StartsWith("Waiting for the sale of order NEVER-SOLD", outcome.Note);
        }
    }

    [Fact]
    public async Task The_same_event_posted_twice_or_concurrently_makes_one_voucher_and_one_stock_move()
    {
        await _books.PutItemAsync("DUP-W", "Widget", 10);
        var sale = Event(EventKind.Sale, _connection, "DUP-1", "2026-06-01", [L("DUP-W", 2, 100, 18)], "29");
        var first = await Poster.PostAsync(sale, CancellationToken.None);
        var second = await Poster.PostAsync(sale, CancellationToken.None);
        Assert.Equal(first.VoucherNumbers, second.VoucherNumbers);

        var refund = Event(EventKind.Refund, _connection, "DUP-1", "2026-06-02", [L("DUP-W", 1, 100, 0)], refundId: "R1");
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Poster.PostAsync(refund, CancellationToken.None)));
        Assert.Single(outcomes.Select(o => Assert.Single(o.VoucherNumbers)).Distinct());

        var (order, _) = await host.Service<OrderStore>().GetAsync(_connection, "DUP-1", CancellationToken.None);
        Assert.Equal(2, order!.Vouchers.Count);
        Assert.Null(order.Pending);
        Assert.Equal(9m, await _books.StockAsync("DUP-W"));
    }

    [Fact]
    public async Task A_worker_that_died_after_writing_its_intent_and_voucher_is_finished_by_the_redelivery()
    {
        await _books.PutItemAsync("CRASH-W", "Widget", 10);
        var sale = Event(EventKind.Sale, _connection, "CRASH-1", "2026-06-01", [L("CRASH-W", 3, 100, 18)], "29");
        // Replay the first steps of a post by hand, as a worker that crashed right after writing the voucher would leave them.
        var planner = new PostingPlanner(new TaxRules(new BooksOptions()), "INR");
        var items = await host.Service<SkuMapStore>().ResolveAllAsync(_connection, ["CRASH-W"], CancellationToken.None);
        var (order, plan) = planner.Plan(sale, null, items);
        Assert.NotNull(await host.Service<OrderStore>().TrySaveAsync(order with { Pending = plan }, null, CancellationToken.None));
        var written = await host.Service<VoucherStore>().PostAsync(plan.Vouchers[0], CancellationToken.None);

        var outcome = await Poster.PostAsync(sale, CancellationToken.None);
        Assert.Equal([written], outcome.VoucherNumbers);
        Assert.Equal(7m, await _books.StockAsync("CRASH-W"));
        var (after, _) = await host.Service<OrderStore>().GetAsync(_connection, "CRASH-1", CancellationToken.None);
        Assert.Null(after!.Pending);
        Assert.Equal([written], after.Vouchers);
    }

    [Fact]
    public async Task A_second_sale_event_for_an_order_that_exists_is_planned_against_its_row_and_posts_only_the_difference()
    {
        // A sale tries to insert the order row without reading it: here the row exists, so the insert fails and the row decides.
        await _books.PutItemAsync("AGAIN-W", "Widget", 10);
        var first = await PostOneAsync(Event(EventKind.Sale, _connection, "AGAIN-1", "2026-06-01", [L("AGAIN-W", 2, 100, 18)], "29"));
        var restated = await PostOneAsync(Event(EventKind.Sale, _connection, "AGAIN-1", "2026-06-02", [L("AGAIN-W", 3, 100, 18)], "29"));

        Assert.Equal(VoucherType.DebitNote, restated.Type);
        Assert.Equal(first.Number, restated.LinkedTo);
        Assert.Equal(100m, restated.Totals.Taxable);
        Assert.Equal(7m, await _books.StockAsync("AGAIN-W"));
        var (order, _) = await host.Service<OrderStore>().GetAsync(_connection, "AGAIN-1", CancellationToken.None);
        Assert.Equal(first.Number, order!.SaleNumber);
        Assert.Equal([first.Number, restated.Number], order.Vouchers);
        Assert.Null(order.Pending);
    }

    [Fact]
    public async Task A_sale_that_would_be_refused_as_new_is_answered_by_the_order_it_restates()
    {
        // Planned as a new order first (no read); refused that way, it is planned again against the row that exists.
        await PostOneAsync(Event(EventKind.Sale, _connection, "AGAIN-2", "2026-06-01", [L("AGAIN-X", 1, 100, 18)], "29"));
        var e = await Assert.ThrowsAsync<PostingRejectedException>(() => Poster.PostAsync(Event(EventKind.Sale, _connection, "AGAIN-2", "2026-06-02", []), CancellationToken.None));
        Assert.Equal("The update of order AGAIN-2 has no lines; send a cancellation to void an order.", e.Message);
        var fresh = await Assert.ThrowsAsync<PostingRejectedException>(() => Poster.PostAsync(Event(EventKind.Sale, _connection, "AGAIN-3", "2026-06-02", []), CancellationToken.None));
        Assert.Equal("The sale of order AGAIN-3 has no lines.", fresh.Message);
        Assert.Null((await host.Service<OrderStore>().GetAsync(_connection, "AGAIN-3", CancellationToken.None)).Order);
    }

    [Fact]
    public async Task A_first_sale_redelivered_after_its_intent_insert_finishes_that_intent_and_never_posts_twice()
    {
        // The insert-first path must not win over an intent a crashed worker left: the redelivery's insert fails (409),
        // it reads the row, finishes the pending plan (one voucher, one move) and answers with its number.
        await _books.PutItemAsync("INTENT-W", "Widget", 10);
        var sale = Event(EventKind.Sale, _connection, "INTENT-1", "2026-06-01", [L("INTENT-W", 4, 100, 18)], "29");
        var planner = new PostingPlanner(new TaxRules(new BooksOptions()), "INR");
        var items = await host.Service<SkuMapStore>().ResolveAllAsync(_connection, ["INTENT-W"], CancellationToken.None);
        var (order, plan) = planner.Plan(sale, null, items);
        Assert.NotNull(await host.Service<OrderStore>().TrySaveAsync(order with { Pending = plan }, null, CancellationToken.None));

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => Poster.PostAsync(sale, CancellationToken.None))));
        var number = Assert.Single(outcomes.Select(o => Assert.Single(o.VoucherNumbers)).Distinct());
        Assert.Equal(6m, await _books.StockAsync("INTENT-W"));
        var (after, _) = await host.Service<OrderStore>().GetAsync(_connection, "INTENT-1", CancellationToken.None);
        Assert.Null(after!.Pending);
        Assert.Equal([number], after.Vouchers);
        Assert.Equal([number], after.Applied[sale.EventId]);
    }

    [Fact]
    public async Task Test_orders_post_in_the_test_series_without_moving_stock()
    {
        await _books.PutItemAsync("TST-W", "Widget", 10);
        var v = await PostOneAsync(Event(EventKind.Sale, _connection, "TEST-123", "2026-06-01", [L("TST-W", 2, 100, 18)], "29"));
        Assert.True(v.IsTest);
        Assert.StartsWith("TSV/26-27/", v.Number);
        var cn = await PostOneAsync(Event(EventKind.Refund, _connection, "TEST-123", "2026-06-02", [L("TST-W", 1, 100, 0)], refundId: "R1"));
        Assert.StartsWith("TCN/26-27/", cn.Number);
        Assert.Equal(10m, await _books.StockAsync("TST-W"));
    }

    [Fact]
    public async Task Product_events_upsert_the_item_and_set_its_stock_without_a_voucher()
    {
        var product = new CanonicalEvent
        {
            EventId = "ev_" + Guid.NewGuid().ToString("N"), Kind = EventKind.Product, ConnectionId = _connection, ExternalId = "PROD-1", Date = new DateOnly(2026, 6, 1),
            Lines = [new CanonicalLine { Sku = "PROD-1", Description = "Blue mug", Rate = 250, StockLevel = 42 }],
        };
        var outcome = await Poster.PostAsync(product, CancellationToken.None);
        Assert.Empty(outcome.VoucherNumbers);
        var item = await host.AdminJsonAsync(HttpMethod.Get, "/api/manage/items/PROD-1");
        Assert.Equal("Blue mug", item.GetProperty("name").GetString());
        Assert.Equal(250m, item.GetProperty("price").GetDecimal());
        Assert.Equal(42m, item.GetProperty("stock").GetDecimal());
    }

    [Fact]
    public async Task Customers_are_found_or_created_by_their_normalised_key_and_list_their_vouchers()
    {
        var customer = new Customer { Key = " Asha@Example.COM ", Name = "Asha Rao", Email = "asha@example.com", Country = "IN" };
        var a = await PostOneAsync(Event(EventKind.Sale, _connection, "CUST-1", "2026-06-01", [L("CU-A", 1, 100, 18)], "29", customer: customer));
        var b = await PostOneAsync(Event(EventKind.Sale, _connection, "CUST-2", "2026-06-01", [L("CU-A", 1, 100, 18)], "29", customer: customer with { Key = "asha@example.com" }));
        var walkIn = await PostOneAsync(Event(EventKind.Sale, _connection, "CUST-3", "2026-06-01", [L("CU-A", 1, 100, 18)], "29", customer: new Customer { Name = "Walk-in" }));
        Assert.Equal("Walk-in", walkIn.Customer);
        var list = await host.AdminJsonAsync(HttpMethod.Get, "/api/manage/customers");
        var asha = Assert.Single(list.EnumerateArray(), c => c.GetProperty("key").GetString() == "asha@example.com");
        Assert.Equal("Asha Rao", asha.GetProperty("name").GetString());
        Assert.Equal(new[] { a.Number, b.Number }, asha.GetProperty("vouchers").EnumerateArray().Select(v => v.GetString()).Order());
        Assert.DoesNotContain(list.EnumerateArray(), c => c.GetProperty("name").GetString() == "Walk-in");
    }
}
