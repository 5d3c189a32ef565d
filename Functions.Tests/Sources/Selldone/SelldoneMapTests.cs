using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using Connectors.Connections;
using Connectors.Ingest;
using Connectors.Sources;
using Connectors.Sources.Selldone;
using Microsoft.AspNetCore.Http;
using static Connectors.Tests.Sources.PlatformSamples;

namespace Connectors.Tests.Sources.Selldone;

/// <summary>Selldone's OnlineOrder actions against the sample files, with the basket's worked numbers.</summary>
public sealed class SelldoneMapTests
{
    static readonly Connection Shop = new() { Id = "c-sd", Platform = Platform.Selldone, Name = "Selldone shop" };
    static readonly DateTimeOffset Now = new(2026, 5, 2, 12, 0, 0, TimeSpan.Zero);

    static SourceMapping Map(string body) => new SelldoneSource().Map(Shop, new HeaderDictionary(), Encoding.UTF8.GetBytes(body), Now);
    static SourceMapping MapSample(string file) => Map(Text("selldone", file));

    [Fact]
    public void PaymentOrder_is_a_sale_with_the_worked_numbers()
    {
        var draft = Assert.Single(Events(MapSample("PaymentOrder.json")).Drafts);
        Assert.Equal("sale|7001", draft.DedupeKey);
        var e = draft.Event;
        Assert.Equal((EventKind.Sale, "7001", "SM-7001", "USD", false), (e.Kind, e.ExternalId, e.OrderName, e.Currency, e.PricesIncludeTax));
        Assert.Equal(new DateOnly(2026, 5, 2), e.Date);
        Assert.Equal("US", e.Country);
        Assert.Equal("US123456789", e.Customer!.Key);
        Assert.Equal("Acme LLC", e.Customer.Name);
        Assert.Equal("sara@example.com", e.Customer.Email);

        Assert.Equal(3, e.Lines.Count);
        // basket.discount 25.20 = product dis 2 x 5.00 + offer 6.00 + cross-sell 2.00 + a 7.20 code: only the code is left to spread.
        // Mug: 2 x 30.00 - offer 6.00 = 54.00; its share of the 7.20 code is 5.40 and of the 6.48 tax 4.86.
        var mug = e.Lines[0];
        Assert.Equal(("MUG-BLUE", "Ceramic Mug", 2m, 30.00m, 11.40m, 4.86m, 10m, false), (mug.Sku, mug.Description, mug.Quantity, mug.Rate, mug.Discount, mug.TaxAmount, mug.TaxRate, mug.IsService));
        // Tee: 20.00 - cross-sell 2.00 = 18.00; code share 1.80, tax share 1.62.
        var tee = e.Lines[1];
        Assert.Equal(("TEE-S", 1m, 20.00m, 3.80m, 1.62m, 10m), (tee.Sku, tee.Quantity, tee.Rate, tee.Discount, tee.TaxAmount, tee.TaxRate));
        var shipping = e.Lines[2];
        Assert.Equal(("shipping", 10.00m, 1.00m, 10m, true), (shipping.Sku, shipping.Rate, shipping.TaxAmount, shipping.TaxRate, shipping.IsService));
        // 64.80 + 6.48 + 10.00 + 1.00 = Selldone's final price: price 74.80 + tax 6.48 + tax_shipping 1.00.
        Assert.Equal(82.28m, PostedTotal(e));
        Assert.Equal(82.28m, SelldoneFinalPrice(Text("selldone", "PaymentOrder.json")));
    }

    [Fact]
    public void PaymentOrder_is_dated_when_the_buyer_paid_the_baskets_updated_at_not_its_created_at()
    {
        // Basket opened on 20 March 2026, paid (PaymentOrder) on 15 April 2026: a sale of GST year 26-27.
        var body = Edit("selldone", "PaymentOrder.json", o =>
        {
            o["basket"]!["created_at"] = "2026-03-20T10:00:00.000000Z";
            o["basket"]!["reserved_at"] = "2026-03-20T10:01:00.000000Z";
            o["basket"]!["updated_at"] = "2026-04-15T09:12:30.000000Z";
        });
        var e = Assert.Single(Events(Map(body)).Drafts).Event;
        Assert.Equal(new DateOnly(2026, 4, 15), e.Date);
        Assert.Equal(new DateTimeOffset(2026, 4, 15, 9, 12, 30, TimeSpan.Zero), e.DateUtc);
        Assert.Equal("26-27", Connectors.Books.FinancialYear.Label(e.Date, 4));
        // A basket without updated_at falls back to created_at.
        var bare = Edit("selldone", "PaymentOrder.json", o => { o["basket"]!["created_at"] = "2026-03-20T10:00:00.000000Z"; o["basket"]!.AsObject().Remove("updated_at"); });
        Assert.Equal(new DateOnly(2026, 3, 20), Assert.Single(Events(Map(bare)).Drafts).Event.Date);
    }

    /// <summary>What the buyer pays by Selldone's own order screens (BOrderPaymentTable.vue, SOrderBillCard.vue).</summary>
    static decimal SelldoneFinalPrice(string body)
    {
        var b = JsonNode.Parse(body)!["basket"]!;
        return b["price"]!.GetValue<decimal>() + (b["tax_included"]!.GetValue<bool>() ? 0 : b["tax"]!.GetValue<decimal>()) + b["tax_shipping"]!.GetValue<decimal>();
    }

    /// <summary>What the posted lines come to: gross lines as they are, net lines plus their tax.</summary>
    static decimal PostedTotal(CanonicalEvent e) =>
        e.Lines.Sum(l => l.Quantity * l.Rate - l.Discount + (e.PricesIncludeTax ? 0 : l.TaxAmount!.Value));

    [Fact]
    public void Offers_cross_sells_coupon_and_code_are_each_taken_off_once()
    {
        // A 3.00 coupon on top of the sample: discount 28.20 = dis 10.00 + offer 6.00 + cross 2.00 + code 7.20 + coupon 3.00;
        // price = 90.00 raw - 28.20 + 10.00 delivery = 71.80; tax 6.18 (10 % of 61.80); final 71.80 + 6.18 + 1.00 = 78.98.
        var body = Edit("selldone", "PaymentOrder.json", o =>
        {
            o["basket"]!["discount"] = 28.20m;
            o["basket"]!["price"] = 71.80m;
            o["basket"]!["tax"] = 6.18m;
        });
        var e = Assert.Single(Events(Map(body)).Drafts).Event;
        // The 10.20 left (code + coupon) splits 7.65 / 2.55: mug 54.00 - 7.65 = 46.35, tee 18.00 - 2.55 = 15.45.
        Assert.Equal(new[] { 6.00m + 7.65m, 2.00m + 2.55m, 0m }, e.Lines.Select(l => l.Discount));
        // Tax 6.18 on 46.35 / 15.45: 4.635 and 1.545 round to 4.64 + 1.55 = 6.19, the extra cent comes off the larger line.
        Assert.Equal(new[] { 4.63m, 1.55m, 1.00m }, e.Lines.Select(l => l.TaxAmount!.Value));
        Assert.Equal(78.98m, SelldoneFinalPrice(body));
        Assert.Equal(78.98m, PostedTotal(e));
    }

    [Fact]
    public void A_basket_discount_made_only_of_item_discounts_spreads_nothing_more()
    {
        // discount 18.00 = dis 10.00 + offer 6.00 + cross 2.00: reading it as a code would have taken 18.00 off a second time.
        var body = Edit("selldone", "PaymentOrder.json", o =>
        {
            o["basket"]!["discount"] = 18.00m;
            o["basket"]!["price"] = 82.00m;
            o["basket"]!["tax"] = 7.20m;
        });
        var e = Assert.Single(Events(Map(body)).Drafts).Event;
        Assert.Equal(new[] { 6.00m, 2.00m, 0m }, e.Lines.Select(l => l.Discount));
        Assert.Equal(new[] { 5.40m, 1.80m, 1.00m }, e.Lines.Select(l => l.TaxAmount!.Value));
        // 72.00 + 7.20 + 10.00 + 1.00 = 82.00 + 7.20 + 1.00.
        Assert.Equal(90.20m, SelldoneFinalPrice(body));
        Assert.Equal(90.20m, PostedTotal(e));
    }

    [Fact]
    public void A_basket_discount_smaller_than_its_items_own_is_unprocessable_not_guessed()
    {
        // 7.20 cannot hold the items' 18.00 of dis, offer and cross-sell: the basket contradicts Selldone's total-discount reading.
        var invalid = Assert.IsType<SourceMapping.Invalid>(Map(Edit("selldone", "PaymentOrder.json", o => o["basket"]!["discount"] = 7.20m)));
        Assert.Contains("basket.discount", invalid.Error);
    }

    /// <summary>A tax-inclusive (21 %) shop with a product discount, a cross-sell, a 10.00 code and 2.10 shipping tax (own SKUs, so its stock is its own).</summary>
    public static string InclusiveBasket(int id = 7001) => Edit("selldone", "PaymentOrder.json", o =>
    {
        var b = o["basket"]!;
        b["id"] = id;
        b["code"] = $"SM-{id}";
        b["tax_included"] = true;
        // raw 2 x (60.50 + 5.00) + 24.20 = 155.20; discount 22.20 = dis 10.00 + cross 2.20 + code 10.00; price 155.20 - 22.20 + 10.00.
        b["discount"] = 22.20m;
        b["price"] = 143.00m;
        b["tax"] = 23.08m;
        b["delivery_price"] = 10.00m;
        b["tax_shipping"] = 2.10m;
        var mug = b["items"]![0]!;
        mug["price"] = 60.50m;
        mug["dis"] = 5.00m;
        mug["offer_amount"] = 0m;
        mug["cross_dis"] = 0m;
        mug["variant"]!["sku"] = "VASE-GREEN";
        var tee = b["items"]![1]!;
        tee["product"]!["sku"] = "CARD-A";
        tee["price"] = 24.20m;
        tee["cross_dis"] = 2.20m;
    });

    [Fact]
    public void A_tax_inclusive_shop_adds_its_shipping_tax_on_top_of_the_delivery_price()
    {
        var e = Assert.Single(Events(Map(InclusiveBasket())).Drafts).Event;
        Assert.True(e.PricesIncludeTax);
        // Nets 121.00 / 22.00; the 10.00 code splits 8.46 / 1.54 -> 112.54 / 20.46 gross, holding 19.53 / 3.55 of the 23.08 tax.
        Assert.Equal(new[] { (2m, 60.50m, 8.46m, 19.53m, 21.00m), (1m, 24.20m, 3.74m, 3.55m, 20.99m) },
            e.Lines.Take(2).Select(l => (l.Quantity, l.Rate, l.Discount, l.TaxAmount!.Value, l.TaxRate)));
        // Shipping 10.00 + 2.10 tax = a 12.10 gross line at 21 %.
        var shipping = e.Lines[2];
        Assert.Equal(("shipping", 12.10m, 2.10m, 21.00m), (shipping.Sku, shipping.Rate, shipping.TaxAmount!.Value, shipping.TaxRate));
        // 112.54 + 20.46 + 12.10 = 145.10 = Selldone's price 143.00 + tax_shipping 2.10 (tax 23.08 is inside the price).
        Assert.Equal(145.10m, SelldoneFinalPrice(InclusiveBasket()));
        Assert.Equal(145.10m, PostedTotal(e));
    }

    [Fact]
    public void A_service_basket_moves_no_stock()
    {
        var e = Assert.Single(Events(MapSample("PaymentOrder.service.json")).Drafts).Event;
        var line = Assert.Single(e.Lines);
        Assert.Equal(("CONSULT-1H", 120.00m, true), (line.Sku, line.Rate, line.IsService));
    }

    [Theory]
    [InlineData("VIRTUAL")]
    [InlineData("FILE")]
    [InlineData("SUBSCRIPTION")]
    [InlineData("SERVICE")]
    public void Non_physical_order_types_move_no_stock(string type)
    {
        var body = Edit("selldone", "PaymentOrder.json", o => o["basket"]!["type"] = type);
        Assert.All(Assert.Single(Events(Map(body)).Drafts).Event.Lines, l => Assert.True(l.IsService));
    }

    [Fact]
    public void CancelProduct_is_a_restocked_credit_note_for_the_cancelled_item_only()
    {
        var draft = Assert.Single(Events(MapSample("CancelProduct.json")).Drafts);
        Assert.Equal("refund|7001|cancel|502", draft.DedupeKey);
        var e = draft.Event;
        Assert.Equal((EventKind.Refund, "7001", "cancel-502"), (e.Kind, e.ExternalId, e.RefundId));
        Assert.Equal(new DateOnly(2026, 5, 3), e.Date);
        var line = Assert.Single(e.Lines);
        Assert.Equal(("TEE-S", 1m, 20.00m, 3.80m, 10m, true), (line.Sku, line.Quantity, line.Rate, line.Discount, line.TaxRate, line.Restock));
    }

    [Fact]
    public void CancelProduct_can_name_its_item_in_the_envelope()
    {
        var body = Edit("selldone", "PaymentOrder.json", o => { o["action"] = "CancelProduct"; o["item"] = new JsonObject { ["id"] = 501 }; });
        Assert.Equal("refund|7001|cancel|501", Assert.Single(Events(Map(body)).Drafts).DedupeKey);
    }

    [Fact]
    public void CancelProduct_that_names_no_item_is_unprocessable_not_guessed()
    {
        var body = Edit("selldone", "PaymentOrder.json", o => o["action"] = "CancelProduct");
        Assert.Contains("cancelled item", Assert.IsType<SourceMapping.Invalid>(Map(body)).Error);
    }

    [Fact]
    public void ReturnOrder_is_a_restocked_credit_note_for_the_returned_quantity()
    {
        var draft = Assert.Single(Events(MapSample("ReturnOrder.json")).Drafts);
        Assert.Equal("refund|7001|return|501", draft.DedupeKey);
        Assert.Equal((EventKind.Refund, "return-501"), (draft.Event.Kind, draft.Event.RefundId));
        var line = Assert.Single(draft.Event.Lines);
        // One of the two mugs comes back, with half of the line's 11.40 discount.
        Assert.Equal(("MUG-BLUE", 1m, 30.00m, 5.70m, true), (line.Sku, line.Quantity, line.Rate, line.Discount, line.Restock));
    }

    [Fact]
    public void ReturnOrder_without_return_requests_returns_the_whole_order()
    {
        var body = Edit("selldone", "PaymentOrder.json", o => o["action"] = "ReturnOrder");
        var drafts = Events(Map(body)).Drafts;
        Assert.Equal(new[] { "refund|7001|return|501", "refund|7001|return|502" }, drafts.Select(d => d.DedupeKey));
    }

    [Theory]
    [InlineData("CheckoutOrder.json")]
    [InlineData("OrderConfirm.json")]
    [InlineData("PreparingOrder.json")]
    [InlineData("SentOrder.json")]
    [InlineData("ToCustomer.json")]
    [InlineData("DeliveryCanceled.json")]
    public void Status_steps_are_recorded_on_the_order(string file)
    {
        var recorded = Assert.IsType<SourceMapping.Recorded>(MapSample(file));
        Assert.Equal("7001", recorded.ExternalId);
        Assert.Contains(file[..^5], recorded.Status);
    }

    [Fact]
    public void Unknown_actions_and_other_webhooks_are_ignored()
    {
        Assert.IsType<SourceMapping.Ignored>(Map(Edit("selldone", "PaymentOrder.json", o => o["action"] = "RefundWallet")));
        Assert.IsType<SourceMapping.Ignored>(Map(Edit("selldone", "PaymentOrder.json", o => o["event"] = "AvocadoOrder")));
    }

    [Fact]
    public void A_basket_without_items_is_invalid_and_says_so()
    {
        var invalid = Assert.IsType<SourceMapping.Invalid>(Map(Edit("selldone", "PaymentOrder.json", o => o["basket"]!["items"] = new JsonArray())));
        Assert.Contains("basket.items", invalid.Error);
        Assert.Equal("7001", invalid.ExternalId);
    }

    [Fact]
    public void Spreading_an_amount_keeps_every_cent()
    {
        var parts = SelldoneBasket.Spread(10.00m, [1m, 1m, 1m]);
        Assert.Equal(10.00m, parts.Sum());
        Assert.Equal(new[] { 3.34m, 3.33m, 3.33m }, parts);
    }

    [Fact]
    public void Spread_parts_always_add_up_to_the_amount_and_stay_within_a_cent_per_part_of_their_share()
    {
        var cents = Gen.Int[0, 10_000_000].Select(n => n / 100m);
        var weights = Gen.Int[1, 1_000_000].Select(n => n / 100m).Array[1, 20];
        Gen.Select(cents, weights).Sample((amount, w) =>
        {
            var parts = SelldoneBasket.Spread(amount, w);
            var total = w.Sum();
            return parts.Sum() == amount && parts.All(p => decimal.Round(p, 2) == p)
                && parts.Select((p, k) => Math.Abs(p - amount * w[k] / total)).All(d => d <= 0.005m * w.Length + 0.01m);
        });
    }
}
