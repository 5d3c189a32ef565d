using System.Text;
using System.Text.Json.Nodes;
using Connectors.Books;
using Connectors.Connections;
using Connectors.Ingest;
using Connectors.Posting;
using Connectors.Sources;
using Connectors.Sources.Selldone;
using Connectors.Sources.Shopify;
using Connectors.Sources.WooCommerce;
using Connectors.Tests.Fixtures;
using Microsoft.AspNetCore.Http;

namespace Connectors.Tests.Sources;

/// <summary>
/// Gift cards flagged by WooCommerce's gift-card extensions, round-off of refunds (Shopify's refund transactions,
/// WooCommerce's refund total) and of Selldone's final price, and the dates of edits, refunds and cancellations in the books' time zone: each platform's own payload shape mapped by its
/// source and planned by the posting engine (GST books, home state 29), with worked numbers. Pure: no storage.
/// </summary>
public sealed class SourceAccountingRulesTests
{
    static readonly DateTimeOffset Now = new(2026, 5, 25, 12, 0, 0, TimeSpan.Zero);
    static readonly TimeZoneInfo Kolkata = TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata");
    int _events;

    static PostingPlanner Planner(string currency = "INR", TimeZoneInfo? zone = null) =>
        new(new TaxRules(new BooksOptions { TaxRegime = "gst", HomeState = "29", Currency = currency }), currency, zone);

    /// <summary>The vouchers the event posts, and the order after it, as the poster would plan them.</summary>
    (List<Voucher> Vouchers, OrderState Order) Post(PostingPlanner planner, CanonicalEvent e, OrderState? order = null)
    {
        var items = e.Lines.Concat(e.Refunds.SelectMany(r => r.Lines)).Select(l => l.Sku).Distinct().ToDictionary(s => s, s => (string?)s);
        var (next, plan) = planner.Plan(e with { EventId = e.EventId is "" ? "ev" + ++_events : e.EventId, ConnectionId = "c1" }, order, items);
        return (plan.Vouchers, next with { SaleNumber = next.SaleNumber ?? "SV/26-27/000001", Vouchers = [.. next.Vouchers, .. plan.Vouchers.Select(v => v.Type)] });
    }

    static decimal Account(Voucher v, string account) => v.Journal.Where(j => j.Account == account).Sum(j => j.Debit - j.Credit);

    // ---------------------------------------------------------------- Shopify

    static SourceMapping Shopify(string topic, byte[] body) =>
        new ShopifySource().Map(ShopSamples.Connection(Platform.Shopify), ShopSamples.Headers(("X-Shopify-Topic", topic), ("X-Shopify-Webhook-Id", Guid.NewGuid().ToString())), body, Now);

    static CanonicalEvent One(SourceMapping m) => Assert.Single(PlatformSamples.Events(m).Drafts).Event;

    /// <summary>refunds/create of one unit of the India sample (118.00 incl. 18.00 GST), its transactions as given (amount, kind, status).</summary>
    static byte[] ShopifyRefund(string processedAt, params (string Amount, string Kind, string Status)[] transactions)
    {
        var line = JsonNode.Parse(ShopSamples.Bytes("shopify", "orders-create--india-inclusive.json"))!["line_items"]![0]!.DeepClone();
        return Encoding.UTF8.GetBytes(new JsonObject
        {
            ["id"] = 931800000301L, ["order_id"] = 5734112657458L, ["created_at"] = processedAt, ["processed_at"] = processedAt, ["restock"] = true,
            ["refund_line_items"] = new JsonArray(new JsonObject
            {
                ["id"] = 931800000401L, ["quantity"] = 1, ["line_item_id"] = 14107866775858L, ["restock_type"] = "return",
                ["subtotal"] = "118.00", ["total_tax"] = "18.00", ["line_item"] = line,
            }),
            ["transactions"] = new JsonArray([.. transactions.Select(t => (JsonNode)new JsonObject
            {
                ["id"] = 1, ["amount"] = t.Amount, ["kind"] = t.Kind, ["status"] = t.Status, ["currency"] = "INR", ["test"] = false, ["gateway"] = "manual",
            })]),
            ["order_adjustments"] = new JsonArray(),
        }.ToJsonString());
    }

    OrderState ShopifySale(PostingPlanner planner)
    {
        // 2 × 118.00 incl. 18 % GST to Karnataka, total_price 236.00: Sales 200.00, CGST 18.00, SGST 18.00.
        var (sale, order) = Post(planner, One(Shopify("orders/create", ShopSamples.Bytes("shopify", "orders-create--india-inclusive.json"))));
        Assert.Equal(236.00m, Assert.Single(sale).Totals.Total);
        return order;
    }

    [Fact]
    public void A_shopify_refund_meets_what_its_successful_refund_transactions_returned()
    {
        var planner = Planner();
        var order = ShopifySale(planner);
        // The unit is 118.00 (100.00 + 9.00 + 9.00); the shop returned 118.50 (a refund discrepancy of 0.50): Round off 0.50,
        // the credit note is 118.50 and shows Shopify's figure. A failed and a pending transaction returned nothing.
        var refund = One(Shopify("refunds/create", ShopifyRefund("2026-05-27T09:00:00+05:30", ("118.50", "refund", "success"), ("118.50", "refund", "failure"), ("5.00", "refund", "pending"))));
        Assert.Equal(118.50m, refund.PlatformTotal);
        var (cn, _) = Post(planner, refund, order);
        var v = Assert.Single(cn);
        Assert.Equal((118.50m, (decimal?)118.50m), (v.Totals.Total, v.PlatformTotal));
        Assert.Equal((100.00m, 9.00m, 9.00m, 0.50m), (Account(v, Journal.Sales), Account(v, "Output CGST"), Account(v, "Output SGST"), Account(v, Journal.RoundOff)));
        Assert.Equal(-118.50m, Account(v, Journal.Debtors));
        Assert.Equal(0m, Journal.Balance(v.Journal));

        // Returned 117.99: Round off -0.01, so the note credits 117.99 and the GST it reverses stays 9.00 + 9.00.
        var less = One(Shopify("refunds/create", ShopifyRefund("2026-05-27T09:00:00+05:30", ("117.99", "refund", "success"))));
        var lessNote = Assert.Single(Post(planner, less, order).Vouchers);
        Assert.Equal((117.99m, -0.01m, 9.00m), (lessNote.Totals.Total, Account(lessNote, Journal.RoundOff), Account(lessNote, "Output CGST")));

        // Exactly 118.00: no Round off line.
        var exact = Assert.Single(Post(planner, One(Shopify("refunds/create", ShopifyRefund("2026-05-27T09:00:00+05:30", ("118.00", "refund", "success")))), order).Vouchers);
        Assert.DoesNotContain(exact.Lines, l => l.Account == Journal.RoundOff);
    }

    [Fact]
    public void A_shopify_refund_beyond_the_round_off_limit_fails_with_both_figures_and_one_without_money_is_not_measured()
    {
        var planner = Planner();
        var order = ShopifySale(planner);
        // 120.01 returned for a 118.00 unit: 2.01 is more than the default limit of 1.00.
        var far = One(Shopify("refunds/create", ShopifyRefund("2026-05-27T09:00:00+05:30", ("120.01", "refund", "success"))));
        var e = Assert.Throws<PostingRejectedException>(() => Post(planner, far, order));
        Assert.Contains("credits 118.00 but the platform returned 120.01", e.Message);
        Assert.Contains("Books__RoundOffLimit", e.Message);
        // No successful refund transaction (a restock recorded without money): nothing to meet, the unit is credited as sold.
        var none = One(Shopify("refunds/create", ShopifyRefund("2026-05-27T09:00:00+05:30", ("118.00", "refund", "failure"))));
        Assert.Null(none.PlatformTotal);
        Assert.Equal(118.00m, Assert.Single(Post(planner, none, order).Vouchers).Totals.Total);
    }

    [Fact]
    public void A_shopify_refund_is_dated_in_the_books_time_zone_which_decides_its_year_and_the_gst_deadline()
    {
        // Refunded at 2027-03-31T20:00:00Z: 01:30 on 1 April in Asia/Kolkata, a credit note of the year 27-28.
        var planner = Planner(zone: Kolkata);
        var order = ShopifySale(planner);
        var refund = One(Shopify("refunds/create", ShopifyRefund("2027-03-31T20:00:00Z", ("118.00", "refund", "success"))));
        Assert.Equal(new DateTimeOffset(2027, 3, 31, 20, 0, 0, TimeSpan.Zero), refund.DateUtc);
        var v = Assert.Single(Post(planner, refund, order).Vouchers);
        Assert.Equal((new DateOnly(2027, 4, 1), "27-28"), (v.Date, FinancialYear.Label(v.Date, 4)));
        // Without Books__TimeZone it keeps the date Shopify wrote: 31 March, year 26-27.
        var plain = Assert.Single(Post(Planner(), refund, ShopifySale(Planner())).Vouchers);
        Assert.Equal((new DateOnly(2027, 3, 31), "26-27"), (plain.Date, FinancialYear.Label(plain.Date, 4)));

        // Sold 25 May 2026 (year 26-27): GST may be reduced until 30 November 2027. Refunded at 2027-11-30T20:00:00Z, which
        // is 1 December in Kolkata: past CGST s.34(2), so the 118.00 goes to Sales returns and the GST stands.
        var late = One(Shopify("refunds/create", ShopifyRefund("2027-11-30T20:00:00Z", ("118.00", "refund", "success"))));
        var lateNote = Assert.Single(Post(planner, late, order).Vouchers);
        Assert.Equal((new DateOnly(2027, 12, 1), 0m, 118.00m), (lateNote.Date, lateNote.Totals.Tax, Account(lateNote, Journal.SalesReturns)));
        Assert.Contains("s.34(2)", lateNote.Note);
        var inTime = Assert.Single(Post(Planner(), late, ShopifySale(Planner())).Vouchers);
        Assert.Equal((new DateOnly(2027, 11, 30), 18.00m), (inTime.Date, inTime.Totals.Tax));
    }

    [Fact]
    public void Shopify_edits_and_cancellations_keep_their_moment_for_the_books_time_zone()
    {
        var update = Assert.Single(PlatformSamples.Events(Shopify("orders/updated", ShopSamples.Bytes("shopify", "orders-updated.json"))).Drafts).Event;
        // updated_at 2008-01-12T11:15:02-05:00; its listed refund processed_at 2008-01-12T11:15:00-05:00.
        Assert.Equal(new DateTimeOffset(2008, 1, 12, 16, 15, 2, TimeSpan.Zero), update.DateUtc);
        Assert.Equal(new DateTimeOffset(2008, 1, 12, 16, 15, 0, TimeSpan.Zero), Assert.Single(update.Refunds).DateUtc);
        var cancel = One(Shopify("orders/cancelled", ShopSamples.Bytes("shopify", "orders-cancelled.json")));
        // cancelled_at 2008-01-11T09:30:00-05:00: the shop's 11 January, 20:00 of 11 January in Kolkata.
        Assert.Equal(new DateTimeOffset(2008, 1, 11, 14, 30, 0, TimeSpan.Zero), cancel.DateUtc);
        Assert.Equal(new DateOnly(2008, 1, 11), Planner(zone: Kolkata).DateOf(cancel));
        Assert.Equal(new DateOnly(2008, 1, 12), Planner(zone: TimeZoneInfo.FindSystemTimeZoneById("Pacific/Kiritimati")).DateOf(cancel));
    }

    // ---------------------------------------------------------------- WooCommerce

    static SourceMapping Woo(string topic, byte[] body) =>
        new WooCommerceSource().Map(ShopSamples.Connection(Platform.WooCommerce), ShopSamples.Headers(("X-WC-Webhook-Topic", topic), ("X-WC-Webhook-Delivery-ID", "d-1")), body, Now);

    [Fact]
    public void A_woocommerce_refund_meets_its_amount_and_one_the_order_cannot_hold_fails_with_both_figures()
    {
        // The refunds sample: 9.00 + 20.00 + shipping 10.00 = total 39.00, refunds 724 (9.00) and 726 (10.00), spread over
        // the lines: each credit note is exactly the refund's amount and shows it.
        var planner = Planner("USD");
        var drafts = PlatformSamples.Events(Woo("order.updated", ShopSamples.Bytes("woocommerce", "order-updated--refunds.json"))).Drafts;
        var (sale, order) = Post(planner, drafts[0].Event);
        Assert.Equal((39.00m, (decimal?)39.00m), (Assert.Single(sale).Totals.Total, Assert.Single(sale).PlatformTotal));
        var update = drafts[1].Event;
        Assert.Equal([("724", (decimal?)9.00m), ("726", 10.00m)], update.Refunds.Select(r => (r.RefundId!, r.PlatformTotal)).OrderBy(x => x.Item1));
        var (notes, _) = Post(planner, update, order);
        Assert.Equal([(9.00m, (decimal?)9.00m), (10.00m, 10.00m)], notes.Select(n => (n.Totals.Total, n.PlatformTotal)));
        Assert.All(notes, n => Assert.DoesNotContain(n.Lines, l => l.Account == Journal.RoundOff));

        // A third refund of 25.00 when 20.00 is left: the spread can place 20.00 only, and the delivery fails with both figures.
        var body = ShopSamples.Edited("woocommerce", "order-updated--refunds.json", o => o["refunds"]!.AsArray().Add(new JsonObject { ["id"] = 730, ["reason"] = "", ["total"] = "-25.00" }));
        var over = PlatformSamples.Events(Woo("order.updated", body)).Drafts;
        var (_, fresh) = Post(planner, over[0].Event with { EventId = "ev-sale-2" });
        var e = Assert.Throws<PostingRejectedException>(() => Post(planner, over[1].Event, fresh));
        Assert.Contains("Refund 730 of order 723 credits 20.00 but the platform returned 25.00", e.Message);
    }

    [Fact]
    public void A_woocommerce_refund_edit_and_cancellation_are_dated_in_the_books_time_zone()
    {
        // A site on UTC completes the order on 31 March 2027 at 10:00 and refunds 9.00 at 20:00 (date_modified_gmt
        // 2027-03-31T20:00:00): in Asia/Kolkata that is 1 April, so the credit note is of the year 27-28 and the sale of 26-27.
        var body = ShopSamples.Edited("woocommerce", "order-updated--refunds.json", o =>
        {
            o["date_completed"] = "2027-03-31T10:00:00"; o["date_completed_gmt"] = "2027-03-31T10:00:00";
            o["date_modified"] = "2027-03-31T20:00:00"; o["date_modified_gmt"] = "2027-03-31T20:00:00";
            o["refunds"] = new JsonArray(new JsonObject { ["id"] = 724, ["reason"] = "", ["total"] = "-9.00" });
        });
        var planner = Planner("USD", Kolkata);
        var drafts = PlatformSamples.Events(Woo("order.updated", body)).Drafts;
        var (sale, order) = Post(planner, drafts[0].Event);
        Assert.Equal(new DateOnly(2027, 3, 31), Assert.Single(sale).Date);
        var update = drafts[1].Event;
        Assert.Equal(new DateTimeOffset(2027, 3, 31, 20, 0, 0, TimeSpan.Zero), update.DateUtc);
        var cn = Assert.Single(Post(planner, update, order).Vouchers);
        Assert.Equal((new DateOnly(2027, 4, 1), "27-28"), (cn.Date, FinancialYear.Label(cn.Date, 4)));
        Assert.Equal(new DateOnly(2027, 4, 1), planner.DateOf(update));

        // order.updated to cancelled: date_modified_gmt 2017-03-23T12:00:00 is the moment (17:30 in Kolkata, same day; 24
        // March in Pacific/Kiritimati, UTC+14).
        var cancel = Assert.Single(PlatformSamples.Events(Woo("order.updated", ShopSamples.Bytes("woocommerce", "order-updated--cancelled.json"))).Drafts).Event;
        Assert.Equal((EventKind.Cancel, (DateTimeOffset?)new DateTimeOffset(2017, 3, 23, 12, 0, 0, TimeSpan.Zero)), (cancel.Kind, cancel.DateUtc));
        Assert.Equal(new DateOnly(2017, 3, 24), Planner("USD", TimeZoneInfo.FindSystemTimeZoneById("Pacific/Kiritimati")).DateOf(cancel));
    }

    /// <summary>The order-created sample (2 × 3.00 + 12.00 at 7.5 % state tax, shipping 10.00) plus a 50.00 gift card line carrying this meta key.</summary>
    static byte[] WooWithGiftCard(string metaKey) => ShopSamples.Edited("woocommerce", "order-created.json", o =>
    {
        o["line_items"]!.AsArray().Add(JsonNode.Parse($$"""
            {"id":317,"name":"Gift card","product_id":60,"variation_id":0,"quantity":1,"tax_class":"","subtotal":"50.00","subtotal_tax":"0.00",
             "total":"50.00","total_tax":"0.00","taxes":[],"sku":"GC-50","price":50,
             "meta_data":[{"id":2100,"key":"wc_gc_giftcard_to","value":"asha@example.in"},{"id":2101,"key":"{{metaKey}}","value":"50"}]}
            """));
        o["total"] = "79.35";
    });

    [Theory]
    [InlineData("wc_gc_giftcard_amount")] // WooCommerce Gift Cards (WC_GC_Gift_Card_Product::create_order_line_item)
    [InlineData("pw_gift_card_amount")] // PW WooCommerce Gift Cards (PWGC_AMOUNT_META_KEY)
    public void A_woocommerce_line_a_gift_card_extension_marks_is_a_liability_not_a_sale(string metaKey)
    {
        var sale = PlatformSamples.Events(Woo("order.created", WooWithGiftCard(metaKey))).Drafts[0].Event;
        Assert.Equal([false, false, true], sale.Lines.Where(l => !l.IsService).Select(l => l.IsGiftCard));
        // Goods 18.00 + shipping 10.00 to Sales, their tax 1.35, and the card's 50.00 to Gift card liability with no tax:
        // 79.35, Woo's total.
        var v = Assert.Single(Post(Planner("USD"), sale).Vouchers);
        Assert.Equal((79.35m, (decimal?)79.35m), (v.Totals.Total, v.PlatformTotal));
        Assert.Equal((-28.00m, -50.00m, 1.35m), (Account(v, Journal.Sales), Account(v, Journal.GiftCardLiability), v.Totals.Tax));
        var card = v.Lines.Single(l => l.Sku == "GC-50");
        Assert.Equal((Journal.GiftCardLiability, 0, (string?)null), (card.Account, card.Taxes.Count, card.Item));
        // A line without such meta (variation attributes only) stays a sale.
        Assert.DoesNotContain(PlatformSamples.Events(Woo("order.created", ShopSamples.Bytes("woocommerce", "order-created.json"))).Drafts[0].Event.Lines, l => l.IsGiftCard);
    }

    // ---------------------------------------------------------------- Selldone

    static SourceMapping Selldone(string body) => new SelldoneSource().Map(new Connection { Id = "c-sd", Platform = Platform.Selldone, Name = "Selldone shop" }, new HeaderDictionary(), Encoding.UTF8.GetBytes(body), Now);

    [Fact]
    public void A_selldone_sale_meets_the_bills_final_price_up_to_the_limit()
    {
        var planner = Planner("USD");
        // The sample: price 74.80 + tax 6.48 + tax_shipping 1.00 = final price 82.28, which the lines make exactly.
        var sale = One(Selldone(PlatformSamples.Text("selldone", "PaymentOrder.json")));
        Assert.Equal(82.28m, sale.PlatformTotal);
        var v = Assert.Single(Post(planner, sale).Vouchers);
        Assert.Equal((82.28m, (decimal?)82.28m), (v.Totals.Total, v.PlatformTotal));
        Assert.DoesNotContain(v.Lines, l => l.Account == Journal.RoundOff);

        // Selldone's price one cent above what its items and delivery make (74.81): final 82.29, Round off 0.01.
        var cent = One(Selldone(PlatformSamples.Edit("selldone", "PaymentOrder.json", o => o["basket"]!["price"] = 74.81m)));
        var rounded = Assert.Single(Post(planner, cent).Vouchers);
        Assert.Equal((82.29m, -0.01m), (rounded.Totals.Total, Account(rounded, Journal.RoundOff)));
        // A tax-inclusive basket: the tax is inside the price, so final = price + tax_shipping only.
        var inclusive = One(Selldone(PlatformSamples.Edit("selldone", "PaymentOrder.json", o => o["basket"]!["tax_included"] = true)));
        Assert.Equal(75.80m, inclusive.PlatformTotal);

        // 5.00 apart (price 79.80): the sale fails with both figures.
        var far = One(Selldone(PlatformSamples.Edit("selldone", "PaymentOrder.json", o => o["basket"]!["price"] = 79.80m)));
        var e = Assert.Throws<PostingRejectedException>(() => Post(planner, far));
        Assert.Contains("adds up to 82.28 but the platform charged 87.28", e.Message);
    }
}
