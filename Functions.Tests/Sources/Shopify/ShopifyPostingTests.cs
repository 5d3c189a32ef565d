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

        // The orders/updated that follows shows current_quantity 1: the same as sale − refund, so nothing posts.
        var updated = ShopSamples.Edited("shopify", "orders-create--india-inclusive.json", o =>
        {
            o["updated_at"] = "2026-05-27T09:00:05+05:30";
            o["financial_status"] = "partially_refunded";
            o["line_items"]![0]!["current_quantity"] = 1;
        });
        Assert.Equal("accepted", await DeliverAsync(c, "orders/updated", updated));
        var settled = await _books.SettledActivityAsync(c.Id, Order, "orders/updated");
        Assert.Equal("posted", settled.GetProperty("status").GetString());
        Assert.Equal(2, (await _books.VouchersAsync(c.Id, Order, 2)).Length);

        // Cancelled: a credit note for what is still open (one unit, 118.00), the tin back in stock.
        var cancelled = ShopSamples.Edited("shopify", "orders-create--india-inclusive.json", o => { o["cancelled_at"] = "2026-05-28T10:00:00+05:30"; o["cancel_reason"] = "customer"; });
        Assert.Equal("accepted", await DeliverAsync(c, "orders/cancelled", cancelled));
        var notes = OfType(await _books.VouchersAsync(c.Id, Order, 3), "credit-note");
        Assert.Equal(2, notes.Length);
        Assert.Equal([118.00m, 118.00m], notes.Select(n => Total(n, "total")));
        Assert.Equal(10m, await _books.StockAsync("TEA-ASSAM-250"));
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
            using var r = await host.Http.SendAsync(host.Admin(HttpMethod.Get, "/api/admin/items/IPOD2008RED"));
            return r.IsSuccessStatusCode && JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("stock").GetDecimal() == 20m;
        }, "the product update to set IPOD2008RED's stock");
    }
}
