using System.Text;
using System.Text.Json.Nodes;
using Connectors.Connections;
using Connectors.Ingest;
using Connectors.Sources;
using Connectors.Sources.WooCommerce;
using Connectors.Tests.Fixtures;

namespace Connectors.Tests.Sources.WooCommerce;

/// <summary>Each WooCommerce topic's sample (REST docs and frappe fixture shapes) mapped to canonical events.</summary>
public sealed class WooMappingTests
{
    static readonly DateTimeOffset Now = new(2026, 5, 25, 12, 0, 0, TimeSpan.Zero);
    readonly WooCommerceSource _source = new();

    SourceMapping Map(string? topic, byte[] body) =>
        _source.Map(ShopSamples.Connection(Platform.WooCommerce), topic is null ? ShopSamples.Headers(("X-WC-Webhook-Delivery-ID", "d-1")) : ShopSamples.Headers(("X-WC-Webhook-Topic", topic), ("X-WC-Webhook-Delivery-ID", "d-1")), body, Now);

    static IReadOnlyList<EventDraft> Drafts(SourceMapping m) => Assert.IsType<SourceMapping.Events>(m).Drafts;

    [Fact]
    public void Order_created_in_processing_is_the_sale_with_fallback_skus_decoded_names_and_shipping()
    {
        var m = Map("order.created", ShopSamples.Bytes("woocommerce", "order-created.json"));
        // Woo's delivery id repeats within a second (wp_hash of webhook id and time): never a dedupe key.
        Assert.Null(Assert.IsType<SourceMapping.Events>(m).DeliveryKey);
        var d = Assert.Single(Drafts(m));
        Assert.Equal("sale|727", d.DedupeKey);
        var e = d.Event;
        Assert.Equal((EventKind.Sale, "727", (string?)null), (e.Kind, e.ExternalId, e.OrderName));
        Assert.Equal(new DateOnly(2017, 3, 22), e.Date);
        Assert.Equal(("USD", "US", "96"), (e.Currency, e.Country, e.PlaceOfSupply));
        Assert.Equal("john.doe@example.com", e.Customer!.Key);
        Assert.Equal("John Doe", e.Customer.Name);
        Assert.False(e.PricesIncludeTax);
        Assert.Equal(["woo:93", "Bar3", "shipping"], e.Lines.Select(l => l.Sku));
        var single = e.Lines[0];
        // No rate_percent in this (3.0) payload: the rate is the stated tax over the amount, 0.45 / 6.00.
        Assert.Equal((2m, 3m, 0m, 7.5m, 0.45m), (single.Quantity, single.Rate, single.Discount, single.TaxRate, single.TaxAmount));
        Assert.Equal("Ship Your Idea – Color: Black, Size: M Test", e.Lines[1].Description);
        var shipping = e.Lines[2];
        Assert.Equal((1m, 10.00m, true, "Flat Rate"), (shipping.Quantity, shipping.Rate, shipping.IsService, shipping.Description));
    }

    [Fact]
    public void A_variation_without_sku_maps_to_product_and_variation_ids()
    {
        var body = ShopSamples.Edited("woocommerce", "order-created.json", o => o["line_items"]![1]!["sku"] = "");
        Assert.Equal("woo:22:23", Drafts(Map("order.created", body))[0].Event.Lines[1].Sku);
    }

    [Fact]
    public void A_coupon_is_the_line_discount_and_tax_rates_come_from_rate_percent()
    {
        var e = Assert.Single(Drafts(Map("order.created", ShopSamples.Bytes("woocommerce", "order-created--coupon-shipping.json")))).Event;
        Assert.Equal(("312", "INR", "IN", "29"), (e.ExternalId, e.Currency, e.Country, e.PlaceOfSupply));
        // The GSTIN from the order meta is the customer key, normalised; the e-mail is lower-cased.
        Assert.Equal("29AABCR1234K1Z5", e.Customer!.Key);
        Assert.Equal("asha.rao@example.in", e.Customer.Email);
        var item = e.Lines[0];
        Assert.Equal(("COFFEE-500", 2m, 500.00m, 100.00m, 18m, 162.00m), (item.Sku, item.Quantity, item.Rate, item.Discount, item.TaxRate, item.TaxAmount));
        var shipping = e.Lines[1];
        Assert.Equal(("shipping", 50.00m, 18m, 9.00m, true), (shipping.Sku, shipping.Rate, shipping.TaxRate, shipping.TaxAmount, shipping.IsService));
        // Lines add up to the order total: 2 × 500 − 100 + 162 + 50 + 9 = 1121.00.
        Assert.Equal(1121.00m, e.Lines.Sum(l => l.Quantity * l.Rate - l.Discount + l.TaxAmount!.Value));
    }

    [Fact]
    public void A_negative_fee_is_a_discount_spread_over_the_items_with_its_tax()
    {
        // Woo allows negative fees and splits their tax over the items: 1121.00 - 50.00 - 9.00 = 1062.00 charged.
        var body = ShopSamples.Edited("woocommerce", "order-created--coupon-shipping.json", o =>
        {
            o["fee_lines"] = JsonNode.Parse("""[{"id":9,"name":"Loyalty discount","total":"-50.00","total_tax":"-9.00","taxes":[]}]""");
            o["total"] = "1062.00";
        });
        var e = Assert.Single(Drafts(Map("order.created", body))).Event;
        Assert.Equal(["COFFEE-500", "shipping"], e.Lines.Select(l => l.Sku));
        // The one item takes it all: discount 100 + 50 = 150, tax 162 - 9 = 153.
        Assert.Equal((150.00m, 153.00m), (e.Lines[0].Discount, e.Lines[0].TaxAmount));
        Assert.Equal(1062.00m, e.Lines.Sum(l => l.Quantity * l.Rate - l.Discount + l.TaxAmount!.Value));

        var tooMuch = ShopSamples.Edited("woocommerce", "order-created--coupon-shipping.json", o =>
            o["fee_lines"] = JsonNode.Parse("""[{"id":9,"name":"Oops","total":"-5000.00","total_tax":"0","taxes":[]}]"""));
        Assert.Contains("fee_lines", Assert.IsType<SourceMapping.Invalid>(Map("order.created", tooMuch)).Error);
    }

    [Fact]
    public void A_tax_inclusive_shop_is_mapped_on_gross_amounts()
    {
        var body = ShopSamples.Edited("woocommerce", "order-created--coupon-shipping.json", o => o["prices_include_tax"] = true);
        var e = Assert.Single(Drafts(Map("order.created", body))).Event;
        Assert.True(e.PricesIncludeTax);
        var item = e.Lines[0];
        // Gross: (1000 + 180) / 2 = 590 per unit; discount (1000 + 180) − (900 + 162) = 118.
        Assert.Equal((590.00m, 118.00m, 162.00m), (item.Rate, item.Discount, item.TaxAmount));
        Assert.Equal(59.00m, e.Lines[1].Rate);
    }

    [Fact]
    public void On_hold_orders_are_recorded_and_post_once_an_update_brings_them_to_processing()
    {
        var recorded = Assert.IsType<SourceMapping.Recorded>(Map("order.created", ShopSamples.Bytes("woocommerce", "order-created--on-hold.json")));
        Assert.Equal("205", recorded.ExternalId);
        Assert.Contains("on-hold", recorded.Status);
        Assert.IsType<SourceMapping.Recorded>(Map("order.updated", ShopSamples.Bytes("woocommerce", "order-created--on-hold.json")));

        var drafts = Drafts(Map("order.updated", ShopSamples.Bytes("woocommerce", "order-updated--on-hold-to-processing.json")));
        Assert.Equal(["sale|205", "update|205|2021-11-30T08:40:00"], drafts.Select(d => d.DedupeKey));
        var sale = drafts[0].Event;
        Assert.Equal(EventKind.Sale, sale.Kind);
        // No shipping address: the billing state (MH) is the place of supply.
        Assert.Equal("27", sale.PlaceOfSupply);
        Assert.Equal(("woo-album", 15.00m, 18m, 2.70m), (sale.Lines[0].Sku, sale.Lines[0].Rate, sale.Lines[0].TaxRate, sale.Lines[0].TaxAmount));
        Assert.Equal(EventKind.Update, drafts[1].Event.Kind);
    }

    /// <summary>The on-hold order (a bank transfer) placed on 20 March 2026 and paid on 15 April 2026 (site time IST, +05:30).</summary>
    static byte[] PlacedInMarchPaidInApril(bool withDatePaid) => ShopSamples.Edited("woocommerce", "order-updated--on-hold-to-processing.json", o =>
    {
        o["date_created"] = "2026-03-20T10:00:00";
        o["date_created_gmt"] = "2026-03-20T04:30:00";
        o["date_modified"] = "2026-04-15T11:30:00";
        o["date_modified_gmt"] = "2026-04-15T06:00:00";
        if (withDatePaid)
        {
            o["date_paid"] = "2026-04-15T11:29:58";
            o["date_paid_gmt"] = "2026-04-15T05:59:58";
        }
    });

    [Fact]
    public void A_sale_is_dated_when_it_was_paid_date_paid_else_the_delivery_that_first_shows_it_processing()
    {
        // date_paid in the site's time zone is the voucher date; date_paid_gmt the moment (dated in Books:TimeZone when set).
        var paid = Drafts(Map("order.updated", PlacedInMarchPaidInApril(withDatePaid: true)))[0].Event;
        Assert.Equal(EventKind.Sale, paid.Kind);
        Assert.Equal(new DateOnly(2026, 4, 15), paid.Date);
        Assert.Equal(new DateTimeOffset(2026, 4, 15, 5, 59, 58, TimeSpan.Zero), paid.DateUtc);
        Assert.Equal("26-27", Connectors.Books.FinancialYear.Label(paid.Date, 4));

        // No date_paid (as in WooCommerce's own on-hold → processing payload): this delivery's date_modified.
        var moved = Drafts(Map("order.updated", PlacedInMarchPaidInApril(withDatePaid: false)))[0].Event;
        Assert.Equal(new DateOnly(2026, 4, 15), moved.Date);
        Assert.Equal(new DateTimeOffset(2026, 4, 15, 6, 0, 0, TimeSpan.Zero), moved.DateUtc);

        // A completed order without date_paid is dated by date_completed.
        var completed = Drafts(Map("order.updated", ShopSamples.Edited("woocommerce", "order-updated--on-hold-to-processing.json", o =>
        {
            o["status"] = "completed";
            o["date_completed"] = "2026-04-02T09:00:00";
            o["date_completed_gmt"] = "2026-04-02T03:30:00";
            o["date_modified"] = "2026-04-20T09:00:00";
        })))[0].Event;
        Assert.Equal(new DateOnly(2026, 4, 2), completed.Date);
        Assert.Equal(new DateTimeOffset(2026, 4, 2, 3, 30, 0, TimeSpan.Zero), completed.DateUtc);

        // A sale late in the site's 31 March is a sale of 1 April in books kept on Asia/Kolkata time.
        var lateUtc = Drafts(Map("order.created", ShopSamples.Edited("woocommerce", "order-created.json", o =>
        {
            o["date_paid"] = "2026-03-31T20:00:00";
            o["date_paid_gmt"] = "2026-03-31T23:00:00";
        })))[0].Event;
        Assert.Equal(new DateOnly(2026, 3, 31), lateUtc.Date);
        var planner = new Connectors.Books.PostingPlanner(new Connectors.Books.TaxRules(new Connectors.Books.BooksOptions()), "INR", TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata"));
        Assert.Equal(new DateOnly(2026, 4, 1), planner.DateOf(lateUtc));
    }

    [Fact]
    public void Order_updated_without_refunds_is_the_sale_key_again_plus_a_snapshot()
    {
        var drafts = Drafts(Map("order.updated", ShopSamples.Bytes("woocommerce", "order-updated.json")));
        Assert.Equal(["sale|727", "update|727|2017-03-22T19:30:35"], drafts.Select(d => d.DedupeKey));
        Assert.Equal(3, drafts[1].Event.Lines.Count);
        Assert.Equal(new DateOnly(2017, 3, 22), drafts[1].Event.Date);
    }

    static decimal Credited(CanonicalLine l) => l.Quantity * l.Rate - l.Discount + (l.TaxAmount ?? 0);

    [Fact]
    public void Each_listed_refund_is_a_value_credit_spread_over_the_lines_to_the_cent_without_restock()
    {
        var drafts = Drafts(Map("order.updated", ShopSamples.Bytes("woocommerce", "order-updated--refunds.json")));
        // The sale and the snapshot (lines as ordered: gross of the refunds listed beside them), which carries one value refund per id.
        Assert.Equal(["sale|723", "update|723|2017-03-21T19:54:51"], drafts.Select(d => d.DedupeKey));
        Assert.Equal(drafts[0].Event.Lines.Select(l => (l.Sku, l.Quantity)), drafts[1].Event.Lines.Select(l => (l.Sku, l.Quantity)));
        Assert.Equal(new DateTimeOffset(2017, 3, 21, 19, 54, 51, TimeSpan.Zero), drafts[1].Event.Version);
        var refunds = drafts[1].Event.Refunds;
        Assert.Equal(["726", "724"], refunds.Select(r => r.RefundId));
        var r724 = refunds[1];
        Assert.True(r724.ValueOnly);
        Assert.Equal((EventKind.Refund, "723", "724"), (r724.Kind, r724.ExternalId, r724.RefundId));
        Assert.Equal(["woo:87", "woo:34", "shipping"], r724.Lines.Select(l => l.Sku));
        Assert.All(r724.Lines, l => Assert.False(l.Restock));
        // Refund 724 (the first by id, 9.00 of 39.00) takes 9/39 of each line to the cent, largest remainders first:
        // exact 2.0769 / 4.6154 / 2.3077 -> 2.08 + 4.61 + 2.31 = 9.00.
        Assert.Equal([2.08m, 4.61m, 2.31m], r724.Lines.Select(Credited));
        Assert.Equal([0.231111m, 0.2305m, 0.231m], r724.Lines.Select(l => l.Quantity));
        Assert.Equal(10.00m, refunds[0].Lines.Sum(Credited));
    }

    [Fact]
    public void Refunds_adding_up_to_the_order_total_credit_every_line_exactly_in_full()
    {
        var body = ShopSamples.Edited("woocommerce", "order-updated--refunds.json", o =>
            o["refunds"] = JsonNode.Parse("""[{"id":801,"reason":"","total":"-13.00"},{"id":802,"reason":"","total":"-13.00"},{"id":803,"reason":"","total":"-13.00"}]"""));
        var refunds = Drafts(Map("order.updated", body)).Single(d => d.Event.Kind == EventKind.Update).Event.Refunds.Select(r => new { Event = r }).ToList();
        Assert.Equal(3, refunds.Count);
        Assert.All(refunds, r => Assert.Equal(13.00m, r.Event.Lines.Sum(Credited)));
        foreach (var (sku, value) in new[] { ("woo:87", 9.00m), ("woo:34", 20.00m), ("shipping", 10.00m) })
        {
            Assert.Equal(1m, refunds.Sum(r => r.Event.Lines.Single(l => l.Sku == sku).Quantity));
            Assert.Equal(value, refunds.Sum(r => Credited(r.Event.Lines.Single(l => l.Sku == sku))));
        }
    }

    [Fact]
    public void A_refund_of_a_taxed_order_credits_tax_in_the_same_share()
    {
        var body = ShopSamples.Edited("woocommerce", "order-created--coupon-shipping.json", o =>
        {
            o["status"] = "completed";
            o["refunds"] = JsonNode.Parse("""[{"id":990,"reason":"damaged","total":"-560.50"}]""");
        });
        var refund = Assert.Single(Drafts(Map("order.updated", body)).Single(d => d.Event.Kind == EventKind.Update).Event.Refunds);
        Assert.Equal(("990", "damaged"), (refund.RefundId, refund.SourceStatus));
        // Half of 1121.00: the coffee line 531.00 (450.00 + 81.00 tax), shipping 29.50 (25.00 + 4.50).
        Assert.Equal([531.00m, 29.50m], refund.Lines.Select(Credited));
        Assert.Equal([81.00m, 4.50m], refund.Lines.Select(l => l.TaxAmount!.Value));
        Assert.Equal([1m, 0.5m], refund.Lines.Select(l => l.Quantity));
    }

    [Fact]
    public void Cancelled_after_payment_is_a_cancel_and_unpaid_cancellations_are_recorded()
    {
        var d = Assert.Single(Drafts(Map("order.updated", ShopSamples.Bytes("woocommerce", "order-updated--cancelled.json"))));
        Assert.Equal(("cancel|727", EventKind.Cancel), (d.DedupeKey, d.Event.Kind));
        var unpaid = ShopSamples.Edited("woocommerce", "order-updated--cancelled.json", o => { o["date_paid"] = null; o["payment_method"] = "stripe"; });
        Assert.IsType<SourceMapping.Recorded>(Map("order.updated", unpaid));
    }

    [Fact]
    public void Order_deleted_and_restored_move_an_order_to_and_from_the_trash_and_change_no_books()
    {
        // order.deleted fires on wp_trash_post (class-wc-webhook.php): a trashed order is not a cancelled one.
        var trashed = Assert.IsType<SourceMapping.Recorded>(Map("order.deleted", ShopSamples.Bytes("woocommerce", "order-deleted.json")));
        Assert.Equal("727", trashed.ExternalId);
        Assert.Contains("not a cancellation", trashed.Status);
        var restored = Assert.IsType<SourceMapping.Recorded>(Map("order.restored", ShopSamples.Bytes("woocommerce", "order-deleted.json")));
        Assert.Equal("727", restored.ExternalId);
    }

    [Fact]
    public void Product_updated_sets_name_price_and_managed_stock()
    {
        var d = Assert.Single(Drafts(Map("product.updated", ShopSamples.Bytes("woocommerce", "product-updated.json"))));
        Assert.Equal("product|794|2017-03-24T12:12:40", d.DedupeKey);
        var line = Assert.Single(d.Event.Lines);
        Assert.Equal(("PQ-19", "Premium Quality", 21.99m, (decimal?)40m), (line.Sku, line.Description, line.Rate, line.StockLevel));
        var unmanaged = ShopSamples.Edited("woocommerce", "product-updated.json", p => { p["manage_stock"] = false; p["sku"] = ""; });
        var l2 = Assert.Single(Assert.Single(Drafts(Map("product.created", unmanaged))).Event.Lines);
        Assert.Equal(("woo:794", (decimal?)null), (l2.Sku, l2.StockLevel));
        var variation = ShopSamples.Edited("woocommerce", "product-updated.json", p => { p["type"] = "variation"; p["parent_id"] = 790; p["sku"] = ""; p["manage_stock"] = "parent"; });
        var l3 = Assert.Single(Assert.Single(Drafts(Map("product.updated", variation))).Event.Lines);
        Assert.Equal(("woo:790:794", (decimal?)40m), (l3.Sku, l3.StockLevel));
    }

    [Fact]
    public void The_seed_body_without_a_topic_posts_a_sale()
    {
        var d = Assert.Single(Drafts(Map(null, ShopSamples.Bytes("woocommerce", "no-topic--seed-002.json"))));
        Assert.Equal("sale|9999", d.DedupeKey);
        var e = d.Event;
        Assert.Equal(("jane@example.com", "Jane Doe"), (e.Customer!.Key, e.Customer.Name));
        Assert.Equal(DateOnly.FromDateTime(Now.UtcDateTime), e.Date);
        var line = Assert.Single(e.Lines);
        Assert.Equal(("woo:42", "Sample Product", 1m, 19.99m, 0m), (line.Sku, line.Description, line.Quantity, line.Rate, line.Discount));
        Assert.Null(line.TaxAmount);
    }

    [Fact]
    public void Unknown_topics_are_ignored_and_shapeless_bodies_are_invalid()
    {
        Assert.IsType<SourceMapping.Ignored>(Map("coupon.created", Encoding.UTF8.GetBytes("""{"id":1}""")));
        Assert.IsType<SourceMapping.Invalid>(Map(null, Encoding.UTF8.GetBytes("""{"hello":"world"}""")));
    }

    [Theory]
    [InlineData("quantity", "\"two\"", "line_items[0].quantity")]
    [InlineData("quantity", "null", "line_items[0].quantity is required")]
    [InlineData("total", "\"1,5\"", "line_items[0].total")]
    public void A_bad_line_field_is_named_in_the_error(string field, string json, string expected)
    {
        var body = ShopSamples.Edited("woocommerce", "order-created.json", o => o["line_items"]![0]![field] = JsonNode.Parse(json));
        var invalid = Assert.IsType<SourceMapping.Invalid>(Map("order.created", body));
        Assert.Contains(expected, invalid.Error);
        Assert.Equal("727", invalid.ExternalId);
    }

    [Fact]
    public void A_line_of_a_deleted_product_keeps_its_line_id_and_one_with_no_id_at_all_is_invalid()
    {
        var body = ShopSamples.Edited("woocommerce", "order-created.json", o => o["line_items"]![0]!["product_id"] = 0);
        Assert.Equal("woo:item:315", Assert.Single(Drafts(Map("order.created", body))).Event.Lines[0].Sku);
        body = ShopSamples.Edited("woocommerce", "order-created.json", o => { o["line_items"]![0]!["product_id"] = 0; o["line_items"]![0]!.AsObject().Remove("id"); });
        Assert.Contains("line_items[0] has neither a sku nor a product_id", Assert.IsType<SourceMapping.Invalid>(Map("order.created", body)).Error);
    }
}
