using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using Connectors.Ingest;
using Connectors.Storage;
using Connectors.Tests.Fixtures;
using Connectors.Tests.Posting;

namespace Connectors.Tests.Ingest;

/// <summary>
/// A delivery is answered once its event is queued; the receipt is marked enqueued after the answer. A mark that never
/// lands (a crash right after the 200) leaves a claim that goes stale: a later copy queues the same event id again, and
/// posting, idempotent by event id, adds nothing to the books.
/// </summary>
public sealed class ReceiptMarkTests(HostFixture host) : IClassFixture<HostFixture>
{
    readonly BooksClient _books = new(host);

    async Task<TableEntity> ReceiptAsync(string connectionId, string eventId)
    {
        TableEntity? found = null;
        await HostFixture.Eventually(async () =>
        {
            await foreach (var r in host.Storage.Table(TableNames.Receipts).QueryAsync<TableEntity>(e => e.PartitionKey == Keys.Escape(connectionId)))
                if (r.GetString("EventId") == eventId && r.GetString("State") == "enqueued") { found = r; return true; }
            return false;
        }, $"the receipt of {eventId} to be marked enqueued");
        return found!;
    }

    [Fact]
    public async Task A_lost_enqueued_mark_lets_a_later_copy_queue_the_event_again_and_nothing_posts_twice()
    {
        var c = await _books.CustomConnectionAsync();
        await _books.PutItemAsync("MARK-SKU", "Marked widget", 10);
        var order = CustomOrders.Created("MARK-1", "29", ("MARK-SKU", 2m, 100m, 18m));
        var (status, body) = await host.SendAsync(SignedRequests.Custom(c.Path, c.SigningSecret!, "order.created", order));
        Assert.Equal(HttpStatusCode.OK, status);
        var eventId = body.GetProperty("eventId").GetString()!;
        var receipt = await ReceiptAsync(c.Id, eventId);
        var sale = Assert.Single(await _books.VouchersAsync(c.Id, "MARK-1", 1));

        // As if the host had died between the answer and the mark: the claim, taken long enough ago to be stale.
        receipt["State"] = "claimed";
        receipt["ClaimedAt"] = DateTimeOffset.UtcNow - Receipts.StaleAfter - TimeSpan.FromSeconds(5);
        await host.Storage.Table(TableNames.Receipts).UpdateEntityAsync(receipt, receipt.ETag, TableUpdateMode.Replace);

        (status, body) = await host.SendAsync(SignedRequests.Custom(c.Path, c.SigningSecret!, "order.created", order));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("accepted", body.GetProperty("status").GetString());
        Assert.Equal(eventId, body.GetProperty("eventId").GetString()); // a takeover names the same event
        await ReceiptAsync(c.Id, eventId);

        // The second copy is posted as "already processed": still one sale, the same number, stock moved once.
        await HostFixture.Eventually(async () =>
        {
            var list = await host.AdminJsonAsync(HttpMethod.Get, $"/api/manage/connections/{c.Id}/activity?top=20");
            return list.EnumerateArray().Count(e => e.TryGetProperty("eventId", out var id) && id.ValueKind == JsonValueKind.String
                && id.GetString() == eventId && e.GetProperty("status").GetString() == "posted") == 2;
        }, "both copies of the event to be settled");
        var vouchers = await _books.VouchersAsync(c.Id, "MARK-1", 1);
        Assert.Equal(sale.GetProperty("number").GetString(), Assert.Single(vouchers).GetProperty("number").GetString());
        Assert.Equal(8m, await _books.StockAsync("MARK-SKU"));

        // A third copy, with the mark in place, is a duplicate at once.
        (status, body) = await host.SendAsync(SignedRequests.Custom(c.Path, c.SigningSecret!, "order.created", order));
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("duplicate", body.GetProperty("status").GetString());
    }
}
