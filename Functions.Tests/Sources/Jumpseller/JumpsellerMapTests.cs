using System.Text;
using System.Text.Json.Nodes;
using Connectors.Connections;
using Connectors.Ingest;
using Connectors.Sources;
using Connectors.Sources.Jumpseller;
using Microsoft.AspNetCore.Http;
using static Connectors.Tests.Sources.PlatformSamples;

namespace Connectors.Tests.Sources.Jumpseller;

/// <summary>Jumpseller's events against the sample files: which canonical event each becomes, with its worked numbers.</summary>
public sealed class JumpsellerMapTests
{
    static readonly Connection Shop = new() { Id = "c-js", Platform = Platform.Jumpseller, Name = "Jumpseller shop", StoreCode = "teststore" };
    static readonly DateTimeOffset Now = new(2026, 5, 1, 12, 0, 0, TimeSpan.Zero);

    static SourceMapping Map(string eventName, string body) =>
        new JumpsellerSource().Map(Shop, new HeaderDictionary { [JumpsellerSource.EventHeader] = eventName }, Encoding.UTF8.GetBytes(body), Now);

    static SourceMapping MapSample(string eventName) => Map(eventName, Text("jumpseller", eventName + ".json"));

    [Fact]
    public void Order_paid_is_a_sale_with_the_worked_numbers()
    {
        var events = Events(MapSample("order_paid"));
        var draft = Assert.Single(events.Drafts);
        Assert.Equal("sale|5001", draft.DedupeKey);
        var e = draft.Event;
        Assert.Equal(EventKind.Sale, e.Kind);
        Assert.Equal("5001", e.ExternalId);
        Assert.Equal(new DateOnly(2026, 5, 1), e.Date);
        Assert.Equal("EUR", e.Currency);
        Assert.False(e.PricesIncludeTax);
        Assert.Equal("DE", e.Country);
        // Jumpseller's order total: the sales voucher meets it with a Round off line.
        Assert.Equal(101.15m, e.PlatformTotal);
        // Outside India (Berlin, DE-BE): GST's place of supply "96", Other Country.
        Assert.Equal("96", e.PlaceOfSupply);
        Assert.Equal("DE123456789", e.Customer!.Key);
        Assert.Equal("jane.doe@example.com", e.Customer.Email);
        Assert.Equal("Jane Doe", e.Customer.Name);

        Assert.Equal(3, e.Lines.Count);
        var shirt = e.Lines[0];
        Assert.Equal(("TSH-001", 2m, 25.00m, 0m, 9.50m, 19m, false), (shirt.Sku, shirt.Quantity, shirt.Rate, shirt.Discount, shirt.TaxAmount, shirt.TaxRate, shirt.IsService));
        var bag = e.Lines[1];
        // No SKU in the shop: product and variant ids stand in.
        Assert.Equal(("js:1002:77", 1m, 40.00m, 10.00m, 5.70m, 19m), (bag.Sku, bag.Quantity, bag.Rate, bag.Discount, bag.TaxAmount, bag.TaxRate));
        var shipping = e.Lines[2];
        Assert.Equal(("shipping", "Standard Shipping", 5.00m, 0.95m, 19m, true), (shipping.Sku, shipping.Description, shipping.Rate, shipping.TaxAmount, shipping.TaxRate, shipping.IsService));

        // The lines add up to Jumpseller's own total: 50 + 30 + 5 net, 9.50 + 5.70 + 0.95 tax = 101.15.
        Assert.Equal(101.15m, e.Lines.Sum(l => l.Quantity * l.Rate - l.Discount + l.TaxAmount!.Value));
    }

    [Fact]
    public void A_sale_is_dated_when_Jumpseller_triggered_the_paid_event_not_when_the_order_was_placed()
    {
        // Placed on 20 March 2026 (created_at; the order has no paid time), order_paid triggered on 15 April 2026.
        var body = Encoding.UTF8.GetBytes(Edit("jumpseller", "order_paid.json", o =>
        {
            o["order"]!["created_at"] = "2026-03-20 10:00:00 UTC";
            o["order"]!["completed_at"] = "2026-03-20 10:00:00 UTC";
        }));
        SourceMapping MapAt(string? triggeredAt)
        {
            var headers = new HeaderDictionary { [JumpsellerSource.EventHeader] = "order_paid" };
            if (triggeredAt is not null) headers[JumpsellerSource.TriggeredAtHeader] = triggeredAt;
            return new JumpsellerSource().Map(Shop, headers, body, Now);
        }
        var paid = Assert.Single(Events(MapAt("2026-04-15 09:12:30.125 UTC")).Drafts).Event;
        Assert.Equal(new DateOnly(2026, 4, 15), paid.Date);
        Assert.Equal(new DateTimeOffset(2026, 4, 15, 9, 12, 30, 125, TimeSpan.Zero), paid.DateUtc);
        Assert.Equal("26-27", Connectors.Books.FinancialYear.Label(paid.Date, 4));
        // Without the header the payload's only date stands: created_at.
        var placed = Assert.Single(Events(MapAt(null)).Drafts).Event;
        Assert.Equal(new DateOnly(2026, 3, 20), placed.Date);
        Assert.Equal("25-26", Connectors.Books.FinancialYear.Label(placed.Date, 4));
        // In books on Asia/Kolkata time a payment at 20:00 UTC on 31 March is a sale of 1 April.
        var late = Assert.Single(Events(MapAt("2026-03-31 20:00:00.000 UTC")).Drafts).Event;
        Assert.Equal(new DateOnly(2026, 3, 31), late.Date);
        var planner = new Connectors.Books.PostingPlanner(new Connectors.Books.TaxRules(new Connectors.Books.BooksOptions { TaxRegime = "vat", Currency = "EUR" }), "EUR", TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata"));
        Assert.Equal(new DateOnly(2026, 4, 1), planner.DateOf(late));
    }

    [Fact]
    public void An_order_event_with_status_paid_is_the_same_sale()
    {
        var draft = Assert.Single(Events(MapSample("order_shipped")).Drafts);
        Assert.Equal("sale|5001", draft.DedupeKey);
        Assert.Equal(EventKind.Sale, draft.Event.Kind);
    }

    [Fact]
    public void Order_updated_on_a_paid_order_is_the_sale_plus_a_full_update_snapshot()
    {
        var drafts = Events(MapSample("order_updated")).Drafts;
        Assert.Equal(2, drafts.Count);
        Assert.Equal("sale|5001", drafts[0].DedupeKey);
        Assert.Equal(EventKind.Update, drafts[1].Event.Kind);
        Assert.StartsWith("update|5001|", drafts[1].DedupeKey);
        Assert.Equal(3m, drafts[1].Event.Lines[0].Quantity);
        Assert.Equal(14.25m, drafts[1].Event.Lines[0].TaxAmount);
        Assert.Equal(3, drafts[1].Event.Lines.Count);
        Assert.Equal(new DateOnly(2026, 5, 1), drafts[0].Event.Date);
    }

    [Fact]
    public void The_same_snapshot_arriving_another_day_has_the_same_key_and_a_cancellation_is_dated_when_it_arrives()
    {
        var body = Encoding.UTF8.GetBytes(Text("jumpseller", "order_updated.json"));
        var today = Events(new JumpsellerSource().Map(Shop, new HeaderDictionary { [JumpsellerSource.EventHeader] = "order_updated" }, body, Now)).Drafts[1];
        var later = Events(new JumpsellerSource().Map(Shop, new HeaderDictionary { [JumpsellerSource.EventHeader] = "order_updated" }, body, Now.AddDays(3))).Drafts;
        Assert.Equal(today.DedupeKey, later[1].DedupeKey);
        // The sale keeps the order's date (created_at 2026-05-01); the edit's note is dated the day it arrived.
        Assert.Equal((new DateOnly(2026, 5, 1), new DateOnly(2026, 5, 4)), (later[0].Event.Date, later[1].Event.Date));

        var cancel = Assert.Single(Events(new JumpsellerSource().Map(Shop, new HeaderDictionary { [JumpsellerSource.EventHeader] = "order_canceled" }, body, Now)).Drafts);
        Assert.Equal((EventKind.Cancel, DateOnly.FromDateTime(Now.UtcDateTime)), (cancel.Event.Kind, cancel.Event.Date));
    }

    [Fact]
    public void An_update_that_changes_nothing_the_books_see_has_the_same_key_and_a_real_change_a_new_one()
    {
        var body = Text("jumpseller", "order_updated.json");
        var key = Events(Map("order_updated", body)).Drafts[1].DedupeKey;
        var shipped = Edit("jumpseller", "order_updated.json", o => { o["order"]!["shipment_status"] = "Shipped"; o["order"]!["tracking_number"] = "X1"; });
        Assert.Equal(key, Events(Map("order_updated", shipped)).Drafts[1].DedupeKey);
        var repriced = Edit("jumpseller", "order_updated.json", o => o["order"]!["products"]![0]!["price"] = 24.00m);
        Assert.NotEqual(key, Events(Map("order_updated", repriced)).Drafts[1].DedupeKey);
    }

    [Fact]
    public void Order_canceled_is_a_cancel_of_the_whole_order()
    {
        var draft = Assert.Single(Events(MapSample("order_canceled")).Drafts);
        Assert.Equal("cancel|5001", draft.DedupeKey);
        Assert.Equal(EventKind.Cancel, draft.Event.Kind);
        Assert.All(draft.Event.Lines, l => Assert.True(l.Restock));
    }

    [Fact]
    public void A_canceled_status_on_order_updated_is_a_cancel_too()
    {
        var body = Edit("jumpseller", "order_canceled.json", _ => { });
        Assert.Equal("cancel|5001", Assert.Single(Events(Map("order_updated", body)).Drafts).DedupeKey);
    }

    [Theory]
    [InlineData("order_pending_payment", "1026")]
    [InlineData("order_abandoned", "1027")]
    public void Pending_and_abandoned_orders_are_recorded_not_posted(string eventName, string id)
    {
        var recorded = Assert.IsType<SourceMapping.Recorded>(MapSample(eventName));
        Assert.Equal(id, recorded.ExternalId);
    }

    [Fact]
    public void A_pending_order_seen_through_order_updated_is_recorded()
    {
        Assert.IsType<SourceMapping.Recorded>(Map("order_updated", Text("jumpseller", "order_pending_payment.json")));
    }

    [Fact]
    public void The_seed_order_reads_exactly_as_decimals()
    {
        // The seed's own numbers (399.0 - 79.8 + 50.0 = 369.2) survive as decimals, not doubles.
        var paid = Edit("jumpseller", "order_pending_payment.json", o => o["order"]!["status"] = "Paid");
        var e = Assert.Single(Events(Map("order_paid", paid)).Drafts).Event;
        Assert.Equal(369.2m, e.Lines.Sum(l => l.Quantity * l.Rate - l.Discount));
        Assert.Equal("GB", e.Country);
        Assert.Equal("96", e.PlaceOfSupply);
        Assert.Equal("test@gmail.com", e.Customer!.Key);
        Assert.Equal(new DateOnly(2023, 2, 10), e.Date);
    }

    [Fact]
    public void Tax_inclusive_prices_are_recognised_from_the_totals()
    {
        // 119.00 gross with 19.00 tax inside: total = subtotal + shipping, no tax on top.
        var body = Edit("jumpseller", "order_paid.json", o =>
        {
            var order = o["order"]!;
            order["subtotal"] = 119.00m; order["discount"] = 0m; order["shipping"] = 0m; order["shipping_tax"] = 0m; order["tax"] = 19.00m; order["total"] = 119.00m;
            order["products"] = new JsonArray(new JsonObject { ["id"] = 1, ["variant_id"] = null, ["sku"] = "X", ["name"] = "X", ["qty"] = 1, ["price"] = 119.00m, ["tax"] = 19.00m, ["discount"] = 0m });
        });
        var e = Assert.Single(Events(Map("order_paid", body)).Drafts).Event;
        Assert.True(e.PricesIncludeTax);
        var line = Assert.Single(e.Lines);
        Assert.Equal((119.00m, 19.00m, 19m), (line.Rate, line.TaxAmount, line.TaxRate));
    }

    [Fact]
    public void The_declared_tax_on_product_price_decides_over_the_totals_and_the_declared_rate_over_the_rounded_one()
    {
        // The Orders API documents subtotal as "excluding taxes": 100.00 here, while the price 119.00 includes the 19.00
        // (taxes[].tax_on_product_price true). The totals alone would read the price as net and add the tax on top.
        var body = Edit("jumpseller", "order_paid.json", o =>
        {
            var order = o["order"]!;
            order["subtotal"] = 100.00m; order["discount"] = 0m; order["shipping"] = 0m; order["shipping_tax"] = 0m; order["tax"] = 19.00m; order["total"] = 119.00m;
            order["products"] = new JsonArray(new JsonObject { ["id"] = 1, ["sku"] = "X", ["name"] = "X", ["qty"] = 1, ["price"] = 119.00m, ["tax"] = 19.00m, ["discount"] = 0m,
                ["taxes"] = JsonNode.Parse("""[{"id":1,"name":"IVA","rate":19,"fixed":false,"tax_on_product_price":true}]""") });
        });
        var e = Assert.Single(Events(Map("order_paid", body)).Drafts).Event;
        Assert.True(e.PricesIncludeTax);
        Assert.Equal((119.00m, 19.00m, 19m), (e.Lines[0].Rate, e.Lines[0].TaxAmount!.Value, e.Lines[0].TaxRate));

        // A store adding tax on top says so (false), and may write the rate as a fraction: 0.19 is read as 19 % when the
        // amounts agree. 9.99 x 19 % = 1.8981 -> 1.90, which implies 19.02 %; the declared 19 % is the rate posted.
        var net = Edit("jumpseller", "order_paid.json", o =>
        {
            var products = o["order"]!["products"]!.AsArray();
            products.Add(new JsonObject { ["id"] = 2, ["sku"] = "Y", ["name"] = "Y", ["qty"] = 1, ["price"] = 9.99m, ["tax"] = 1.90m, ["discount"] = 0m });
            foreach (var p in products)
                p!["taxes"] = JsonNode.Parse("""[{"id":1,"name":"VAT","rate":0.19,"fixed":false,"tax_on_product_price":false}]""");
        });
        var n = Assert.Single(Events(Map("order_paid", net)).Drafts).Event;
        Assert.False(n.PricesIncludeTax);
        Assert.Equal(3, n.Lines.Count(l => !l.IsService));
        Assert.All(n.Lines.Where(l => !l.IsService), l => Assert.Equal(19m, l.TaxRate));
    }

    [Fact]
    public void Product_events_carry_each_variant_with_its_stock_level()
    {
        var draft = Assert.Single(Events(MapSample("product_updated")).Drafts);
        Assert.Equal(EventKind.Product, draft.Event.Kind);
        Assert.Equal("1001", draft.Event.ExternalId);
        Assert.Equal(new[] { ("TSH-001-S", (decimal?)12m, 25m), ("TSH-001-M", 28m, 25m) }, draft.Event.Lines.Select(l => (l.Sku, l.StockLevel, l.Rate)));
        var stock = Assert.Single(Events(MapSample("product_stock_updated")).Drafts);
        Assert.Equal(10m, stock.Event.Lines[0].StockLevel);
        Assert.NotEqual(draft.DedupeKey, stock.DedupeKey);
    }

    [Fact]
    public void A_product_without_sku_or_stock_tracking_gets_its_id_and_no_stock_level()
    {
        var line = Assert.Single(Assert.Single(Events(MapSample("product_created")).Drafts).Event.Lines);
        Assert.Equal("js:1003", line.Sku);
        Assert.Null(line.StockLevel);
    }

    [Theory]
    [InlineData("customer_created")]
    [InlineData("product_deleted")]
    [InlineData("subscription_created")]
    public void Events_that_do_not_touch_the_books_are_ignored(string eventName)
    {
        Assert.IsType<SourceMapping.Ignored>(Map(eventName, Text("jumpseller", "customer_created.json")));
    }

    [Fact]
    public void An_order_without_products_is_invalid_and_says_so()
    {
        var body = Edit("jumpseller", "order_paid.json", o => o["order"]!.AsObject().Remove("products"));
        var invalid = Assert.IsType<SourceMapping.Invalid>(Map("order_paid", body));
        Assert.Contains("order.products", invalid.Error);
        Assert.Equal("5001", invalid.ExternalId);
    }

    [Fact]
    public void A_bad_quantity_names_its_line()
    {
        var body = Edit("jumpseller", "order_paid.json", o => o["order"]!["products"]![1]!["qty"] = 0);
        Assert.Contains("order.products[1].qty", Assert.IsType<SourceMapping.Invalid>(Map("order_paid", body)).Error);
    }

    [Fact]
    public void A_missing_event_header_is_invalid()
    {
        var mapping = new JumpsellerSource().Map(Shop, new HeaderDictionary(), Bytes("jumpseller", "order_paid.json"), Now);
        Assert.Contains(JumpsellerSource.EventHeader, Assert.IsType<SourceMapping.Invalid>(mapping).Error);
    }
}
