using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Connectors.Books;
using Connectors.Connections;
using Connectors.Hosting;
using Connectors.Ingest;
using Connectors.Sources;
using Connectors.Sources.Bookto;
using Connectors.Sources.Jumpseller;
using Connectors.Sources.Selldone;
using Connectors.Sources.Shopify;
using Connectors.Sources.WooCommerce;
using Connectors.Tests.Fixtures;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Connectors.Tests.Sources;

/// <summary>
/// Place of supply and cess for every source: each platform's own payload shape (the samples, edited to 1000 at 18 % or
/// 28 % + 12 % cess) mapped by its source and planned by the posting engine (GST books, home state 29), with worked
/// numbers. Pure: no storage (the host path is ShopifyPlaceOfSupplyPostingTests).
/// </summary>
public sealed class PlaceOfSupplyTests
{
    static readonly DateTimeOffset Now = new(2026, 5, 25, 12, 0, 0, TimeSpan.Zero);
    static readonly PostingPlanner Planner = new(new TaxRules(new BooksOptions { TaxRegime = "gst", HomeState = "29", Currency = "INR" }), "INR");
    int _events;

    /// <summary>The sale's voucher, and the order after it, as the poster would plan them.</summary>
    (Voucher Voucher, OrderState Order) Post(CanonicalEvent e, OrderState? order = null)
    {
        var items = e.Lines.Select(l => l.Sku).Distinct().ToDictionary(s => s, s => (string?)s);
        var (next, plan) = Planner.Plan(e with { EventId = "ev" + ++_events, ConnectionId = "c1" }, order, items);
        return (Assert.Single(plan.Vouchers), next with { SaleNumber = next.SaleNumber ?? "SV/26-27/000001", Vouchers = [.. next.Vouchers, .. plan.Vouchers.Select(v => v.Type)] });
    }

    static decimal Tax(Voucher v, string name) => v.Lines.SelectMany(l => l.Taxes).Where(t => t.Name == name).Sum(t => t.Amount);
    static (decimal Cgst, decimal Sgst, decimal Igst) Gst(Voucher v) => (Tax(v, "CGST"), Tax(v, "SGST"), Tax(v, "IGST"));
    static CanonicalEvent Sale(SourceMapping m) => Assert.Single(PlatformSamples.Events(m).Drafts, d => d.Event.Kind == EventKind.Sale).Event;

    // ---------------------------------------------------------------- Shopify

    static JsonArray TaxLines(params (string Title, decimal Rate, decimal Price)[] taxes) =>
        new([.. taxes.Select(t => (JsonNode)new JsonObject { ["title"] = t.Title, ["price"] = t.Price.ToString("0.00", CultureInfo.InvariantCulture), ["rate"] = t.Rate })]);

    /// <summary>The India sample as 1 × 1000.00 net with these tax_lines, shipped to (country, province code, province); null country: no addresses.</summary>
    static byte[] ShopifyOrder(string? country, string? provinceCode, string? province, params (string Title, decimal Rate, decimal Price)[] taxes) =>
        ShopSamples.Edited("shopify", "orders-create--india-inclusive.json", o =>
        {
            o["taxes_included"] = false;
            var li = o["line_items"]![0]!;
            li["price"] = "1000.00";
            li["quantity"] = 1;
            li["current_quantity"] = 1;
            li["tax_lines"] = TaxLines(taxes);
            o["total_price"] = (1000m + taxes.Sum(t => t.Price)).ToString("0.00", CultureInfo.InvariantCulture);
            foreach (var a in new[] { "shipping_address", "billing_address" })
            {
                if (country is null) { o.Remove(a); continue; }
                o[a]!["country_code"] = country;
                o[a]!["province_code"] = provinceCode;
                o[a]!["province"] = province;
            }
        });

    static SourceMapping Shopify(string topic, byte[] body) =>
        new ShopifySource().Map(ShopSamples.Connection(Platform.Shopify), ShopSamples.Headers(("X-Shopify-Topic", topic), ("X-Shopify-Webhook-Id", Guid.NewGuid().ToString())), body, Now);

    [Fact]
    public void Shopify_home_state_other_state_abroad_with_and_without_tax_and_no_address()
    {
        // Karnataka (province_code KA) = home 29: CGST 90 + SGST 90.
        var (ka, _) = Post(Sale(Shopify("orders/create", ShopifyOrder("IN", "KA", "Karnataka", ("CGST", 0.09m, 90), ("SGST", 0.09m, 90)))));
        Assert.Equal(("29", (90m, 90m, 0m), 1180m), (ka.PlaceOfSupply, Gst(ka), ka.Totals.Total));
        Assert.Null(ka.PlaceOfSupplyAssumed);
        Assert.Null(ka.SupplyType);
        // Maharashtra: IGST 180.
        var (mh, _) = Post(Sale(Shopify("orders/create", ShopifyOrder("IN", "MH", "Maharashtra", ("IGST", 0.18m, 180)))));
        Assert.Equal(("27", (0m, 0m, 180m)), (mh.PlaceOfSupply, Gst(mh)));
        // The US, no province, the shop charged 18 %: inter-state, IGST 180 (not CGST + SGST as before).
        var (us, _) = Post(Sale(Shopify("orders/create", ShopifyOrder("US", null, null, ("IGST", 0.18m, 180)))));
        Assert.Equal(("96", (0m, 0m, 180m), TaxRules.ExportWithIgst), (us.PlaceOfSupply, Gst(us), us.SupplyType));
        // The US with no tax charged: taxable 1000, no tax lines, a zero-rated export.
        var (zero, _) = Post(Sale(Shopify("orders/create", ShopifyOrder("US", null, null))));
        Assert.Equal(("96", 1000m, 0m, 1000m, TaxRules.ZeroRatedExport), (zero.PlaceOfSupply, zero.Totals.Taxable, zero.Totals.Tax, zero.Totals.Total, zero.SupplyType));
        Assert.Empty(Assert.Single(zero.Lines).Taxes);
        // No address at all: the home state is assumed (CGST + SGST), and the voucher says so.
        var (none, _) = Post(Sale(Shopify("orders/create", ShopifyOrder(null, null, null, ("CGST", 0.09m, 90), ("SGST", 0.09m, 90)))));
        Assert.Equal(("29", true, (90m, 90m, 0m)), (none.PlaceOfSupply, none.PlaceOfSupplyAssumed, Gst(none)));
    }

    [Fact]
    public void Shopify_compensation_cess_is_its_own_component_and_its_refund_credits_it()
    {
        // 1000 at 28 % GST + 12 % Compensation Cess, home state: CGST 140 + SGST 140 + Cess 120, total 1400.
        var body = ShopifyOrder("IN", "KA", "Karnataka", ("CGST", 0.14m, 140), ("SGST", 0.14m, 140), ("Compensation Cess", 0.12m, 120));
        var mapped = Sale(Shopify("orders/create", body));
        var line = Assert.Single(mapped.Lines);
        Assert.Equal((40m, 12m, 400m, (decimal?)120m), (line.TaxRate, line.CessRate, line.TaxAmount, line.CessAmount));
        var (sale, order) = Post(mapped);
        Assert.Equal([("CGST", 14m, 140m), ("SGST", 14m, 140m), ("Cess", 12m, 120m)], sale.Lines[0].Taxes.Select(t => (t.Name, t.Rate, t.Amount)));
        Assert.Equal(1400m, sale.Totals.Total);
        Assert.Contains(new JournalLine("Output Cess", 0, 120m), sale.Journal);
        Assert.Equal(0m, Journal.Balance(sale.Journal));

        // refunds/create of the unit (total_tax 400.00 as one figure): the credit note gives back 140 + 140 + 120.
        var refund = JsonNode.Parse(Encoding.UTF8.GetString(body))!["line_items"]![0]!.DeepClone();
        var refundBody = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["id"] = 931800000009L, ["order_id"] = 5734112657458L, ["created_at"] = "2026-05-27T09:00:00+05:30", ["restock"] = true,
            ["refund_line_items"] = new JsonArray(new JsonObject
            {
                ["id"] = 931800000109L, ["quantity"] = 1, ["line_item_id"] = 14107866775858L, ["restock_type"] = "return",
                ["subtotal"] = "1000.00", ["total_tax"] = "400.00", ["line_item"] = refund,
            }),
            ["transactions"] = new JsonArray(new JsonObject { ["amount"] = "1400.00", ["kind"] = "refund", ["status"] = "success", ["currency"] = "INR" }),
        }.ToJsonString());
        var (cn, _) = Post(Assert.Single(PlatformSamples.Events(Shopify("refunds/create", refundBody)).Drafts).Event, order);
        Assert.Equal("credit-note", cn.Type);
        Assert.Equal([("CGST", 140m), ("SGST", 140m), ("Cess", 120m)], cn.Lines[0].Taxes.Select(t => (t.Name, t.Amount)));
    }

    [Fact]
    public void Shopify_partial_refund_of_a_cess_line_credits_the_cess_like_the_sale()
    {
        // 2 x 1000 at 28 % + 12 % cess: CGST 280 + SGST 280 + Cess 240. One unit back: 140 + 140 + 120.
        var body = ShopSamples.Edited("shopify", "orders-create--india-inclusive.json", o =>
        {
            o["taxes_included"] = false;
            var li = o["line_items"]![0]!;
            li["price"] = "1000.00";
            li["tax_lines"] = TaxLines(("CGST", 0.14m, 280), ("SGST", 0.14m, 280), ("Compensation Cess", 0.12m, 240));
            o["total_price"] = "2800.00";
        });
        var (_, order) = Post(Sale(Shopify("orders/create", body)));
        var line = JsonNode.Parse(Encoding.UTF8.GetString(body))!["line_items"]![0]!.DeepClone();
        var refundBody = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["id"] = 931800000010L, ["order_id"] = 5734112657458L, ["created_at"] = "2026-05-27T09:00:00+05:30",
            ["refund_line_items"] = new JsonArray(new JsonObject
            {
                ["id"] = 931800000110L, ["quantity"] = 1, ["line_item_id"] = 14107866775858L, ["restock_type"] = "return",
                ["subtotal"] = "1000.00", ["total_tax"] = "400.00", ["line_item"] = line,
            }),
            ["transactions"] = new JsonArray(new JsonObject { ["amount"] = "1400.00", ["kind"] = "refund", ["status"] = "success", ["currency"] = "INR" }),
        }.ToJsonString());
        var (cn, _) = Post(Assert.Single(PlatformSamples.Events(Shopify("refunds/create", refundBody)).Drafts).Event, order);
        Assert.Equal([("CGST", 140m), ("SGST", 140m), ("Cess", 120m)], cn.Lines[0].Taxes.Select(t => (t.Name, t.Amount)));
    }

    // ---------------------------------------------------------------- WooCommerce

    /// <summary>The coupon sample as 1 × 1000.00 with these (rate id, label, rate %, line tax) rates, shipped to (country, state); no shipping line.</summary>
    static byte[] WooOrder(string? country, string? state, params (int Id, string Label, decimal Percent, decimal Tax)[] rates) =>
        ShopSamples.Edited("woocommerce", "order-created--coupon-shipping.json", o =>
        {
            var li = o["line_items"]![0]!;
            var tax = rates.Sum(r => r.Tax).ToString("0.00", CultureInfo.InvariantCulture);
            li["quantity"] = 1; li["subtotal"] = "1000.00"; li["total"] = "1000.00"; li["subtotal_tax"] = tax; li["total_tax"] = tax; li["price"] = 1000;
            li["taxes"] = new JsonArray([.. rates.Select(r => (JsonNode)new JsonObject { ["id"] = r.Id, ["total"] = r.Tax.ToString(CultureInfo.InvariantCulture), ["subtotal"] = r.Tax.ToString(CultureInfo.InvariantCulture) })]);
            o["tax_lines"] = new JsonArray([.. rates.Select(r => (JsonNode)new JsonObject
            {
                ["id"] = 900 + r.Id, ["rate_code"] = $"IN-{state}-{r.Label.ToUpperInvariant()}-{r.Id}", ["rate_id"] = r.Id, ["label"] = r.Label, ["compound"] = false,
                ["tax_total"] = r.Tax.ToString("0.00", CultureInfo.InvariantCulture), ["shipping_tax_total"] = "0.00", ["rate_percent"] = r.Percent,
            })]);
            o["shipping_lines"] = new JsonArray();
            o["coupon_lines"] = new JsonArray();
            o["total"] = (1000m + rates.Sum(r => r.Tax)).ToString("0.00", CultureInfo.InvariantCulture);
            foreach (var a in new[] { "shipping", "billing" })
            {
                o[a]!["country"] = country;
                o[a]!["state"] = state;
            }
        });

    static SourceMapping Woo(byte[] body) =>
        new WooCommerceSource().Map(ShopSamples.Connection(Platform.WooCommerce), ShopSamples.Headers(("X-WC-Webhook-Topic", "order.created"), ("X-WC-Webhook-Delivery-ID", "d-1")), body, Now);

    [Fact]
    public void WooCommerce_state_codes_abroad_and_cess_rates()
    {
        var (ka, _) = Post(Sale(Woo(WooOrder("IN", "KA", (1, "CGST", 9, 90), (2, "SGST", 9, 90)))));
        Assert.Equal(("29", (90m, 90m, 0m)), (ka.PlaceOfSupply, Gst(ka)));
        var (mh, _) = Post(Sale(Woo(WooOrder("IN", "MH", (3, "IGST", 18, 180)))));
        Assert.Equal(("27", (0m, 0m, 180m)), (mh.PlaceOfSupply, Gst(mh)));
        // Shipped to California with 18 % charged: 96, IGST 180; with no tax: zero-rated.
        var (us, _) = Post(Sale(Woo(WooOrder("US", "CA", (3, "IGST", 18, 180)))));
        Assert.Equal(("96", (0m, 0m, 180m)), (us.PlaceOfSupply, Gst(us)));
        var (zero, _) = Post(Sale(Woo(WooOrder("US", "CA"))));
        Assert.Equal(("96", 0m, 1000m, TaxRules.ZeroRatedExport), (zero.PlaceOfSupply, zero.Totals.Tax, zero.Totals.Total, zero.SupplyType));
        // A "Compensation Cess" rate beside CGST and SGST: CGST 140 + SGST 140 + Cess 120, never folded into the GST.
        var (cess, _) = Post(Sale(Woo(WooOrder("IN", "KA", (1, "CGST", 14, 140), (2, "SGST", 14, 140), (4, "Compensation Cess", 12, 120)))));
        Assert.Equal(((140m, 140m, 0m), 120m, 1400m), (Gst(cess), Tax(cess, "Cess"), cess.Totals.Total));
        Assert.Contains(new JournalLine("Output Cess", 0, 120m), cess.Journal);
    }

    // ---------------------------------------------------------------- Jumpseller

    static readonly Connection JumpsellerShop = new() { Id = "c-js", Platform = Platform.Jumpseller, Name = "Jumpseller shop", StoreCode = "teststore" };

    /// <summary>order_paid as 1 × 1000 with tax 180 in INR, both addresses set to (country_code, region_code, region).</summary>
    static SourceMapping Jumpseller(string? countryCode, string? regionCode, string? region, decimal tax = 180)
    {
        var body = PlatformSamples.Edit("jumpseller", "order_paid.json", n =>
        {
            var o = n["order"]!;
            o["currency"] = "INR"; o["subtotal"] = 1000; o["tax"] = tax; o["shipping"] = 0; o["shipping_tax"] = 0; o["discount"] = 0; o["total"] = 1000 + tax;
            o["products"] = JsonNode.Parse($$"""[{"id":1001,"variant_id":null,"sku":"TSH-001","name":"T-Shirt","qty":1,"price":1000,"tax":{{tax.ToString(CultureInfo.InvariantCulture)}},"discount":0,"taxes":[]}]""");
            foreach (var a in new[] { "shipping_address", "billing_address" })
            {
                o[a]!["country_code"] = countryCode;
                o[a]!["region_code"] = regionCode;
                o[a]!["region"] = region;
            }
        });
        return new JumpsellerSource().Map(JumpsellerShop, new HeaderDictionary { [JumpsellerSource.EventHeader] = "order_paid" }, Encoding.UTF8.GetBytes(body), Now);
    }

    [Fact]
    public void Jumpseller_region_codes_go_through_the_state_table()
    {
        // country_code IN, region_code KA: Karnataka = home 29, CGST 90 + SGST 90 (compared raw, "KA" was IGST).
        var (ka, _) = Post(Sale(Jumpseller("IN", "KA", "Karnataka")));
        Assert.Equal(("29", (90m, 90m, 0m)), (ka.PlaceOfSupply, Gst(ka)));
        var (mh, _) = Post(Sale(Jumpseller("IN", "MH", "Maharashtra")));
        Assert.Equal(("27", (0m, 0m, 180m)), (mh.PlaceOfSupply, Gst(mh)));
        // A numeric region_code is not a GST code (GeoNames writes Karnataka 19, GST's West Bengal): the region name decides.
        Assert.Equal("29", Sale(Jumpseller("IN", "19", "Karnataka")).PlaceOfSupply);
        // Abroad: 96, IGST when charged; zero-rated when not.
        var (us, _) = Post(Sale(Jumpseller("US", "NY", "New York")));
        Assert.Equal(("96", (0m, 0m, 180m)), (us.PlaceOfSupply, Gst(us)));
        var (zero, _) = Post(Sale(Jumpseller("GB", "ENG", "England", tax: 0)));
        Assert.Equal(("96", 0m, TaxRules.ZeroRatedExport), (zero.PlaceOfSupply, zero.Totals.Tax, zero.SupplyType));
    }

    // ---------------------------------------------------------------- Selldone

    static readonly Connection SelldoneShop = new() { Id = "c-sd", Platform = Platform.Selldone, Name = "Selldone shop" };

    /// <summary>PaymentOrder as one item of 1000 with tax 180 in INR; receiver_info and billing as given (null: removed).</summary>
    static SourceMapping Selldone(JsonObject? receiver, JsonObject? billing, decimal tax = 180)
    {
        var body = PlatformSamples.Edit("selldone", "PaymentOrder.json", n =>
        {
            var b = n["basket"]!;
            b["currency"] = "INR"; b["discount"] = 0; b["tax"] = tax; b["delivery_price"] = 0; b["tax_shipping"] = 0; b["price"] = 1000;
            b["items"] = JsonNode.Parse("""[{"id":501,"product_id":3001,"variant_id":4001,"count":1,"price":1000,"dis":0,"offer_amount":0,"cross_dis":0,"product":{"id":3001,"title":"Ceramic Mug","sku":"MUG","type":"PHYSICAL"},"variant":{"id":4001,"sku":"MUG-BLUE"}}]""");
            b["receiver_info"] = receiver;
            b["billing"] = billing;
        });
        return new SelldoneSource().Map(SelldoneShop, new HeaderDictionary(), Encoding.UTF8.GetBytes(body), Now);
    }

    [Fact]
    public void Selldone_orders_carry_the_delivery_address_state_else_billing()
    {
        // receiver_info {country IN, state "Karnataka"} (what Selldone's order screen shows): home 29, CGST 90 + SGST 90.
        var (ka, _) = Post(Sale(Selldone(new JsonObject { ["country"] = "IN", ["state"] = "Karnataka", ["city"] = "Bengaluru" }, null)));
        Assert.Equal(("29", (90m, 90m, 0m)), (ka.PlaceOfSupply, Gst(ka)));
        // Delivered to Maharashtra, billed in Karnataka: the delivery address decides, IGST 180.
        var (mh, _) = Post(Sale(Selldone(new JsonObject { ["country"] = "IN", ["state"] = "Maharashtra" }, new JsonObject { ["country"] = "IN", ["state"] = "KA", ["name"] = "Asha" })));
        Assert.Equal(("27", (0m, 0m, 180m)), (mh.PlaceOfSupply, Gst(mh)));
        // No delivery address: the billing address's.
        Assert.Equal("27", Sale(Selldone(null, new JsonObject { ["country"] = "IN", ["state"] = "Maharashtra", ["name"] = "Asha" })).PlaceOfSupply);
        // The sample's buyer in the US: 96, IGST 180 on the tax charged.
        var (us, _) = Post(Sale(Selldone(new JsonObject { ["country"] = "US", ["city"] = "Austin" }, null)));
        Assert.Equal(("96", (0m, 0m, 180m)), (us.PlaceOfSupply, Gst(us)));
        // Neither address says where: home state assumed, and said so.
        var (none, _) = Post(Sale(Selldone(null, new JsonObject { ["name"] = "Asha", ["email"] = "asha@example.in" })));
        Assert.Equal(("29", true, (90m, 90m, 0m)), (none.PlaceOfSupply, none.PlaceOfSupplyAssumed, Gst(none)));
    }

    // ---------------------------------------------------------------- bookto

    [Fact]
    public void Bookto_buyers_abroad_are_exports_and_an_indian_buyer_without_a_state_is_assumed()
    {
        var source = new BooktoSource(Options.Create(new ConnectorOptions()));
        var shop = new Connection { Id = "c-bk", Platform = Platform.Bookto, Name = "bookto shop", WebhookSecret = "s" };
        CanonicalEvent Order(string country, string? state) => Sale(source.Map(shop, new HeaderDictionary { [BooktoSource.EventHeader] = "order.paid" },
            Encoding.UTF8.GetBytes(PlatformSamples.Edit("bookto", "order.paid.json", n =>
            {
                n["amount"] = JsonNode.Parse("""{"total_incl":1180.0,"excl_vat":1000.0,"vat":180.0,"vat_rate":18,"currency":"INR"}""");
                n["buyer"]!["country"] = country;
                if (state is not null) n["buyer"]!["state"] = state;
            })), Now));
        var (us, _) = Post(Order("US", null));
        Assert.Equal(("96", (0m, 0m, 180m), TaxRules.ExportWithIgst), (us.PlaceOfSupply, Gst(us), us.SupplyType));
        var (mh, _) = Post(Order("IN", "Maharashtra"));
        Assert.Equal(("27", (0m, 0m, 180m)), (mh.PlaceOfSupply, Gst(mh)));
        // An Indian buyer without a state (bookto sends a country only): the home state, assumed.
        var (india, _) = Post(Order("IN", null));
        Assert.Equal(("29", true, (90m, 90m, 0m)), (india.PlaceOfSupply, india.PlaceOfSupplyAssumed, Gst(india)));
    }
}
