using Azure;
using Azure.Data.Tables;
using Connectors.Storage;
using Connectors.Tests.Fixtures;

namespace Connectors.Tests.Storage;

/// <summary>
/// Concurrent inserts into one partition go as one entity-group transaction, and each row keeps an insert's meaning:
/// written with its own ETag, or a conflict when the row exists (then the rest still land).
/// </summary>
public sealed class InsertBatchTests(HostFixture host) : IClassFixture<HostFixture>
{
    async Task<TableClient> TableAsync()
    {
        var table = host.Storage.Table("InsertBatchTests");
        await table.CreateIfNotExistsAsync();
        return table;
    }

    static string Partition() => "ib-" + Guid.NewGuid().ToString("N")[..8];

    static TableEntity Row(string pk, string rk, string value) => new(pk, rk) { ["Value"] = value };

    /// <summary>
    /// Submits rows while a first insert of the partition is held inside its commit, so they all wait for the same
    /// next commit (as concurrent deliveries do); returns their results, the first one's left out.
    /// </summary>
    static async Task<(InsertBatch Batch, InsertResult[] Results)> BehindOneInFlight(TableClient table, string pk, IEnumerable<TableEntity> rows)
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var batch = new InsertBatch(table) { BeforeCommit = () => { entered.TrySetResult(); return gate.Task; } };
        var first = batch.InsertAsync(Row(pk, "_first", "lead"), CancellationToken.None);
        await entered.Task;
        var waiting = rows.Select(r => batch.InsertAsync(r, CancellationToken.None)).ToList();
        gate.SetResult();
        var results = await Task.WhenAll(waiting);
        Assert.True((await first).Inserted);
        return (batch, results);
    }

    [Fact]
    public async Task Concurrent_distinct_rows_go_as_one_transaction_each_with_its_own_etag()
    {
        var table = await TableAsync();
        var pk = Partition();

        var (batch, results) = await BehindOneInFlight(table, pk, Enumerable.Range(0, 40).Select(i => Row(pk, $"r{i:D3}", $"v{i}")));

        // The lead insert, then one transaction for the forty.
        Assert.Equal(2, batch.Requests);
        Assert.All(results, r => Assert.True(r.Inserted));
        var rows = await table.QueryAsync<TableEntity>(e => e.PartitionKey == pk && e.RowKey.CompareTo("r") >= 0).ToListAsync();
        Assert.Equal(40, rows.Count);
        // Each result carries its own row's ETag: a conditional delete with it succeeds (a wrong one would get 412).
        for (var i = 0; i < 40; i++)
        {
            Assert.NotEqual(default, results[i].ETag);
            Assert.NotEqual(ETag.All, results[i].ETag);
            Assert.Equal(rows.Single(r => r.RowKey == $"r{i:D3}").ETag, results[i].ETag);
        }
        await table.DeleteEntityAsync(pk, "r007", results[7].ETag);
    }

    [Fact]
    public async Task A_row_that_exists_conflicts_and_the_others_of_its_transaction_are_inserted()
    {
        var table = await TableAsync();
        var pk = Partition();
        await table.AddEntityAsync(Row(pk, "r005", "there before"));
        await table.AddEntityAsync(Row(pk, "r012", "there before"));

        var (batch, results) = await BehindOneInFlight(table, pk, Enumerable.Range(0, 20).Select(i => Row(pk, $"r{i:D3}", "new")));

        Assert.False(results[5].Inserted);
        Assert.False(results[12].Inserted);
        Assert.Equal(18, results.Count(r => r.Inserted));
        // The lead insert, the transaction, then the transaction again per conflicting row taken out.
        Assert.Equal(4, batch.Requests);
        var rows = (await table.QueryAsync<TableEntity>(e => e.PartitionKey == pk && e.RowKey.CompareTo("r") >= 0).ToListAsync()).ToDictionary(r => r.RowKey);
        Assert.Equal(20, rows.Count);
        Assert.Equal("there before", rows["r005"].GetString("Value"));
        Assert.Equal("there before", rows["r012"].GetString("Value"));
        Assert.Equal("new", rows["r013"].GetString("Value"));
    }

    [Fact]
    public async Task Two_inserts_of_one_key_in_one_window_one_wins_one_conflicts()
    {
        var table = await TableAsync();
        var pk = Partition();

        var work = Enumerable.Range(0, 10).Select(i => Row(pk, $"r{i:D3}", "first"))
            .Append(Row(pk, "r003", "second")).Append(Row(pk, "r008", "second")).ToList();
        var (batch, results) = await BehindOneInFlight(table, pk, work);

        Assert.Equal(10, results.Count(r => r.Inserted));
        Assert.True(results[3].Inserted);
        Assert.False(results[10].Inserted);
        Assert.False(results[11].Inserted);
        // The lead insert and one transaction: the second insert of a key settled in it needs no request of its own.
        Assert.Equal(2, batch.Requests);
        var rows = (await table.QueryAsync<TableEntity>(e => e.PartitionKey == pk).ToListAsync()).ToDictionary(r => r.RowKey);
        Assert.Equal("first", rows["r003"].GetString("Value"));
        Assert.Equal("first", rows["r008"].GetString("Value"));

        // Across two batch instances (two processes) the store decides: still exactly one winner per key.
        var other = new InsertBatch(table);
        var race = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => (i % 2 == 0 ? batch : other).InsertAsync(Row(pk, $"x{i / 2}", $"by{i % 2}"), CancellationToken.None)));
        Assert.Equal(8, race.Count(r => r.Inserted));
        for (var k = 0; k < 8; k++) Assert.True(race[2 * k].Inserted ^ race[2 * k + 1].Inserted);
    }

    [Fact]
    public async Task Large_rows_are_split_to_keep_each_transaction_under_the_size_limit()
    {
        var table = await TableAsync();
        var pk = Partition();
        var body = new byte[48 * 1024];
        Random.Shared.NextBytes(body);

        var (batch, results) = await BehindOneInFlight(table, pk, Enumerable.Range(0, 100).Select(i => new TableEntity(pk, $"r{i:D3}") { ["Body"] = body }));

        Assert.All(results, r => Assert.True(r.Inserted));
        // 100 x 64 KiB of base64 does not fit in one 4 MiB transaction, but two do the whole lot (plus the lead insert).
        Assert.Equal(3, batch.Requests);
        var rows = await table.QueryAsync<TableEntity>(e => e.PartitionKey == pk && e.RowKey.CompareTo("r") >= 0).ToListAsync();
        Assert.Equal(100, rows.Count);
        Assert.All(rows, r => Assert.Equal(body, r.GetBinary("Body")));
    }

    [Fact]
    public async Task A_failed_transaction_fails_every_row_in_it()
    {
        // A table that does not exist: the store refuses the whole transaction (404), not a single row.
        var batch = new InsertBatch(host.Storage.Table("InsertBatchMissing"));
        var pk = Partition();
        var tasks = Enumerable.Range(0, 5).Select(i => batch.InsertAsync(Row(pk, $"r{i}", "v"), CancellationToken.None)).ToList();
        foreach (var t in tasks) await Assert.ThrowsAnyAsync<RequestFailedException>(() => t);
    }
}
