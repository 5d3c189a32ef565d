using System.Text.Json;
using Azure.Data.Tables;
using Connectors.Books;
using Connectors.Reports;
using Connectors.Storage;
using Connectors.Tests.Fixtures;
using Connectors.Tests.Posting;
using static Connectors.Tests.Posting.BooksClient;

namespace Connectors.Tests.Reports;

/// <summary>
/// The books audit through the real host: whole books pass every check; then the books are corrupted on purpose (a voucher
/// row deleted, a stock row changed by hand, an accepted event that never reached the queue) and the audit names each.
/// </summary>
public sealed class BooksAuditTests(HostFixture host) : IClassFixture<HostFixture>
{
    readonly BooksClient _books = new(host);

    static string CheckLine(JsonElement audit, string check) =>
        audit.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == check).GetProperty("line").GetString()!;

    [Fact]
    public async Task Whole_books_pass_and_each_corruption_is_named()
    {
        var day = DateTime.UtcNow.ToString("yyyy-MM-dd");
        await _books.PutItemAsync("AUD-1", "Audited", 20);
        var c = await _books.CustomConnectionAsync();
        for (var i = 1; i <= 3; i++) Assert.Equal(200, await _books.OrderAsync(c, $"AUD-O{i}", "29", day, Line("AUD-1", i, 100, 18)));
        Assert.Equal(200, await _books.RefundAsync(c, "AUD-O3", "AUD-R1", day, RefundLine("AUD-1", 1, 100)));
        await _books.VouchersAsync(c.Id, "AUD-O3", 2);
        await _books.VouchersAsync(c.Id, "AUD-O1", 1);
        var second = (await _books.VouchersAsync(c.Id, "AUD-O2", 1))[0].GetProperty("number").GetString()!;
        await _books.SettledActivityAsync(c.Id, "AUD-O3", "order.refunded");

        JsonElement whole = default;
        await HostFixture.Eventually(async () =>
        {
            using var response = await host.Http.SendAsync(host.Admin(HttpMethod.Get, "/api/manage/audit-books"));
            whole = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
            return (int)response.StatusCode == 200;
        }, "the audit to pass on whole books");
        Assert.True(whole.GetProperty("passed").GetBoolean());
        Assert.Equal(8, whole.GetProperty("checks").GetArrayLength());
        Assert.All(whole.GetProperty("checks").EnumerateArray(), ch => Assert.StartsWith("PASS ", ch.GetProperty("line").GetString()));

        // 1. A voucher row deleted by hand: its number is a gap, and its order's net no longer matches its facts.
        Assert.True(VoucherNumber.TryParse(second, out var series, out var fy, out var rowKey));
        var vouchers = host.Storage.Table(TableNames.Vouchers);
        await vouchers.DeleteEntityAsync(host.Service<VoucherStore>().Partition(series, fy), rowKey);
        // 2. A stock row changed by hand.
        var items = host.Storage.Table(TableNames.Items);
        var stock = (await items.GetEntityAsync<TableEntity>("main|%items", "item|AUD-1")).Value;
        stock["Stock"] = "999";
        await items.UpdateEntityAsync(stock, stock.ETag, TableUpdateMode.Replace);
        // 3. An event accepted (its receipt says enqueued, its activity entry accepted) whose message never reached the queue.
        await host.Storage.Table(TableNames.Receipts).AddEntityAsync(new TableEntity(Keys.Escape(c.Id), Keys.Hash("sale|AUD-LOST"))
            { ["DedupeKey"] = "sale|AUD-LOST", ["EventId"] = "ev-aud-lost", ["State"] = "enqueued" });
        await host.Storage.Table(TableNames.Activity).AddEntityAsync(new TableEntity(Keys.Escape(c.Id), "0000-aud-lost")
            { ["EventId"] = "ev-aud-lost", ["Status"] = "accepted", ["Event"] = "order.created", ["ExternalId"] = "AUD-LOST" });

        // Once the queue and outbox are empty (an event still queued is not lost), the accepted event is named.
        JsonElement broken = default;
        await HostFixture.Eventually(async () =>
        {
            broken = await host.AdminJsonAsync(HttpMethod.Get, "/api/manage/audit-books", expect: 409);
            return CheckLine(broken, "every accepted event is posted, failed with a reason, or still queued").StartsWith("FAIL");
        }, "the audit to name the lost event");
        Assert.False(broken.GetProperty("passed").GetBoolean());
        Assert.Contains($"{second} missing", CheckLine(broken, "numbers are gapless and unique per series and year"));
        Assert.StartsWith("FAIL", CheckLine(broken, "every order's net equals what its latest snapshot says"));
        Assert.Contains("order AUD-O2", CheckLine(broken, "every order's net equals what its latest snapshot says"));
        // 20 − 1 − 2 − 3 + 1 = 15 by the ledger, 999 in the row.
        Assert.Contains("AUD-1: stock 999, opening 0 + movements 15 = 15", CheckLine(broken, "every item's stock equals its opening plus its movements"));
        Assert.Contains("event ev-aud-lost (sale|AUD-LOST)", CheckLine(broken, "every accepted event is posted, failed with a reason, or still queued"));
        Assert.StartsWith("PASS", CheckLine(broken, "every voucher balances"));
        Assert.StartsWith("PASS", CheckLine(broken, "no order has two sales"));
    }
}
