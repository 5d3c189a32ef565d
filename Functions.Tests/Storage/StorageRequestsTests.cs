using System.Text.Json;
using Azure.Data.Tables;
using Connectors.Activity;
using Connectors.Hosting;
using Connectors.Storage;
using Connectors.Tests.Fixtures;
using Connectors.Tests.Posting;
using static Connectors.Tests.Posting.BooksClient;

namespace Connectors.Tests.Storage;

/// <summary>
/// What an order costs the storage, counted by the host's own clients: no order queries a table, and an order costs
/// the same requests with other orders already in the books as without (no cost grows with history).
/// </summary>
public sealed class StorageRequestsTests(HostFixture host) : IClassFixture<HostFixture>
{
    readonly BooksClient _books = new(host);

    [Fact]
    public async Task An_order_queries_no_table_and_costs_the_same_requests_with_history_in_the_books()
    {
        await _books.PutItemAsync("REQ-W", "Widget", 1000);
        var c = await _books.CustomConnectionAsync();
        // Orders are posted one at a time, so each costs its own requests (concurrent ones share transactions).
        // The first ones fill the caches (connection, SKU map, voucher counter) and are not counted.
        for (var i = 0; i < 3; i++) await PostOneAsync(c, $"REQ-WARM-{i}");

        var before = Table();
        for (var i = 0; i < 10; i++) await PostOneAsync(c, $"REQ-A-{i}");
        var empty = Delta(before, Table());

        // History: 40 orders of another shop in the same tables (vouchers, orders, receipts, activity, stock).
        var other = await _books.CustomConnectionAsync();
        Assert.All(await Task.WhenAll(Enumerable.Range(0, 40).Select(i => _books.OrderAsync(other, $"REQ-H-{i}", "29", "2026-06-01", Line("REQ-W", 1, 10, 18)))), s => Assert.Equal(200, s));
        await WaitPostedAsync(other.Id, 40);

        before = Table();
        for (var i = 0; i < 10; i++) await PostOneAsync(c, $"REQ-B-{i}");
        var withHistory = Delta(before, Table());

        var report = $"empty books: {Describe(empty)}\nwith history: {Describe(withHistory)}";
        Assert.DoesNotContain(empty.Keys.Concat(withHistory.Keys), k => k.Kind == "query");
        Assert.True(empty.Values.Sum() >= 10 * 5, report); // claim, raw body, entry, posting rows: a count that could not be an accident
        // Caches of connections and SKU maps live 5 s (and stock rows are re-read when another writer moved them): their
        // refresh reads follow the clock, not the books, so they are compared for being rare, not for being equal.
        static bool Refresh((string Resource, string Kind) k) => k.Kind == "point-read" && k.Resource is "Connections" or "SkuMaps" or "Items";
        Assert.All(empty.Concat(withHistory).Where(e => Refresh(e.Key)), e => Assert.True(e.Value <= 3, report));
        var (a, b) = (empty.Where(e => !Refresh(e.Key)).ToList(), withHistory.Where(e => !Refresh(e.Key)).ToDictionary(e => e.Key, e => e.Value));
        Assert.True(a.Count == b.Count && a.All(e => b.GetValueOrDefault(e.Key) == e.Value), report);
    }

    [Fact]
    public async Task Each_request_is_counted_by_table_and_kind()
    {
        var storage = StorageAccount.FromConnectionString(host.Azurite.ConnectionString);
        var table = storage.Table("CountedScratch");
        await table.CreateIfNotExistsAsync();
        await table.AddEntityAsync(new TableEntity("p", "1"));
        await table.GetEntityIfExistsAsync<TableEntity>("p", "1");
        await table.UpsertEntityAsync(new TableEntity("p", "1") { ["X"] = 1 }, TableUpdateMode.Merge);
        await table.SubmitTransactionAsync([new(TableTransactionActionType.Add, new TableEntity("p", "2")), new(TableTransactionActionType.Add, new TableEntity("p", "3"))]);
        await foreach (var _ in table.QueryAsync<TableEntity>(e => e.PartitionKey == "p")) { }
        await table.DeleteEntityAsync("p", "1");
        await storage.Queue("counted-scratch").CreateIfNotExistsAsync();
        await storage.Queue("counted-scratch").SendMessageAsync("x");

        var counts = storage.Requests.Snapshot().ToDictionary(c => $"{c.Service} {c.Resource} {c.Kind}", c => c.Requests);
        Assert.Equal(1, counts["table CountedScratch insert"]);
        Assert.Equal(1, counts["table CountedScratch point-read"]);
        Assert.Equal(1, counts["table CountedScratch update"]);
        Assert.Equal(1, counts["table $batch transaction"]);
        Assert.Equal(1, counts["table CountedScratch query"]);
        Assert.Equal(1, counts["table CountedScratch delete"]);
        Assert.Equal(1, counts["queue counted-scratch send"]);

        // The host's own counts, over its admin route: its queue trigger has been polling the events queue.
        var answer = await host.AdminJsonAsync(HttpMethod.Get, "/api/manage/storage-requests");
        Assert.True(answer.GetProperty("total").GetInt64() > 0, answer.ToString());
        Assert.Contains(answer.GetProperty("requests").EnumerateArray(), r =>
            r.GetProperty("service").GetString() == "queue" && r.GetProperty("resource").GetString() == QueueNames.Events && r.GetProperty("kind").GetString() == "receive");
    }

    [Theory]
    [InlineData("table", "GET", "https://shop.table.core.windows.net/Orders(PartitionKey='c1',RowKey='o1')", "Orders", "point-read")]
    [InlineData("table", "GET", "https://shop.table.core.windows.net/Orders()?$filter=PartitionKey%20eq%20'c1'", "Orders", "query")]
    [InlineData("table", "POST", "https://shop.table.core.windows.net/$batch", "$batch", "transaction")]
    [InlineData("table", "PATCH", "http://127.0.0.1:10002/devstoreaccount1/Receipts(PartitionKey='c1',RowKey='k')", "Receipts", "update")]
    [InlineData("table", "POST", "http://127.0.0.1:10002/devstoreaccount1/Activity", "Activity", "insert")]
    [InlineData("queue", "POST", "https://shop.queue.core.windows.net/connector-events/messages", "connector-events", "send")]
    [InlineData("queue", "GET", "https://shop.queue.core.windows.net/connector-events/messages?numofmessages=32", "connector-events", "receive")]
    [InlineData("queue", "DELETE", "http://azurite:10001/devstoreaccount1/connector-events/messages/abc?popreceipt=x", "connector-events", "delete")]
    [InlineData("blob", "PUT", "https://shop.blob.core.windows.net/raw-deliveries/c1/2026/11/30/key", "raw-deliveries", "put")]
    public void Azure_and_Azurite_addresses_name_the_same_resource(string service, string method, string url, string resource, string kind)
    {
        var request = new Azure.Core.Pipeline.HttpClientTransport().CreateRequest();
        request.Method = Azure.Core.RequestMethod.Parse(method);
        request.Uri.Reset(new Uri(url));
        Assert.Equal((service, resource, kind), StorageRequests.Classify(service, request));
    }

    /// <summary>One order in, then wait until it is posted.</summary>
    async Task PostOneAsync(CreatedConnection c, string externalId)
    {
        Assert.Equal(200, await _books.OrderAsync(c, externalId, "29", "2026-06-01", Line("REQ-W", 1, 10, 18)));
        await WaitPostedAsync(c.Id, 1, externalId);
    }

    /// <summary>Reads with a client of the test's own (a separate StorageAccount), which the host does not count.</summary>
    Task WaitPostedAsync(string connectionId, int count, string? externalId = null) => HostFixture.Eventually(async () =>
    {
        var entries = await _activity.ListAsync(connectionId, 500, CancellationToken.None);
        return entries.Count(e => e.Status == ActivityStatus.Posted && (externalId is null || e.ExternalId == externalId)) >= count;
    }, $"{externalId ?? count + " orders"} posted on {connectionId}");

    readonly ActivityLog _activity = new(StorageAccount.FromConnectionString(host.Azurite.ConnectionString), TimeProvider.System);

    /// <summary>The host's table requests, without the outbox (its sweep runs on a timer, not per order).</summary>
    Dictionary<(string Resource, string Kind), long> Table() =>
        host.Storage.Requests.Snapshot().Where(r => r.Service == "table" && r.Resource != TableNames.Outbox).ToDictionary(r => (r.Resource, r.Kind), r => r.Requests);

    static Dictionary<(string Resource, string Kind), long> Delta(Dictionary<(string Resource, string Kind), long> before, Dictionary<(string Resource, string Kind), long> after) =>
        after.Select(a => (a.Key, N: a.Value - before.GetValueOrDefault(a.Key))).Where(a => a.N != 0).ToDictionary(a => a.Key, a => a.N);

    static string Describe(Dictionary<(string Resource, string Kind), long> counts) =>
        JsonSerializer.Serialize(counts.OrderBy(c => c.Key.Resource).ThenBy(c => c.Key.Kind).Select(c => $"{c.Key.Resource} {c.Key.Kind} {c.Value}"));
}
