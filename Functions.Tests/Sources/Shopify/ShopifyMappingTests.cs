using System.Text;
using System.Text.Json.Nodes;
using Connectors.Connections;
using Connectors.Ingest;
using Connectors.Sources;
using Connectors.Sources.Shopify;
using Connectors.Tests.Fixtures;

namespace Connectors.Tests.Sources.Shopify;

/// <summary>Each Shopify topic's sample (real fixture shapes) mapped to canonical events, field by field.</summary>
public sealed class ShopifyMappingTests
{
    static readonly DateTimeOffset Now = new(2026, 5, 25, 12, 0, 0, TimeSpan.Zero);
    readonly ShopifySource _source = new();

    SourceMapping Map(string topic, byte[] body, string? saleOn = null, params (string, string)[] extra) =>
        _source.Map(ShopSamples.Connection(Platform.Shopify, saleOn: saleOn), ShopSamples.Headers([("X-Shopify-Topic", topic), ("X-Shopify-Webhook-Id", "wh-1"), .. extra]), body, Now);

    static EventDraft Single(SourceMapping m) => Assert.Single(Assert.IsType<SourceMapping.Events>(m).Drafts);

    /// <summary>An update's snapshot (the refunds it lists ride on it).</summary>
    static EventDraft Snapshot(SourceMapping m) => Single(m) is { Event.Kind: EventKind.Update } d ? d : throw new Xunit.Sdk.XunitException("the draft is not an update");

    [Fact]
    public void Orders_create_is_the_sale_with_each_line_its_tax_and_the_buyer()
    {
        var m = Map("orders/create", ShopSamples.Bytes("shopify", "orders-create.json"));
        var events = Assert.IsType<SourceMapping.Events>(m);
        Assert.Equal("webhook:wh-1", events.DeliveryKey);
        var d = Assert.Single(events.Drafts);
        Assert.Equal("sale|450789469", d.DedupeKey);
        var e = d.Event;
        Assert.Equal(EventKind.Sale, e.Kind);
        Assert.Equal("450789469", e.ExternalId);
        Assert.Equal("#1001", e.OrderName);
        Assert.Equal(new DateOnly(2008, 1, 10), e.Date);
        Assert.Equal("USD", e.Currency);
        Assert.Equal("US", e.Country);
        // Kentucky, US: outside India, GST's place of supply "96" (Other Country).
        Assert.Equal("96", e.PlaceOfSupply);
        Assert.False(e.PricesIncludeTax);
        Assert.False(e.IsTest);
        Assert.Equal("bob.norman@hostmail.com", e.Customer!.Key);
        Assert.Equal("Bob Norman", e.Customer.Name);
        // Free shipping (0.00, no tax) adds no line.
        Assert.Equal(["IPOD2008GREEN", "IPOD2008RED", "IPOD2008BLACK"], e.Lines.Select(l => l.Sku));
        var line = e.Lines[0];
        Assert.Equal(1m, line.Quantity);
        Assert.Equal(199.00m, line.Rate);
        Assert.Equal(6m, line.TaxRate);
        Assert.Equal(11.94m, line.TaxAmount);
        Assert.Equal(0m, line.Discount);
        Assert.Equal("IPod Nano - 8gb - green", line.Description);
        Assert.False(line.IsService);
    }

    [Fact]
    public void A_REST_style_wrapped_body_is_read_as_the_resource_inside()
    {
        var wrapped = Encoding.UTF8.GetBytes("{\"order\":" + Encoding.UTF8.GetString(ShopSamples.Bytes("shopify", "orders-create.json")) + "}");
        Assert.Equal("sale|450789469", Single(Map("orders/create", wrapped)).DedupeKey);
    }

    [Fact]
    public void Event_id_wins_over_webhook_id_as_the_delivery_key()
    {
        var m = Map("orders/create", ShopSamples.Bytes("shopify", "orders-create.json"), null, ("X-Shopify-Event-Id", "ev-9"));
        Assert.Equal("event:orders/create:ev-9", Assert.IsType<SourceMapping.Events>(m).DeliveryKey);
        // The same event id on another topic is another delivery to read, not a duplicate.
        var cancelled = Map("orders/cancelled", ShopSamples.Bytes("shopify", "orders-create.json"), null, ("X-Shopify-Event-Id", "ev-9"));
        Assert.Equal("event:orders/cancelled:ev-9", Assert.IsType<SourceMapping.Events>(cancelled).DeliveryKey);
    }

    [Fact]
    public void A_tax_inclusive_Indian_order_keeps_gross_prices_the_stated_tax_and_the_GST_state_code()
    {
        var e = Single(Map("orders/create", ShopSamples.Bytes("shopify", "orders-create--india-inclusive.json"))).Event;
        Assert.True(e.PricesIncludeTax);
        Assert.Equal("5734112657458", e.ExternalId);
        Assert.Equal("29", e.PlaceOfSupply);
        Assert.Equal("IN", e.Country);
        Assert.Equal("INR", e.Currency);
        Assert.Equal(new DateOnly(2026, 5, 25), e.Date);
        var line = Assert.Single(e.Lines);
        Assert.Equal(("TEA-ASSAM-250", 2m, 118.00m, 18m, 36.00m), (line.Sku, line.Quantity, line.Rate, line.TaxRate, line.TaxAmount));
    }

    [Fact]
    public void Ids_beyond_two_to_the_53_survive_exactly()
    {
        var body = ShopSamples.Edited("shopify", "orders-create.json", o => o["id"] = 820982911946154508L);
        Assert.Equal("820982911946154508", Single(Map("orders/create", body)).Event.ExternalId);
        // And written as a string, as some relays do.
        body = ShopSamples.Edited("shopify", "orders-create.json", o => o["id"] = "820982911946154509");
        Assert.Equal("820982911946154509", Single(Map("orders/create", body)).Event.ExternalId);
    }

    [Fact]
    public void SaleOn_decides_which_topic_creates_the_sale_and_the_other_is_only_recorded()
    {
        var create = ShopSamples.Bytes("shopify", "orders-create.json");
        var paid = ShopSamples.Bytes("shopify", "orders-paid.json");
        Assert.Equal("sale|450789469", Single(Map("orders/create", create, "create")).DedupeKey);
        Assert.IsType<SourceMapping.Recorded>(Map("orders/paid", paid, "create"));

        Assert.IsType<SourceMapping.Recorded>(Map("orders/create", create, "paid"));
        var sale = Single(Map("orders/paid", paid, "paid"));
        Assert.Equal("sale|450789469", sale.DedupeKey);
        Assert.Equal(EventKind.Sale, sale.Event.Kind);
        // Before payment an update of a saleOn=paid order has no sale to compare with: recorded, not queued.
        Assert.IsType<SourceMapping.Recorded>(Map("orders/updated", create, "paid"));
    }

    /// <summary>The India sample placed on 20 March 2026 (processed five seconds later) and paid on 15 April 2026.</summary>
    static byte[] PlacedInMarchPaidInApril(Action<JsonObject>? more = null) => ShopSamples.Edited("shopify", "orders-create--india-inclusive.json", o =>
    {
        o["created_at"] = "2026-03-20T10:00:00+05:30";
        o["processed_at"] = "2026-03-20T10:00:05+05:30";
        o["updated_at"] = "2026-04-15T11:30:00+05:30";
        o["financial_status"] = "paid";
        more?.Invoke(o);
    });

    [Fact]
    public void A_sale_is_dated_when_it_became_one_processed_at_on_create_and_the_payment_on_paid()
    {
        // saleOn=create: processed_at, the date Shopify shows on the order: 20 March, the last month of GST year 25-26.
        var placed = Single(Map("orders/create", PlacedInMarchPaidInApril(), "create")).Event;
        Assert.Equal(new DateOnly(2026, 3, 20), placed.Date);
        Assert.Equal(new DateTimeOffset(2026, 3, 20, 4, 30, 5, TimeSpan.Zero), placed.DateUtc);
        Assert.Equal("25-26", Connectors.Books.FinancialYear.Label(placed.Date, 4));

        // saleOn=paid: orders/paid carries no transactions, so its updated_at (the payment) dates it: 15 April, year 26-27.
        var paid = Single(Map("orders/paid", PlacedInMarchPaidInApril(), "paid")).Event;
        Assert.Equal(new DateOnly(2026, 4, 15), paid.Date);
        Assert.Equal(new DateTimeOffset(2026, 4, 15, 6, 0, 0, TimeSpan.Zero), paid.DateUtc);
        Assert.Equal("26-27", Connectors.Books.FinancialYear.Label(paid.Date, 4));
    }

    [Fact]
    public void On_paid_the_latest_successful_sale_or_capture_transaction_dates_the_sale_when_the_payload_lists_them()
    {
        var body = PlacedInMarchPaidInApril(o => o["transactions"] = JsonNode.Parse("""
            [{"id":1,"kind":"authorization","status":"success","amount":"236.00","processed_at":"2026-03-20T10:00:06+05:30"},
             {"id":2,"kind":"capture","status":"success","amount":"236.00","processed_at":"2026-04-14T23:50:00+05:30"},
             {"id":3,"kind":"capture","status":"failure","amount":"236.00","processed_at":"2026-04-16T09:00:00+05:30"}]
            """));
        var e = Single(Map("orders/paid", body, "paid")).Event;
        Assert.Equal(new DateOnly(2026, 4, 14), e.Date);
        Assert.Equal(new DateTimeOffset(2026, 4, 14, 18, 20, 0, TimeSpan.Zero), e.DateUtc);
    }

    [Fact]
    public void The_sales_moment_is_kept_so_the_books_time_zone_decides_its_date()
    {
        // A shop on New York time sells at 23:30 on 31 March: the shop's date is 31 March, but in the books' Asia/Kolkata
        // (Books__TimeZone) it is 09:00 on 1 April, a sale of GST year 26-27 (posting converts DateUtc; Date is the fallback).
        var body = PlacedInMarchPaidInApril(o => o["processed_at"] = "2026-03-31T23:30:00-04:00");
        var e = Single(Map("orders/create", body)).Event;
        Assert.Equal(new DateOnly(2026, 3, 31), e.Date);
        var kolkata = TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata");
        Assert.Equal(new DateTime(2026, 4, 1, 9, 0, 0), TimeZoneInfo.ConvertTime(e.DateUtc!.Value, kolkata).DateTime);
        var planner = new Connectors.Books.PostingPlanner(new Connectors.Books.TaxRules(new Connectors.Books.BooksOptions { TaxRegime = "gst", HomeState = "29", Currency = "INR" }), "INR", kolkata);
        Assert.Equal(new DateOnly(2026, 4, 1), planner.DateOf(e));
    }

    [Fact]
    public void Orders_updated_is_the_order_as_sold_gross_of_the_refunds_it_lists_and_each_listed_refund_is_its_own_event()
    {
        var d = Single(Map("orders/updated", ShopSamples.Bytes("shopify", "orders-updated.json")));
        var refund = Assert.Single(d.Event.Refunds);
        Assert.Equal(EventKind.Update, d.Event.Kind);
        Assert.Equal("update|450789469|2008-01-12T11:15:02-05:00", d.DedupeKey);
        Assert.Equal(new DateOnly(2008, 1, 12), d.Event.Date);
        Assert.Equal(new DateTimeOffset(2008, 1, 12, 16, 15, 2, TimeSpan.Zero), d.Event.Version);
        // The black iPod was refunded: current_quantity 0 plus the 1 its listed refund took is the 1 sold.
        Assert.Equal([("IPOD2008GREEN", 1m), ("IPOD2008RED", 1m), ("IPOD2008BLACK", 1m)], d.Event.Lines.Select(l => (l.Sku, l.Quantity)));
        // The refund it lists rides on it with the event id refunds/create gives it: credited once, whichever comes first.
        Assert.Equal(Connectors.Ingest.EventIds.For(ShopSamples.Connection(Platform.Shopify).Id, "refund|450789469|509562969"), refund.EventId);
        Assert.Equal(("509562969", EventKind.Refund), (refund.RefundId, refund.Kind));
        Assert.Equal(("IPOD2008BLACK", 1m, true), (refund.Lines[0].Sku, refund.Lines[0].Quantity, refund.Lines[0].Restock));
    }

    [Fact]
    public void A_gift_card_line_is_flagged_and_the_sale_carries_shopifys_total()
    {
        var body = ShopSamples.Edited("shopify", "orders-create.json", o => o["line_items"]![1]!["gift_card"] = true);
        var e = Single(Map("orders/create", body)).Event;
        Assert.Equal([false, true, false], e.Lines.Where(l => !l.IsService).Select(l => l.IsGiftCard));
        Assert.Equal(632.82m, e.PlatformTotal);
        // An update is measured against nothing: its total may include refunds and edits the books hold as notes.
        Assert.Null(Snapshot(Map("orders/updated", ShopSamples.Bytes("shopify", "orders-updated.json"))).Event.PlatformTotal);
    }

    [Fact]
    public void A_fully_refunded_orders_updated_still_states_the_order_as_sold()
    {
        // Every current_quantity 0, every unit in the refunds listed: the snapshot is the order as sold, so it posts
        // nothing (the refunds credit it) instead of failing as an update without lines.
        var body = ShopSamples.Edited("shopify", "orders-updated.json", o =>
        {
            foreach (var li in o["line_items"]!.AsArray()) li!["current_quantity"] = 0;
            o["refunds"]![0]!["refund_line_items"] = new JsonArray(o["line_items"]!.AsArray().Select(li => (JsonNode)new JsonObject
            {
                ["line_item_id"] = li!["id"]!.GetValue<long>(), ["quantity"] = 1, ["restock_type"] = "return", ["line_item"] = li.DeepClone(),
            }).ToArray());
        });
        var update = Single(Map("orders/updated", body)).Event;
        Assert.Equal([1m, 1m, 1m], update.Lines.Select(l => l.Quantity));
        Assert.Equal(3, Assert.Single(update.Refunds).Lines.Count);
    }

    [Fact]
    public void Without_current_quantity_the_snapshot_takes_the_quantities_as_ordered()
    {
        var body = ShopSamples.Edited("shopify", "orders-updated.json", o =>
        {
            foreach (var li in o["line_items"]!.AsArray()) li!.AsObject().Remove("current_quantity");
            o["line_items"]![0]!["quantity"] = 3;
        });
        var lines = Snapshot(Map("orders/updated", body)).Event.Lines;
        Assert.Equal(["IPOD2008GREEN", "IPOD2008RED", "IPOD2008BLACK"], lines.Select(l => l.Sku));
        Assert.Equal(3m, lines[0].Quantity);
        Assert.Equal(11.94m, lines[0].TaxAmount);
    }

    [Fact]
    public void A_line_partly_removed_by_an_edit_keeps_its_share_of_the_discount_and_of_the_stated_tax()
    {
        var body = ShopSamples.Edited("shopify", "orders-updated.json", o =>
        {
            var li = o["line_items"]![0]!;
            li["quantity"] = 3;
            li["current_quantity"] = 2;
            li["discount_allocations"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject { ["amount"] = "10.00" });
        });
        // 3 ordered, 2 current, no refund of it listed: one unit was removed by an edit.
        var line = Snapshot(Map("orders/updated", body)).Event.Lines[0];
        Assert.Equal(2m, line.Quantity);
        Assert.Equal(6.67m, line.Discount); // 10.00 × 2/3, half away from zero
        Assert.Equal(7.96m, line.TaxAmount); // 11.94 stated for 3, × 2/3
    }

    [Fact]
    public void A_snapshot_states_each_sku_once()
    {
        var body = ShopSamples.Edited("shopify", "orders-updated.json", o => o["line_items"]![1]!["sku"] = "IPOD2008GREEN");
        var line = Assert.Single(Snapshot(Map("orders/updated", body)).Event.Lines, l => l.Sku == "IPOD2008GREEN");
        Assert.Equal(("IPOD2008GREEN", 2m, 199.00m, 23.88m), (line.Sku, line.Quantity, line.Rate, line.TaxAmount));
    }

    [Fact]
    public void Refunds_create_credits_the_refunded_lines_and_return_restocks()
    {
        var d = Single(Map("refunds/create", ShopSamples.Bytes("shopify", "refunds-create.json")));
        Assert.Equal("refund|450789469|509562969", d.DedupeKey);
        var e = d.Event;
        Assert.Equal((EventKind.Refund, "450789469", "509562969"), (e.Kind, e.ExternalId, e.RefundId));
        Assert.Equal(new DateOnly(2008, 1, 12), e.Date);
        Assert.Equal("USD", e.Currency);
        Assert.False(e.PricesIncludeTax);
        var line = Assert.Single(e.Lines);
        Assert.Equal(("IPOD2008BLACK", 1m, 199.00m, 6m, 11.94m, true), (line.Sku, line.Quantity, line.Rate, line.TaxRate, line.TaxAmount, line.Restock));
    }

    [Fact]
    public void A_custom_item_without_sku_product_or_variant_posts_under_its_line_id_and_its_refund_finds_it()
    {
        // Draft orders' custom items (gift wrapping, a one-off service) have no product, variant or SKU.
        var order = ShopSamples.Edited("shopify", "orders-create.json", o =>
        {
            var li = (o["order"] ?? o)["line_items"]![2]!;
            li["sku"] = null; li["product_id"] = null; li["variant_id"] = null;
        });
        Assert.Equal("shopify:item:703073504", Single(Map("orders/create", order)).Event.Lines[2].Sku);
        var refund = ShopSamples.Edited("shopify", "refunds-create.json", r =>
        {
            var li = (r["refund"] ?? r)["refund_line_items"]![0]!["line_item"]!;
            li["sku"] = null; li["product_id"] = null; li["variant_id"] = null;
        });
        Assert.Equal("shopify:item:703073504", Assert.Single(Single(Map("refunds/create", refund)).Event.Lines).Sku);
    }

    [Fact]
    public void A_multi_currency_refund_is_in_the_shops_currency_not_the_buyers_transaction_currency()
    {
        var body = ShopSamples.Edited("shopify", "refunds-create.json", r =>
        {
            foreach (var t in r["transactions"]!.AsArray()) t!["currency"] = "EUR";
            r["refund_line_items"]![0]!["subtotal_set"] = JsonNode.Parse("""{"shop_money":{"amount":"199.00","currency_code":"USD"},"presentment_money":{"amount":"183.50","currency_code":"EUR"}}""");
        });
        Assert.Equal("USD", Single(Map("refunds/create", body)).Event.Currency);
    }

    [Fact]
    public void No_restock_refunds_return_no_stock_and_a_shipping_refund_is_a_service_line()
    {
        var e = Single(Map("refunds/create", ShopSamples.Bytes("shopify", "refunds-create--no-restock.json"))).Event;
        Assert.Equal(2, e.Lines.Count);
        Assert.False(e.Lines[0].Restock);
        Assert.Equal("IPOD2008GREEN", e.Lines[0].Sku);
        var shipping = e.Lines[1];
        Assert.Equal(("shipping", 1m, 5.00m, true, false), (shipping.Sku, shipping.Quantity, shipping.Rate, shipping.IsService, shipping.Restock));
    }

    // Admin API 2024-10 on: refunded shipping is in refund_shipping_lines (shop_money subtotal, net of tax); Shopify still adds
    // a shipping_refund adjustment beside it (shopify-app-js REST fixtures, 2025-04), so the sample carries both.
    const string ShippingLines = "refunds-create--shipping-lines.json";

    [Fact]
    public void A_2024_10_shipping_only_refund_credits_the_shipping_at_its_lines_tax_rate()
    {
        var body = ShopSamples.Edited("shopify", ShippingLines, r => { r["refund_line_items"] = new JsonArray(); r.Remove("order_adjustments"); });
        var e = Single(Map("refunds/create", body)).Event;
        Assert.False(e.PricesIncludeTax);
        var shipping = Assert.Single(e.Lines);
        // 5.00 net; no stated tax, so 5.00 × the shipping line's 6 % = 0.30.
        Assert.Equal(("shipping", 1m, 5.00m, 6m, 0.30m, true, false), (shipping.Sku, shipping.Quantity, shipping.Rate, shipping.TaxRate, shipping.TaxAmount, shipping.IsService, shipping.Restock));
    }

    [Fact]
    public void A_stated_tax_amount_set_wins_and_shop_money_is_read_not_presentment_money()
    {
        var body = ShopSamples.Edited("shopify", ShippingLines, r =>
        {
            r["refund_line_items"] = new JsonArray();
            r.Remove("order_adjustments");
            var line = r["refund_shipping_lines"]![0]!;
            line["subtotal_amount_set"] = JsonNode.Parse("""{"shop_money":{"amount":"7.50","currency_code":"USD"},"presentment_money":{"amount":"6.90","currency_code":"EUR"}}""");
            line["tax_amount_set"] = JsonNode.Parse("""{"shop_money":{"amount":"0.45","currency_code":"USD"},"presentment_money":{"amount":"0.41","currency_code":"EUR"}}""");
        });
        var shipping = Assert.Single(Single(Map("refunds/create", body)).Event.Lines);
        Assert.Equal((7.50m, 0.45m, 6m), (shipping.Rate, shipping.TaxAmount, shipping.TaxRate)); // 0.45 / 7.50 = 6 %
    }

    [Fact]
    public void A_2024_10_mixed_refund_credits_the_line_and_the_shipping()
    {
        var body = ShopSamples.Edited("shopify", ShippingLines, r => r.Remove("order_adjustments"));
        var d = Single(Map("refunds/create", body));
        Assert.Equal("refund|450789469|509562971", d.DedupeKey);
        var lines = d.Event.Lines;
        Assert.Equal(["IPOD2008GREEN", "shipping"], lines.Select(l => l.Sku));
        Assert.Equal((1m, 199.00m, 11.94m, false), (lines[0].Quantity, lines[0].Rate, lines[0].TaxAmount, lines[0].Restock));
        Assert.Equal((5.00m, 0.30m), (lines[1].Rate, lines[1].TaxAmount));
        // 199.00 + 11.94 + 5.00 + 0.30 = 216.24, the refund transaction.
        Assert.Equal(216.24m, lines.Sum(l => l.Rate * l.Quantity + l.TaxAmount!.Value));
    }

    [Fact]
    public void Both_shapes_in_one_refund_credit_the_shipping_once_with_the_adjustments_stated_tax()
    {
        // Shopify's stated 0.29 (not the 0.30 the rate gives) shows the tax comes from the adjustment; the amount only once.
        var body = ShopSamples.Edited("shopify", ShippingLines, r => r["order_adjustments"]![0]!["tax_amount"] = "-0.29");
        var lines = Single(Map("refunds/create", body)).Event.Lines;
        Assert.Equal(["IPOD2008GREEN", "shipping"], lines.Select(l => l.Sku));
        Assert.Equal((5.00m, 0.29m), (lines[1].Rate, lines[1].TaxAmount));
    }

    [Fact]
    public void Two_refunded_shipping_lines_share_the_adjustments_tax_by_subtotal()
    {
        var body = ShopSamples.Edited("shopify", ShippingLines, r =>
        {
            r["refund_line_items"] = new JsonArray();
            var second = r["refund_shipping_lines"]![0]!.DeepClone();
            second["id"] = 623176827;
            second["subtotal_amount_set"]!["shop_money"]!["amount"] = "10.00";
            r["refund_shipping_lines"]!.AsArray().Add(second);
            r["order_adjustments"]![0]!["amount"] = "-15.00";
            r["order_adjustments"]![0]!["tax_amount"] = "-0.91";
        });
        var lines = Single(Map("refunds/create", body)).Event.Lines;
        // 0.91 × 5/15 = 0.3033 → 0.30; the second takes the remainder 0.61.
        Assert.Equal([(5.00m, 0.30m), (10.00m, 0.61m)], lines.Select(l => (l.Rate, l.TaxAmount!.Value)));
    }

    [Fact]
    public void A_legacy_shipping_refund_adjustment_still_credits_the_shipping()
    {
        var body = ShopSamples.Edited("shopify", "refunds-create--no-restock.json", r =>
        {
            r["refund_line_items"] = new JsonArray();
            r["order_adjustments"]![0]!["tax_amount"] = "0.30";
        });
        var e = Single(Map("refunds/create", body)).Event;
        var shipping = Assert.Single(e.Lines);
        Assert.Equal(("shipping", 5.00m, 6m, 0.30m), (shipping.Sku, shipping.Rate, shipping.TaxRate, shipping.TaxAmount));
    }

    [Fact]
    public void A_tax_inclusive_mixed_refund_posts_its_shipping_gross()
    {
        var body = ShopSamples.Edited("shopify", ShippingLines, r =>
        {
            var li = r["refund_line_items"]![0]!["line_item"]!;
            li["price"] = "118.00";
            li["tax_lines"] = JsonNode.Parse("""[{"title":"IGST","price":"18.00","rate":0.18}]""");
            r["refund_shipping_lines"]![0]!["subtotal_amount_set"]!["shop_money"]!["amount"] = "50.00";
            r["order_adjustments"]![0]!["tax_amount"] = "9.00";
        });
        var e = Single(Map("refunds/create", body)).Event;
        Assert.True(e.PricesIncludeTax);
        Assert.Equal((59.00m, 9.00m, 18m), (e.Lines[1].Rate, e.Lines[1].TaxAmount, e.Lines[1].TaxRate)); // 50.00 + 9.00 gross
    }

    [Fact]
    public void A_refund_shipping_line_without_a_shop_money_subtotal_is_invalid()
    {
        var body = ShopSamples.Edited("shopify", ShippingLines, r => r["refund_shipping_lines"]![0]!.AsObject().Remove("subtotal_amount_set"));
        Assert.Contains("refund_shipping_lines[0].subtotal_amount_set.shop_money.amount is required", Assert.IsType<SourceMapping.Invalid>(Map("refunds/create", body)).Error);
    }

    [Fact]
    public void A_snapshot_keeps_shipping_as_charged_and_the_refund_it_lists_credits_the_refunded_shipping()
    {
        JsonObject Paid(JsonObject o)
        {
            o["shipping_lines"]![0]!["price"] = "5.00";
            o["shipping_lines"]![0]!["discounted_price"] = "5.00";
            return o;
        }
        var kept = Snapshot(Map("orders/updated", ShopSamples.Edited("shopify", "orders-updated.json", o => Paid(o)))).Event.Lines;
        Assert.Contains(kept, l => l.Sku == "shipping");
        var body = ShopSamples.Edited("shopify", "orders-updated.json", o =>
            Paid(o)["refunds"]![0]!["refund_shipping_lines"] = JsonNode.Parse(Encoding.UTF8.GetString(ShopSamples.Bytes("shopify", ShippingLines)))!["refund_shipping_lines"]!.DeepClone());
        var update = Single(Map("orders/updated", body)).Event;
        // Shipping stays as charged on the snapshot (a later update billing the rest of it posts nothing); the refund credits its part.
        Assert.Contains(update.Lines, l => l.Sku == "shipping" && l.Rate == 5.00m);
        Assert.Contains(Assert.Single(update.Refunds).Lines, l => l.Sku == "shipping");
    }

    [Fact]
    public void Legacy_refunds_without_restock_type_follow_the_restock_flag()
    {
        var body = ShopSamples.Edited("shopify", "refunds-create.json", r =>
        {
            r["restock"] = false;
            r["refund_line_items"]![0]!.AsObject().Remove("restock_type");
        });
        Assert.False(Single(Map("refunds/create", body)).Event.Lines[0].Restock);
    }

    [Fact]
    public void A_refund_of_a_tax_inclusive_line_is_recognised_as_gross()
    {
        var body = ShopSamples.Edited("shopify", "refunds-create.json", r =>
        {
            var li = r["refund_line_items"]![0]!["line_item"]!;
            li["price"] = "118.00";
            li["tax_lines"] = System.Text.Json.Nodes.JsonNode.Parse("""[{"title":"IGST","price":"18.00","rate":0.18}]""");
        });
        var e = Single(Map("refunds/create", body)).Event;
        Assert.True(e.PricesIncludeTax);
        Assert.Equal(18m, e.Lines[0].TaxRate);
    }

    [Fact]
    public void A_money_only_refund_is_recorded_not_posted()
    {
        var body = ShopSamples.Edited("shopify", "refunds-create.json", r => r["refund_line_items"] = new System.Text.Json.Nodes.JsonArray());
        var recorded = Assert.IsType<SourceMapping.Recorded>(Map("refunds/create", body));
        Assert.Contains("210.94", recorded.Status);
    }

    [Fact]
    public void Orders_cancelled_is_a_cancel_of_the_order()
    {
        var d = Single(Map("orders/cancelled", ShopSamples.Bytes("shopify", "orders-cancelled.json")));
        Assert.Equal("cancel|450789469", d.DedupeKey);
        Assert.Equal(EventKind.Cancel, d.Event.Kind);
        Assert.Equal(new DateOnly(2008, 1, 11), d.Event.Date);
        // Only the cancellation's refund (restock_type cancel, in refunds[]) restocks: the order's own lines come back with none.
        Assert.All(d.Event.Lines, l => Assert.False(l.Restock));
    }

    [Fact]
    public void Products_update_gives_each_variant_its_price_and_tracked_stock()
    {
        var d = Single(Map("products/update", ShopSamples.Bytes("shopify", "products-update.json")));
        Assert.Equal("product|632910392|2011-10-21T09:00:00-04:00", d.DedupeKey);
        var e = d.Event;
        Assert.Equal(EventKind.Product, e.Kind);
        Assert.Equal("632910392", e.ExternalId);
        Assert.Equal(["IPOD2008PINK", "IPOD2008RED", "shopify:632910392:457924702"], e.Lines.Select(l => l.Sku));
        Assert.Equal([199.00m, 199.00m, 189.00m], e.Lines.Select(l => l.Rate));
        Assert.Equal([10m, 20m, null], e.Lines.Select(l => l.StockLevel));
        Assert.Equal("IPod Nano - 8GB - Pink", e.Lines[0].Description);
    }

    [Fact]
    public void Orders_edited_envelope_is_recorded_and_an_order_body_is_an_update()
    {
        var recorded = Assert.IsType<SourceMapping.Recorded>(Map("orders/edited", ShopSamples.Bytes("shopify", "orders-edited.json")));
        Assert.Equal("450789469", recorded.ExternalId);
        Assert.Equal(EventKind.Update, Snapshot(Map("orders/edited", ShopSamples.Bytes("shopify", "orders-updated.json"))).Event.Kind);
    }

    [Fact]
    public void Test_orders_are_flagged()
    {
        var body = ShopSamples.Edited("shopify", "orders-create.json", o => o["test"] = true);
        Assert.True(Single(Map("orders/create", body)).Event.IsTest);
    }

    [Fact]
    public void Unknown_topics_are_ignored_and_a_missing_topic_is_invalid()
    {
        Assert.IsType<SourceMapping.Ignored>(Map("customers/create", Encoding.UTF8.GetBytes("""{"id":1}""")));
        var m = _source.Map(ShopSamples.Connection(Platform.Shopify), ShopSamples.Headers(), ShopSamples.Bytes("shopify", "orders-create.json"), Now);
        Assert.Contains("X-Shopify-Topic", Assert.IsType<SourceMapping.Invalid>(m).Error);
    }

    [Theory]
    [InlineData("price", "\"abc\"", "line_items[0].price")]
    [InlineData("quantity", "null", "line_items[0].quantity is required")]
    [InlineData("quantity", "-1", "line_items[0].quantity must not be negative")]
    public void A_bad_line_field_is_named_in_the_error(string field, string json, string expected)
    {
        var body = ShopSamples.Edited("shopify", "orders-create.json", o => o["line_items"]![0]![field] = System.Text.Json.Nodes.JsonNode.Parse(json));
        var invalid = Assert.IsType<SourceMapping.Invalid>(Map("orders/create", body));
        Assert.Contains(expected, invalid.Error);
        Assert.Equal("450789469", invalid.ExternalId);
    }

    [Fact]
    public void An_order_without_id_or_line_items_is_invalid()
    {
        Assert.Contains("id is required", Assert.IsType<SourceMapping.Invalid>(Map("orders/create", ShopSamples.Edited("shopify", "orders-create.json", o => o.Remove("id")))).Error);
        Assert.Contains("line_items is required", Assert.IsType<SourceMapping.Invalid>(Map("orders/create", ShopSamples.Edited("shopify", "orders-create.json", o => o.Remove("line_items")))).Error);
        Assert.IsType<SourceMapping.Invalid>(Map("orders/create", Encoding.UTF8.GetBytes("[1,2]")));
        Assert.IsType<SourceMapping.Invalid>(Map("orders/create", Encoding.UTF8.GetBytes("{not json")));
    }
}
