using System.Text.Json;
using System.Text.Json.Nodes;
using Connectors.Tests.Fixtures;
using Connectors.Tests.Posting;
using static Connectors.Tests.Posting.BooksClient;

namespace Connectors.Tests.Sources.WooCommerce;

/// <summary>WooCommerce deliveries through the real host, the queue trigger and the posting engine.</summary>
public sealed class WooPostingTests(HostFixture host) : IClassFixture<HostFixture>
{
    readonly BooksClient _books = new(host);

    async Task<string> DeliverAsync(string path, string? topic, byte[] body)
    {
        using var response = await host.Http.SendAsync(ShopSamples.Woo(path, topic, body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("status").GetString()!;
    }

    [Fact]
    public async Task An_order_with_a_coupon_and_shipping_posts_1121_and_a_listed_refund_credits_exactly_its_total()
    {
        await _books.PutItemAsync("COFFEE-500", "Filter Coffee 500 g", 10);
        var c = await host.CreateConnectionAsync("woocommerce");
        Assert.Equal("accepted", await DeliverAsync(c.Path, "order.created", ShopSamples.Bytes("woocommerce", "order-created--coupon-shipping.json")));

        // 2 × 500.00 − 100.00 coupon = 900.00 + 18 % (81.00 CGST + 81.00 SGST); shipping 50.00 + 9.00: total 1121.00.
        var sale = Assert.Single(await _books.VouchersAsync(c.Id, "312", 1));
        Assert.Equal((950.00m, 171.00m, 1121.00m), (Total(sale, "taxable"), Total(sale, "tax"), Total(sale, "total")));
        var lines = sale.GetProperty("lines").EnumerateArray().ToList();
        Assert.Equal(["COFFEE-500", "shipping"], lines.Select(l => l.GetProperty("sku").GetString()));
        Assert.Equal((900.00m, 81.00m, 81.00m), (lines[0].GetProperty("taxable").GetDecimal(), Tax(lines[0], "CGST"), Tax(lines[0], "SGST")));
        Assert.Equal((50.00m, 4.50m, 4.50m), (lines[1].GetProperty("taxable").GetDecimal(), Tax(lines[1], "CGST"), Tax(lines[1], "SGST")));
        AssertBalanced(sale);
        Assert.Equal(8m, await _books.StockAsync("COFFEE-500"));

        // Half refunded (560.50): one credit note of exactly 560.50, no stock back (Woo does not say what came back).
        var refunded = ShopSamples.Edited("woocommerce", "order-created--coupon-shipping.json", o =>
        {
            o["status"] = "completed";
            o["date_modified"] = "2026-05-27T10:00:00";
            o["date_modified_gmt"] = "2026-05-27T04:30:00";
            o["refunds"] = JsonNode.Parse("""[{"id":990,"reason":"damaged","total":"-560.50"}]""");
        });
        Assert.Equal("accepted", await DeliverAsync(c.Path, "order.updated", refunded));
        var cn = (await _books.VouchersAsync(c.Id, "312", 2)).Single(v => v.GetProperty("type").GetString() == "credit-note");
        Assert.Equal((475.00m, 85.50m, 560.50m), (Total(cn, "taxable"), Total(cn, "tax"), Total(cn, "total")));
        Assert.Equal("990", cn.GetProperty("reference").GetString());
        Assert.Equal(8m, await _books.StockAsync("COFFEE-500"));

        // The rest refunded later: the second credit note closes every line exactly (1121.00 credited in all).
        var all = ShopSamples.Edited("woocommerce", "order-created--coupon-shipping.json", o =>
        {
            o["status"] = "refunded";
            o["date_modified_gmt"] = "2026-05-28T04:30:00";
            o["refunds"] = JsonNode.Parse("""[{"id":991,"reason":"","total":"-560.50"},{"id":990,"reason":"damaged","total":"-560.50"}]""");
        });
        Assert.Equal("accepted", await DeliverAsync(c.Path, "order.updated", all));
        var notes = (await _books.VouchersAsync(c.Id, "312", 3)).Where(v => v.GetProperty("type").GetString() == "credit-note").ToList();
        Assert.Equal(1121.00m, notes.Sum(n => Total(n, "total")));
        Assert.Equal(171.00m, notes.Sum(n => Total(n, "tax")));
    }

    [Fact]
    public async Task An_on_hold_order_posts_once_when_it_reaches_processing_and_the_seed_body_posts_a_sale()
    {
        var c = await host.CreateConnectionAsync("woocommerce");
        Assert.Equal("recorded", await DeliverAsync(c.Path, "order.created", ShopSamples.Bytes("woocommerce", "order-created--on-hold.json")));
        Assert.Equal("accepted", await DeliverAsync(c.Path, "order.updated", ShopSamples.Bytes("woocommerce", "order-updated--on-hold-to-processing.json")));
        // MH (27) is not the home state (29): IGST 2.70 on 15.00.
        var sale = Assert.Single(await _books.VouchersAsync(c.Id, "205", 1));
        Assert.Equal((15.00m, 2.70m, 17.70m), (Total(sale, "taxable"), Total(sale, "tax"), Total(sale, "total")));
        Assert.Equal(2.70m, Tax(sale.GetProperty("lines")[0], "IGST"));
        await _books.SettledActivityAsync(c.Id, "205", "order.updated");
        Assert.Single(await _books.VouchersAsync(c.Id, "205", 1));

        Assert.Equal("accepted", await DeliverAsync(c.Path, null, ShopSamples.Bytes("woocommerce", "no-topic--seed-002.json")));
        var seed = Assert.Single(await _books.VouchersAsync(c.Id, "9999", 1));
        Assert.Equal(19.99m, Total(seed, "total"));
        Assert.Equal("woo:42", seed.GetProperty("lines")[0].GetProperty("sku").GetString());
    }

    [Fact]
    public async Task An_order_placed_in_march_and_paid_in_april_is_a_sale_of_the_new_financial_year()
    {
        // Placed on hold on 20 March 2026 (GST year 25-26), paid on 15 April 2026 (date_paid): SV/26-27/…, dated 15 April.
        void Dated(JsonObject o)
        {
            o["id"] = 2060;
            o["date_created"] = "2026-03-20T10:00:00";
            o["date_created_gmt"] = "2026-03-20T04:30:00";
        }
        var c = await host.CreateConnectionAsync("woocommerce");
        Assert.Equal("recorded", await DeliverAsync(c.Path, "order.created", ShopSamples.Edited("woocommerce", "order-created--on-hold.json", o =>
        {
            Dated(o);
            o["date_modified"] = "2026-03-20T10:00:01";
            o["date_modified_gmt"] = "2026-03-20T04:30:01";
        })));
        Assert.Equal("accepted", await DeliverAsync(c.Path, "order.updated", ShopSamples.Edited("woocommerce", "order-updated--on-hold-to-processing.json", o =>
        {
            Dated(o);
            o["date_modified"] = "2026-04-15T11:30:00";
            o["date_modified_gmt"] = "2026-04-15T06:00:00";
            o["date_paid"] = "2026-04-15T11:30:00";
            o["date_paid_gmt"] = "2026-04-15T06:00:00";
        })));
        var sale = Assert.Single(await _books.VouchersAsync(c.Id, "2060", 1));
        Assert.Equal("sales", sale.GetProperty("type").GetString());
        Assert.Equal("2026-04-15", sale.GetProperty("date").GetString());
        Assert.StartsWith("SV/26-27/", sale.GetProperty("number").GetString());
        Assert.Equal(17.70m, Total(sale, "total"));
    }
}
