using System.Text.Json;
using System.Text.Json.Nodes;
using Connectors.Tests.Fixtures;
using Connectors.Tests.Posting;
using static Connectors.Tests.Posting.BooksClient;

namespace Connectors.Tests.Sources.Shopify;

/// <summary>
/// Place of supply and cess through the real host (GST books, home state 29): what GET /api/manage/vouchers/{number}
/// shows for an export, an order without an address, and a Compensation Cess line.
/// </summary>
public sealed class ShopifyPlaceOfSupplyPostingTests(HostFixture host) : IClassFixture<HostFixture>
{
    readonly BooksClient _books = new(host);

    /// <summary>The India sample as 1 × 1000.00 net, under its own id, with these tax_lines and addresses (null country: none).</summary>
    static byte[] Order(long id, string? country, params (string Title, decimal Rate, string Price)[] taxes) =>
        ShopSamples.Edited("shopify", "orders-create--india-inclusive.json", o =>
        {
            o["id"] = id;
            o["taxes_included"] = false;
            var li = o["line_items"]![0]!;
            li["price"] = "1000.00";
            li["quantity"] = 1;
            li["current_quantity"] = 1;
            li["tax_lines"] = new JsonArray([.. taxes.Select(t => (JsonNode)new JsonObject { ["title"] = t.Title, ["price"] = t.Price, ["rate"] = t.Rate })]);
            o["total_price"] = (1000m + taxes.Sum(t => decimal.Parse(t.Price, System.Globalization.CultureInfo.InvariantCulture))).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
            foreach (var a in new[] { "shipping_address", "billing_address" })
            {
                if (country is null) { o.Remove(a); continue; }
                o[a]!["country_code"] = country;
                o[a]!["province_code"] = null;
                o[a]!["province"] = null;
            }
        });

    async Task<JsonElement> SaleAsync(CreatedConnection c, long id, byte[] body)
    {
        using var response = await host.Http.SendAsync(ShopSamples.Shopify(c.Path, "orders/create", body));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var listed = Assert.Single(await _books.VouchersAsync(c.Id, id.ToString(), 1));
        // Read back by number, as an accountant would.
        return await _books.VoucherAsync(listed.GetProperty("number").GetString()!);
    }

    [Fact]
    public async Task An_export_without_tax_is_zero_rated_an_order_without_address_says_its_state_was_assumed_and_cess_has_its_own_account()
    {
        var c = await host.CreateConnectionAsync("shopify");

        // Shipped to the US, no tax charged: taxable 1000, no tax, place of supply 96, "zero-rated export".
        var export = await SaleAsync(c, 7100000000001, Order(7100000000001, "US"));
        Assert.Equal("96", export.GetProperty("placeOfSupply").GetString());
        Assert.Equal("zero-rated export", export.GetProperty("supplyType").GetString());
        Assert.Equal((1000m, 0m, 1000m), (Total(export, "taxable"), Total(export, "tax"), Total(export, "total")));
        Assert.Empty(export.GetProperty("lines")[0].GetProperty("taxes").EnumerateArray());
        Assert.False(export.TryGetProperty("placeOfSupplyAssumed", out _));
        AssertBalanced(export);

        // No shipping or billing address: CGST 90 + SGST 90 in the home state, and the voucher says it was assumed.
        var assumed = await SaleAsync(c, 7100000000002, Order(7100000000002, null, ("CGST", 0.09m, "90.00"), ("SGST", 0.09m, "90.00")));
        Assert.Equal("29", assumed.GetProperty("placeOfSupply").GetString());
        Assert.True(assumed.GetProperty("placeOfSupplyAssumed").GetBoolean());
        var line = assumed.GetProperty("lines")[0];
        Assert.Equal((90m, 90m, 0m), (Tax(line, "CGST"), Tax(line, "SGST"), Tax(line, "IGST")));

        // Karnataka with 28 % GST + 12 % Compensation Cess: CGST 140 + SGST 140 + Cess 120, credited to Output Cess.
        var cess = await SaleAsync(c, 7100000000003, ShopSamples.Edited("shopify", "orders-create--india-inclusive.json", o =>
        {
            o["id"] = 7100000000003;
            o["taxes_included"] = false;
            var li = o["line_items"]![0]!;
            li["price"] = "1000.00";
            li["quantity"] = 1;
            li["current_quantity"] = 1;
            li["tax_lines"] = JsonNode.Parse("""
                [{"title":"CGST","price":"140.00","rate":0.14},{"title":"SGST","price":"140.00","rate":0.14},{"title":"Compensation Cess","price":"120.00","rate":0.12}]
                """);
            o["total_price"] = "1400.00";
        }));
        var cessLine = cess.GetProperty("lines")[0];
        Assert.Equal((140m, 140m, 120m), (Tax(cessLine, "CGST"), Tax(cessLine, "SGST"), Tax(cessLine, "Cess")));
        Assert.Equal(1400m, Total(cess, "total"));
        var journal = cess.GetProperty("journal").EnumerateArray().ToDictionary(j => j.GetProperty("account").GetString()!, j => j.GetProperty("credit").GetDecimal());
        Assert.Equal((140m, 140m, 120m), (journal["Output CGST"], journal["Output SGST"], journal["Output Cess"]));
        AssertBalanced(cess);
    }
}
