using System.Text.Json;
using System.Text.Json.Nodes;
using Connectors.Tests.Fixtures;
using Connectors.Tests.Posting;
using static Connectors.Tests.Posting.BooksClient;

namespace Connectors.Tests.Sources.Shopify;

/// <summary>Shopify deliveries through the real host, the queue trigger and the posting engine, to vouchers and stock.</summary>
public sealed class ShopifyPostingTests(HostFixture host) : IClassFixture<HostFixture>
{
    readonly BooksClient _books = new(host);
    const string Order = "5734112657458";

    async Task<string> DeliverAsync(CreatedConnection c, string topic, byte[] body)
    {
        using var response = await host.Http.SendAsync(ShopSamples.Shopify(c.Path, topic, body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("status").GetString()!;
    }

    static JsonElement[] OfType(JsonElement[] vouchers, string type) => vouchers.Where(v => v.GetProperty("type").GetString() == type).ToArray();

    /// <summary>A refunds/create body for the India sample: one unit of its line, 118.00 incl. 18.00 tax, returned to stock.</summary>
    static byte[] RefundOfOneUnit()
    {
        var line = JsonNode.Parse(ShopSamples.Bytes("shopify", "orders-create--india-inclusive.json"))!["line_items"]![0]!.DeepClone();
        var refund = new JsonObject
        {
            ["id"] = 931800000001L, ["order_id"] = long.Parse(Order), ["created_at"] = "2026-05-27T09:00:00+05:30", ["note"] = "one tin dented", ["restock"] = true,
            ["refund_line_items"] = new JsonArray(new JsonObject
            {
                ["id"] = 931800000101L, ["quantity"] = 1, ["line_item_id"] = 14107866775858L, ["restock_type"] = "return",
                ["subtotal"] = "118.00", ["total_tax"] = "18.00", ["line_item"] = line,
            }),
            ["transactions"] = new JsonArray(new JsonObject { ["amount"] = "118.00", ["kind"] = "refund", ["status"] = "success", ["currency"] = "INR", ["test"] = false }),
            ["order_adjustments"] = new JsonArray(),
        };
        return System.Text.Encoding.UTF8.GetBytes(refund.ToJsonString());
    }

    [Fact]
    public async Task A_tax_inclusive_order_posts_taxable_200_tax_36_total_236_and_its_refund_update_and_cancel_follow()
    {
        await _books.PutItemAsync("TEA-ASSAM-250", "Assam Tea 250 g", 10);
        var c = await host.CreateConnectionAsync("shopify");

        // 2 × 118.00 including 18 % GST, Karnataka (29 = the home state): CGST 18.00 + SGST 18.00 as Shopify stated them.
        Assert.Equal("accepted", await DeliverAsync(c, "orders/create", ShopSamples.Bytes("shopify", "orders-create--india-inclusive.json")));
        var sale = Assert.Single(await _books.VouchersAsync(c.Id, Order, 1));
        Assert.Equal("sales", sale.GetProperty("type").GetString());
        Assert.Equal((200.00m, 36.00m, 236.00m), (Total(sale, "taxable"), Total(sale, "tax"), Total(sale, "total")));
        var line = sale.GetProperty("lines")[0];
        Assert.Equal((18.00m, 18.00m, 0m), (Tax(line, "CGST"), Tax(line, "SGST"), Tax(line, "IGST")));
        Assert.Equal("29", sale.GetProperty("placeOfSupply").GetString());
        Assert.Equal("2026-05-25", sale.GetProperty("date").GetString());
        AssertBalanced(sale);
        Assert.Equal(8m, await _books.StockAsync("TEA-ASSAM-250"));

        // orders/paid on a saleOn=create connection only records the payment.
        Assert.Equal("recorded", await DeliverAsync(c, "orders/paid", ShopSamples.Bytes("shopify", "orders-create--india-inclusive.json")));

        // One unit refunded and returned: a credit note of 100.00 + 18.00, one tin back in stock.
        Assert.Equal("accepted", await DeliverAsync(c, "refunds/create", RefundOfOneUnit()));
        var cn = Assert.Single(OfType(await _books.VouchersAsync(c.Id, Order, 2), "credit-note"));
        Assert.Equal((100.00m, 18.00m, 118.00m), (Total(cn, "taxable"), Total(cn, "tax"), Total(cn, "total")));
        Assert.Equal(sale.GetProperty("number").GetString(), cn.GetProperty("linkedTo").GetString());
        Assert.Equal(9m, await _books.StockAsync("TEA-ASSAM-250"));

        // The orders/updated that follows shows current_quantity 1 and lists the refund, as Shopify sends it: read net of
        // that refund (1 + 1 = the 2 sold), and the listed refund is the one already credited, so nothing posts.
        var updated = ShopSamples.Edited("shopify", "orders-create--india-inclusive.json", o =>
        {
            o["updated_at"] = "2026-05-27T09:00:05+05:30";
            o["financial_status"] = "partially_refunded";
            o["line_items"]![0]!["current_quantity"] = 1;
            o["refunds"] = new JsonArray(JsonNode.Parse(RefundOfOneUnit()));
        });
        Assert.Equal("accepted", await DeliverAsync(c, "orders/updated", updated));
        var settled = await _books.SettledActivityAsync(c.Id, Order, "orders/updated");
        Assert.Equal("posted", settled.GetProperty("status").GetString());
        Assert.Equal(2, (await _books.VouchersAsync(c.Id, Order, 2)).Length);

        // Cancelled with the last unit restocked: Shopify lists the cancellation's refund (restock_type cancel), which
        // credits what is still open (one unit, 118.00) and puts the tin back in stock.
        var cancelled = ShopSamples.Edited("shopify", "orders-create--india-inclusive.json", o =>
        {
            o["cancelled_at"] = "2026-05-28T10:00:00+05:30";
            o["updated_at"] = "2026-05-28T10:00:00+05:30";
            o["cancel_reason"] = "customer";
            var refund = JsonNode.Parse(RefundOfOneUnit())!;
            refund["id"] = 931800000002L;
            refund["refund_line_items"]![0]!["id"] = 931800000102L;
            refund["refund_line_items"]![0]!["restock_type"] = "cancel";
            o["refunds"] = new JsonArray(JsonNode.Parse(RefundOfOneUnit()), refund);
        });
        Assert.Equal("accepted", await DeliverAsync(c, "orders/cancelled", cancelled));
        var notes = OfType(await _books.VouchersAsync(c.Id, Order, 3), "credit-note");
        Assert.Equal(2, notes.Length);
        Assert.Equal([118.00m, 118.00m], notes.Select(n => Total(n, "total")));
        Assert.Equal(10m, await _books.StockAsync("TEA-ASSAM-250"));
    }

    [Fact]
    public async Task A_refunds_credit_note_meets_the_refund_transactions_and_one_beyond_the_limit_fails_with_both_figures()
    {
        await _books.PutItemAsync("TEA-ASSAM-250", "Assam Tea 250 g", 10);
        var c = await host.CreateConnectionAsync("shopify");
        Assert.Equal("accepted", await DeliverAsync(c, "orders/create", ShopSamples.Bytes("shopify", "orders-create--india-inclusive.json")));
        await _books.VouchersAsync(c.Id, Order, 1);

        // One unit (118.00) for which the shop returned 118.50: the credit note is 118.50, with Round off 0.50.
        var refund = JsonNode.Parse(RefundOfOneUnit())!;
        refund["transactions"]![0]!["amount"] = "118.50";
        Assert.Equal("accepted", await DeliverAsync(c, "refunds/create", System.Text.Encoding.UTF8.GetBytes(refund.ToJsonString())));
        var cn = Assert.Single(OfType(await _books.VouchersAsync(c.Id, Order, 2), "credit-note"));
        // Taxable 100.00 + the 0.50 round-off, tax 18.00 as the unit was sold.
        Assert.Equal((100.50m, 18.00m, 118.50m, 118.50m), (Total(cn, "taxable"), Total(cn, "tax"), Total(cn, "total"), cn.GetProperty("platformTotal").GetDecimal()));
        var roundOff = cn.GetProperty("lines").EnumerateArray().Single(l => l.TryGetProperty("account", out var a) && a.GetString() == "Round off");
        Assert.Equal(0.50m, roundOff.GetProperty("taxable").GetDecimal());
        AssertBalanced(cn);

        // The second unit for which it says it returned 120.01: 2.01 apart, beyond the 1.00 limit: the refund fails, nothing posts.
        var far = JsonNode.Parse(RefundOfOneUnit())!;
        far["id"] = 931800000003L;
        far["refund_line_items"]![0]!["id"] = 931800000103L;
        far["transactions"]![0]!["amount"] = "120.01";
        Assert.Equal("accepted", await DeliverAsync(c, "refunds/create", System.Text.Encoding.UTF8.GetBytes(far.ToJsonString())));
        JsonElement failed = default;
        await HostFixture.Eventually(async () =>
        {
            var entries = (await host.AdminJsonAsync(HttpMethod.Get, $"/api/manage/connections/{c.Id}/activity?top=200")).EnumerateArray();
            foreach (var e in entries.Where(e => e.GetProperty("status").GetString() == "failed")) { failed = e.Clone(); return true; }
            return false;
        }, "the refund beyond the round-off limit to fail");
        Assert.Contains("credits 118.00 but the platform returned 120.01", failed.GetProperty("reason").GetString());
        Assert.Equal(2, (await _books.VouchersAsync(c.Id, Order, 2)).Length);
    }

    /// <summary>The India sample with 59.00 shipping including 18 % GST (CGST 4.50 + SGST 4.50), under another order id.</summary>
    static byte[] OrderWithShipping(long id) => ShopSamples.Edited("shopify", "orders-create--india-inclusive.json", o =>
    {
        o["id"] = id;
        o["total_price"] = "295.00";
        o["shipping_lines"] = JsonNode.Parse("""
            [{"id":4471236001,"title":"Standard","code":"Standard","price":"59.00","discounted_price":"59.00","discount_allocations":[],
              "tax_lines":[{"title":"CGST","price":"4.50","rate":0.09},{"title":"SGST","price":"4.50","rate":0.09}]}]
            """);
    });

    /// <summary>A refunds/create body in the Admin API 2024-10 shape: 50.00 shipping (net) in refund_shipping_lines, optionally one tin too.</summary>
    static byte[] ShippingRefund(long orderId, long refundId, bool withOneTin, bool withLegacyAdjustment)
    {
        var refund = JsonNode.Parse(RefundOfOneUnit())!.AsObject();
        refund["id"] = refundId;
        refund["order_id"] = orderId;
        if (!withOneTin) refund["refund_line_items"] = new JsonArray();
        refund["refund_shipping_lines"] = JsonNode.Parse("""
            [{"id":7120001,"shipping_line_id":4471236001,
              "subtotal_amount_set":{"shop_money":{"amount":"50.00","currency_code":"INR"},"presentment_money":{"amount":"50.00","currency_code":"INR"}},
              "shipping_line":{"id":4471236001,"title":"Standard","price":"59.00","tax_lines":[{"title":"CGST","price":"4.50","rate":0.09},{"title":"SGST","price":"4.50","rate":0.09}]}}]
            """);
        refund["order_adjustments"] = withLegacyAdjustment
            ? JsonNode.Parse("""[{"id":1,"kind":"shipping_refund","reason":"Shipping refund","amount":"-50.00","tax_amount":"-9.00"}]""")
            : new JsonArray();
        refund["transactions"]![0]!["amount"] = withOneTin ? "177.00" : "59.00";
        return System.Text.Encoding.UTF8.GetBytes(refund.ToJsonString());
    }

    [Fact]
    public async Task Refund_shipping_lines_credit_the_shipping_and_a_refund_with_both_shapes_credits_it_once()
    {
        await _books.PutItemAsync("TEA-ASSAM-250", "Assam Tea 250 g", 10);
        var c = await host.CreateConnectionAsync("shopify");

        // Sale: 2 × 118.00 (200.00 + 36.00) and shipping 59.00 (50.00 + 9.00) → 250.00 + 45.00 = 295.00.
        const long first = 5734112658001;
        Assert.Equal("accepted", await DeliverAsync(c, "orders/create", OrderWithShipping(first)));
        var sale = Assert.Single(await _books.VouchersAsync(c.Id, first.ToString(), 1));
        Assert.Equal((250.00m, 45.00m, 295.00m), (Total(sale, "taxable"), Total(sale, "tax"), Total(sale, "total")));

        // A shipping-only refund, 2024-10 shape (no adjustment): credit note 50.00 + CGST 4.50 + SGST 4.50 = 59.00, no stock moves.
        Assert.Equal("accepted", await DeliverAsync(c, "refunds/create", ShippingRefund(first, 931800000201, withOneTin: false, withLegacyAdjustment: false)));
        var cn = Assert.Single(OfType(await _books.VouchersAsync(c.Id, first.ToString(), 2), "credit-note"));
        Assert.Equal((50.00m, 9.00m, 59.00m), (Total(cn, "taxable"), Total(cn, "tax"), Total(cn, "total")));
        var shipping = Assert.Single(cn.GetProperty("lines").EnumerateArray());
        Assert.Equal((4.50m, 4.50m), (Tax(shipping, "CGST"), Tax(shipping, "SGST")));
        AssertBalanced(cn);
        Assert.Equal(8m, await _books.StockAsync("TEA-ASSAM-250"));

        // One tin and the shipping, with both shapes as Shopify sends them now: 100.00 + 18.00 and 50.00 + 9.00 once = 177.00.
        const long second = 5734112658002;
        Assert.Equal("accepted", await DeliverAsync(c, "orders/create", OrderWithShipping(second)));
        Assert.Equal("accepted", await DeliverAsync(c, "refunds/create", ShippingRefund(second, 931800000202, withOneTin: true, withLegacyAdjustment: true)));
        var mixed = Assert.Single(OfType(await _books.VouchersAsync(c.Id, second.ToString(), 2), "credit-note"));
        Assert.Equal((150.00m, 27.00m, 177.00m), (Total(mixed, "taxable"), Total(mixed, "tax"), Total(mixed, "total")));
        Assert.Equal(2, mixed.GetProperty("lines").GetArrayLength());
        AssertBalanced(mixed);
        Assert.Equal(7m, await _books.StockAsync("TEA-ASSAM-250")); // 10 − 2 − 2 + 1 returned
    }

    /// <summary>The India sample as another order (an unmapped SKU, so no stock moves), processed and updated when given.</summary>
    static byte[] DatedOrder(long id, string processedAt, string? updatedAt = null) => ShopSamples.Edited("shopify", "orders-create--india-inclusive.json", o =>
    {
        o["id"] = id;
        o["created_at"] = processedAt;
        o["processed_at"] = processedAt;
        o["updated_at"] = updatedAt ?? processedAt;
        o["line_items"]![0]!["sku"] = "TEA-DATED-1";
    });

    static (string Series, int Sequence) NumberOf(JsonElement voucher)
    {
        var parts = voucher.GetProperty("number").GetString()!.Split('/');
        return ($"{parts[0]}/{parts[1]}", int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task A_sale_is_dated_and_numbered_in_the_year_it_became_a_sale_and_a_late_sale_takes_its_years_next_number()
    {
        // saleOn=paid: placed on 20 March 2026 (GST year 25-26), paid on 15 April 2026: a sale of 15 April, SV/26-27/….
        var onPayment = await host.CreateConnectionAsync("shopify", extra: new { saleOn = "paid" });
        Assert.Equal("recorded", await DeliverAsync(onPayment, "orders/create", DatedOrder(5734112650001, "2026-03-20T10:00:00+05:30")));
        Assert.Equal("accepted", await DeliverAsync(onPayment, "orders/paid", DatedOrder(5734112650001, "2026-03-20T10:00:00+05:30", "2026-04-15T11:30:00+05:30")));
        var paid = Assert.Single(await _books.VouchersAsync(onPayment.Id, "5734112650001", 1));
        Assert.Equal("2026-04-15", paid.GetProperty("date").GetString());
        Assert.Equal("SV/26-27", NumberOf(paid).Series);
        Assert.Equal(236.00m, Total(paid, "total"));

        // saleOn=create: processed_at dates it. A sale of 31 March posts first; one of 20 March arriving later is still
        // a 25-26 sale and takes that series' next number: numbers follow posting order, not the dates.
        var onCreate = await host.CreateConnectionAsync("shopify");
        Assert.Equal("accepted", await DeliverAsync(onCreate, "orders/create", DatedOrder(5734112650002, "2026-03-31T18:00:00+05:30")));
        var march31 = Assert.Single(await _books.VouchersAsync(onCreate.Id, "5734112650002", 1));
        Assert.Equal("accepted", await DeliverAsync(onCreate, "orders/create", DatedOrder(5734112650003, "2026-03-20T09:00:00+05:30")));
        var march20 = Assert.Single(await _books.VouchersAsync(onCreate.Id, "5734112650003", 1));
        Assert.Equal(("2026-03-31", "2026-03-20"), (march31.GetProperty("date").GetString(), march20.GetProperty("date").GetString()));
        Assert.Equal(("SV/25-26", "SV/25-26"), (NumberOf(march31).Series, NumberOf(march20).Series));
        Assert.Equal(NumberOf(march31).Sequence + 1, NumberOf(march20).Sequence);
    }

    [Fact]
    public async Task A_test_order_posts_in_the_test_series_and_a_product_update_sets_the_item()
    {
        var c = await host.CreateConnectionAsync("shopify");
        var test = ShopSamples.Edited("shopify", "orders-create--india-inclusive.json", o => { o["id"] = 5734112657999L; o["test"] = true; });
        Assert.Equal("accepted", await DeliverAsync(c, "orders/create", test));
        var voucher = Assert.Single(await _books.VouchersAsync(c.Id, "5734112657999", 1));
        Assert.True(voucher.GetProperty("isTest").GetBoolean());
        Assert.StartsWith("TSV/", voucher.GetProperty("number").GetString());

        Assert.Equal("accepted", await DeliverAsync(c, "products/update", ShopSamples.Bytes("shopify", "products-update.json")));
        await HostFixture.Eventually(async () =>
        {
            using var r = await host.Http.SendAsync(host.Admin(HttpMethod.Get, "/api/manage/items/IPOD2008RED"));
            return r.IsSuccessStatusCode && JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("stock").GetDecimal() == 20m;
        }, "the product update to set IPOD2008RED's stock");
    }
}
