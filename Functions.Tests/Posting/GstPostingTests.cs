using System.Text.Json;
using Connectors.Tests.Fixtures;
using static Connectors.Tests.Posting.BooksClient;

namespace Connectors.Tests.Posting;

/// <summary>Sales through the real host (signed Custom deliveries -> queue -> poster), checked with worked GST numbers.</summary>
public sealed class GstPostingTests(HostFixture host) : IClassFixture<HostFixture>
{
    readonly BooksClient _books = new(host);

    [Fact]
    public async Task Intra_state_sale_splits_gst_into_cgst_and_sgst_and_moves_stock()
    {
        await _books.PutItemAsync("GST-W1", "Widget", 10);
        var c = await _books.CustomConnectionAsync();
        Assert.Equal(200, await _books.OrderAsync(c, "ORD-INTRA", "29", "2026-05-25", Line("GST-W1", 2, 100, 18, "Widget")));

        var v = Assert.Single(await _books.VouchersAsync(c.Id, "ORD-INTRA", 1));
        // 2 x 100 @ 18 % in the home state 29: taxable 200, CGST 9 % = 18, SGST 9 % = 18, total 236.
        Assert.Equal("sales", v.GetProperty("type").GetString());
        Assert.Matches(@"^SV/26-27/\d{6}$", v.GetProperty("number").GetString());
        Assert.Equal("ORD-INTRA", v.GetProperty("reference").GetString());
        Assert.Equal("29", v.GetProperty("placeOfSupply").GetString());
        Assert.Equal("Asha Rao", v.GetProperty("customer").GetString());
        Assert.False(v.GetProperty("isTest").GetBoolean());
        var line = Assert.Single(v.GetProperty("lines").EnumerateArray());
        Assert.Equal("GST-W1", line.GetProperty("item").GetString());
        Assert.Equal(200m, line.GetProperty("taxable").GetDecimal());
        Assert.Equal(18m, Tax(line, "CGST"));
        Assert.Equal(18m, Tax(line, "SGST"));
        Assert.Equal(0m, Tax(line, "IGST"));
        Assert.Equal(9m, line.GetProperty("taxes")[0].GetProperty("rate").GetDecimal());
        Assert.Equal(200m, Total(v, "taxable"));
        Assert.Equal(36m, Total(v, "tax"));
        Assert.Equal(236m, Total(v, "total"));
        var journal = v.GetProperty("journal").EnumerateArray().ToDictionary(j => j.GetProperty("account").GetString()!, j => (Dr: j.GetProperty("debit").GetDecimal(), Cr: j.GetProperty("credit").GetDecimal()));
        Assert.Equal((236m, 0m), journal["Debtors"]);
        Assert.Equal((0m, 200m), journal["Sales"]);
        Assert.Equal((0m, 18m), journal["Output CGST"]);
        Assert.Equal((0m, 18m), journal["Output SGST"]);
        AssertBalanced(v);
        Assert.Equal(8m, await _books.StockAsync("GST-W1"));

        // The activity entry moved to posted with the number; the number reads back URL-encoded.
        var number = v.GetProperty("number").GetString()!;
        var activity = await _books.SettledActivityAsync(c.Id, "ORD-INTRA", "order.created");
        Assert.Equal("posted", activity.GetProperty("status").GetString());
        Assert.Equal(number, activity.GetProperty("vouchers").GetString());
        var byNumber = await _books.VoucherAsync(number);
        Assert.Equal(236m, Total(byNumber, "total"));
        Assert.Equal(236m, Total(await host.AdminJsonAsync(HttpMethod.Get, "/api/manage/vouchers/" + number), "total"));
    }

    [Fact]
    public async Task Inter_state_sale_posts_igst_at_the_full_rate()
    {
        var c = await _books.CustomConnectionAsync();
        await _books.OrderAsync(c, "ORD-INTER", "27", "2026-05-25", Line("GST-IGST", 2, 100, 18));
        var v = Assert.Single(await _books.VouchersAsync(c.Id, "ORD-INTER", 1));
        var line = v.GetProperty("lines")[0];
        // 2 x 100 @ 18 % to state 27 (not 29): IGST 36, no CGST/SGST.
        Assert.Equal(36m, Tax(line, "IGST"));
        Assert.Equal(0m, Tax(line, "CGST") + Tax(line, "SGST"));
        Assert.Equal(236m, Total(v, "total"));
        Assert.Contains(v.GetProperty("journal").EnumerateArray(), j => j.GetProperty("account").GetString() == "Output IGST" && j.GetProperty("credit").GetDecimal() == 36m);
    }

    [Fact]
    public async Task No_buyer_state_counts_as_intra_state()
    {
        var c = await _books.CustomConnectionAsync();
        await _books.OrderAsync(c, "ORD-NOSTATE", null, "2026-05-25", Line("GST-NS", 1, 100, 12));
        var v = Assert.Single(await _books.VouchersAsync(c.Id, "ORD-NOSTATE", 1));
        Assert.Equal(6m, Tax(v.GetProperty("lines")[0], "CGST"));
        Assert.Equal(6m, Tax(v.GetProperty("lines")[0], "SGST"));
        Assert.Equal(112m, Total(v, "total"));
    }

    [Fact]
    public async Task Tax_is_rounded_per_line_and_per_component_and_the_total_is_the_sum_of_the_lines()
    {
        var c = await _books.CustomConnectionAsync();
        await _books.OrderAsync(c, "ORD-ROUND", "29", "2026-05-25", Line("R-1", 3, 33.33m, 5), Line("R-2", 1, 0.20m, 5), Line("R-3", 1, 0.20m, 5));
        var v = Assert.Single(await _books.VouchersAsync(c.Id, "ORD-ROUND", 1));
        var lines = v.GetProperty("lines").EnumerateArray().ToList();
        // 3 x 33.33 = 99.99; CGST 2.5 % = 2.49975 -> 2.50, SGST the same.
        Assert.Equal(99.99m, lines[0].GetProperty("taxable").GetDecimal());
        Assert.Equal(2.50m, Tax(lines[0], "CGST"));
        Assert.Equal(2.50m, Tax(lines[0], "SGST"));
        // 1 x 0.20: 2.5 % = 0.005 -> 0.01 (half away from zero), on each line and each component.
        Assert.Equal(0.01m, Tax(lines[1], "CGST"));
        Assert.Equal(0.01m, Tax(lines[2], "SGST"));
        // Sum of lines: taxable 100.39, tax 2 x (2.50 + 0.01 + 0.01) = 5.04, total 105.43
        // (rounding the voucher's tax once would give 2 x 2.51 = 5.02: per-line rounding is the rule).
        Assert.Equal(100.39m, Total(v, "taxable"));
        Assert.Equal(5.04m, Total(v, "tax"));
        Assert.Equal(105.43m, Total(v, "total"));
        AssertBalanced(v);

        await _books.OrderAsync(c, "ORD-ROUND-IGST", "07", "2026-05-25", Line("R-1", 3, 33.33m, 5));
        var igst = Assert.Single(await _books.VouchersAsync(c.Id, "ORD-ROUND-IGST", 1));
        // IGST 5 % of 99.99 = 4.9995 -> 5.00; total 104.99.
        Assert.Equal(5.00m, Tax(igst.GetProperty("lines")[0], "IGST"));
        Assert.Equal(104.99m, Total(igst, "total"));
    }

    [Fact]
    public async Task Unmapped_skus_post_as_described_lines_are_counted_and_mapping_later_affects_later_events()
    {
        var c = await _books.CustomConnectionAsync();
        await _books.OrderAsync(c, "ORD-UNMAPPED-1", "29", "2026-05-25", Line("SHOP-SKU-9", 1, 50, 0));
        await _books.OrderAsync(c, "ORD-UNMAPPED-2", "29", "2026-05-25", Line("SHOP-SKU-9", 2, 50, 0));
        var first = Assert.Single(await _books.VouchersAsync(c.Id, "ORD-UNMAPPED-1", 1));
        var line = first.GetProperty("lines")[0];
        Assert.Equal("Unmapped SKU SHOP-SKU-9", line.GetProperty("description").GetString());
        Assert.Equal(JsonValueKind.Null, line.TryGetProperty("item", out var item) ? item.ValueKind : JsonValueKind.Null);
        Assert.Equal(50m, Total(first, "total"));
        await _books.VouchersAsync(c.Id, "ORD-UNMAPPED-2", 1);
        var unmapped = await host.AdminJsonAsync(HttpMethod.Get, $"/api/manage/connections/{c.Id}/unmapped");
        var entry = Assert.Single(unmapped.EnumerateArray());
        Assert.Equal("SHOP-SKU-9", entry.GetProperty("sku").GetString());
        Assert.Equal(2m, entry.GetProperty("count").GetDecimal());

        // Mapping to an item that does not exist is refused; once it exists, later orders post to it and move its stock.
        await host.AdminJsonAsync(HttpMethod.Put, $"/api/manage/connections/{c.Id}/sku-map/SHOP-SKU-9", new { itemSku = "MAPPED-9" }, 404);
        await _books.PutItemAsync("MAPPED-9", "Mapped widget", 20);
        await host.AdminJsonAsync(HttpMethod.Put, $"/api/manage/connections/{c.Id}/sku-map/SHOP-SKU-9", new { itemSku = "MAPPED-9" });
        await _books.OrderAsync(c, "ORD-UNMAPPED-3", "29", "2026-05-25", Line("SHOP-SKU-9", 3, 50, 0, "Blue widget"));
        var mapped = Assert.Single(await _books.VouchersAsync(c.Id, "ORD-UNMAPPED-3", 1)).GetProperty("lines")[0];
        Assert.Equal("MAPPED-9", mapped.GetProperty("item").GetString());
        Assert.Equal("Blue widget", mapped.GetProperty("description").GetString());
        Assert.Equal(17m, await _books.StockAsync("MAPPED-9"));
        Assert.Empty((await host.AdminJsonAsync(HttpMethod.Get, $"/api/manage/connections/{c.Id}/unmapped")).EnumerateArray());
    }

    [Fact]
    public async Task An_external_sku_equal_to_an_item_sku_maps_to_itself()
    {
        await _books.PutItemAsync("SELF-1", "Self mapped", 5);
        var c = await _books.CustomConnectionAsync();
        await _books.OrderAsync(c, "ORD-SELF", "29", "2026-05-25", Line("SELF-1", 2, 10, 0));
        var line = Assert.Single(await _books.VouchersAsync(c.Id, "ORD-SELF", 1)).GetProperty("lines")[0];
        Assert.Equal("SELF-1", line.GetProperty("item").GetString());
        await HostFixture.Eventually(async () => await _books.StockAsync("SELF-1") == 3m, "stock of SELF-1 to be 3");
        var items = await host.AdminJsonAsync(HttpMethod.Get, "/api/manage/items");
        Assert.Contains(items.EnumerateArray(), i => i.GetProperty("sku").GetString() == "SELF-1" && i.GetProperty("name").GetString() == "Self mapped");
    }

    [Fact]
    public async Task Test_event_is_sent_signed_through_the_public_route_and_lands_in_the_test_series()
    {
        var c = await _books.CustomConnectionAsync();
        var sent = await host.AdminJsonAsync(HttpMethod.Post, $"/api/manage/connections/{c.Id}/test-event", new { @event = "order.created" });
        Assert.Equal(200, sent.GetProperty("httpStatus").GetInt32());
        Assert.True(sent.GetProperty("ms").GetInt64() >= 0);
        var externalId = sent.GetProperty("externalId").GetString()!;
        Assert.StartsWith("TEST-", externalId);
        var v = Assert.Single(await _books.VouchersAsync(c.Id, externalId, 1));
        Assert.Matches(@"^TSV/\d\d-\d\d/\d{6}$", v.GetProperty("number").GetString());
        Assert.True(v.GetProperty("number").GetString()!.Length <= 16);
        Assert.True(v.GetProperty("isTest").GetBoolean());
        Assert.Equal("posted", (await _books.SettledActivityAsync(c.Id, externalId, "order.created")).GetProperty("status").GetString());
        // The test SKU is not reported as unmapped, and other events are refused with a reason.
        Assert.Empty((await host.AdminJsonAsync(HttpMethod.Get, $"/api/manage/connections/{c.Id}/unmapped")).EnumerateArray());
        await host.AdminJsonAsync(HttpMethod.Post, $"/api/manage/connections/{c.Id}/test-event", new { @event = "order.deleted" }, 400);
        await host.AdminJsonAsync(HttpMethod.Post, "/api/manage/connections/nope/test-event", new { @event = "order.created" }, 404);
    }

    [Fact]
    public async Task Admin_read_routes_answer_clear_errors()
    {
        await host.AdminJsonAsync(HttpMethod.Get, "/api/manage/vouchers?connection=x", expect: 400);
        await host.AdminJsonAsync(HttpMethod.Get, "/api/manage/vouchers?connection=x&order=none", expect: 404);
        await host.AdminJsonAsync(HttpMethod.Get, "/api/manage/vouchers/SV%2F26-27%2F999999", expect: 404);
        await host.AdminJsonAsync(HttpMethod.Get, "/api/manage/vouchers/not-a-number", expect: 400);
        await host.AdminJsonAsync(HttpMethod.Get, "/api/manage/items/NO-SUCH-ITEM", expect: 404);
        await host.AdminJsonAsync(HttpMethod.Put, "/api/manage/items/BAD-STOCK", new { name = "x", stock = "many" }, 400);
        using var anonymous = await host.Http.GetAsync("/api/manage/trial-balance");
        Assert.Equal(401, (int)anonymous.StatusCode);
    }
}
