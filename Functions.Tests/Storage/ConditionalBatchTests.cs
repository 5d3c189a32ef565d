using Azure;
using Azure.Data.Tables;
using Connectors.Storage;
using Connectors.Tests.Fixtures;

namespace Connectors.Tests.Storage;

/// <summary>
/// Concurrent conditional writes into one partition go as one entity-group transaction, and each row keeps its meaning:
/// written with its own ETag, or a conflict when an insert's row exists or an update's version is stale (then the rest
/// still land).
/// </summary>
public sealed class ConditionalBatchTests(HostFixture host) : IClassFixture<HostFixture>
{
    async Task<TableClient> TableAsync()
    {
        var table = host.Storage.Table("ConditionalBatchTests");
        await table.CreateIfNotExistsAsync();
        return table;
    }

    static string Partition() => "cb-" + Guid.NewGuid().ToString("N")[..8];

    static TableEntity Row(string pk, string rk, string value) => new(pk, rk) { ["Value"] = value };

    /// <summary>
    /// Submits rows while a first insert of the partition is held inside its commit, so they all wait for the same
    /// next commit (as concurrent deliveries do); returns their results, the first one's left out.
    /// </summary>
    static Task<(ConditionalBatch Batch, WriteResult[] Results)> BehindOneInFlight(TableClient table, string pk, IEnumerable<TableEntity> rows) =>
        BehindOneInFlight(table, pk, rows.Select(r => (Func<ConditionalBatch, Task<WriteResult>>)(b => b.InsertAsync(r, CancellationToken.None))));

    static async Task<(ConditionalBatch Batch, WriteResult[] Results)> BehindOneInFlight(TableClient table, string pk, IEnumerable<Func<ConditionalBatch, Task<WriteResult>>> writes)
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var batch = new ConditionalBatch(table) { BeforeCommit = () => { entered.TrySetResult(); return gate.Task; } };
        var first = batch.InsertAsync(Row(pk, "_first", "lead"), CancellationToken.None);
        await entered.Task;
        var waiting = writes.Select(w => w(batch)).ToList();
        gate.SetResult();
        var results = await Task.WhenAll(waiting);
        Assert.True((await first).Written);
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
        Assert.All(results, r => Assert.True(r.Written));
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

        Assert.False(results[5].Written);
        Assert.False(results[12].Written);
        Assert.Equal(18, results.Count(r => r.Written));
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

        Assert.Equal(10, results.Count(r => r.Written));
        Assert.True(results[3].Written);
        Assert.False(results[10].Written);
        Assert.False(results[11].Written);
        // The lead insert and one transaction: the second insert of a key settled in it needs no request of its own.
        Assert.Equal(2, batch.Requests);
        var rows = (await table.QueryAsync<TableEntity>(e => e.PartitionKey == pk).ToListAsync()).ToDictionary(r => r.RowKey);
        Assert.Equal("first", rows["r003"].GetString("Value"));
        Assert.Equal("first", rows["r008"].GetString("Value"));

        // Across two batch instances (two processes) the store decides: still exactly one winner per key.
        var other = new ConditionalBatch(table);
        var race = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => (i % 2 == 0 ? batch : other).InsertAsync(Row(pk, $"x{i / 2}", $"by{i % 2}"), CancellationToken.None)));
        Assert.Equal(8, race.Count(r => r.Written));
        for (var k = 0; k < 8; k++) Assert.True(race[2 * k].Written ^ race[2 * k + 1].Written);
    }

    [Fact]
    public async Task Large_rows_are_split_to_keep_each_transaction_under_the_size_limit()
    {
        var table = await TableAsync();
        var pk = Partition();
        var body = new byte[48 * 1024];
        Random.Shared.NextBytes(body);

        var (batch, results) = await BehindOneInFlight(table, pk, Enumerable.Range(0, 100).Select(i => new TableEntity(pk, $"r{i:D3}") { ["Body"] = body }));

        Assert.All(results, r => Assert.True(r.Written));
        // 100 x 64 KiB of base64 does not fit in one 4 MiB transaction, but two do the whole lot (plus the lead insert).
        Assert.Equal(3, batch.Requests);
        var rows = await table.QueryAsync<TableEntity>(e => e.PartitionKey == pk && e.RowKey.CompareTo("r") >= 0).ToListAsync();
        Assert.Equal(100, rows.Count);
        Assert.All(rows, r => Assert.Equal(body, r.GetBinary("Body")));
    }

    [Fact]
    public async Task Updates_share_a_transaction_and_a_stale_version_conflicts_alone()
    {
        var table = await TableAsync();
        var pk = Partition();
        var etags = new ETag[10];
        for (var i = 0; i < 10; i++) etags[i] = (await table.AddEntityAsync(Row(pk, $"r{i}", "v1"))).Headers.ETag!.Value;
        // Someone else writes r4 after we read it: our version of r4 is stale.
        await table.UpdateEntityAsync(Row(pk, "r4", "theirs"), etags[4], TableUpdateMode.Replace);

        var (batch, results) = await BehindOneInFlight(table, pk, Enumerable.Range(0, 10).Select(i =>
            (Func<ConditionalBatch, Task<WriteResult>>)(b => b.UpdateAsync(Row(pk, $"r{i}", "v2"), etags[i], CancellationToken.None))));

        Assert.False(results[4].Written);
        Assert.Equal(9, results.Count(r => r.Written));
        // The lead insert, the transaction refused at r4, the transaction again without it.
        Assert.Equal(3, batch.Requests);
        var rows = (await table.QueryAsync<TableEntity>(e => e.PartitionKey == pk && e.RowKey.CompareTo("r") >= 0).ToListAsync()).ToDictionary(r => r.RowKey);
        Assert.Equal("theirs", rows["r4"].GetString("Value"));
        Assert.Equal(9, rows.Values.Count(r => r.GetString("Value") == "v2"));
        // Each written result carries its row's new ETag: the next update with it is accepted.
        for (var i = 0; i < 10; i++)
            if (i != 4) Assert.Equal(rows[$"r{i}"].ETag, results[i].ETag);
        Assert.True((await batch.UpdateAsync(Row(pk, "r7", "v3"), results[7].ETag, CancellationToken.None)).Written);
        Assert.False((await batch.UpdateAsync(Row(pk, "r8", "v3"), etags[8], CancellationToken.None)).Written);
    }

    [Fact]
    public async Task A_row_written_in_a_commit_refuses_a_later_update_but_a_refused_insert_leaves_it_to_the_store()
    {
        var table = await TableAsync();
        var pk = Partition();
        var existing = (await table.AddEntityAsync(Row(pk, "old", "v1"))).Headers.ETag!.Value;

        var (batch, results) = await BehindOneInFlight(table, pk, new Func<ConditionalBatch, Task<WriteResult>>[]
        {
            b => b.InsertAsync(Row(pk, "new", "inserted"), CancellationToken.None),
            b => b.UpdateAsync(Row(pk, "new", "replaced"), ETag.All, CancellationToken.None),
            b => b.InsertAsync(Row(pk, "old", "inserted"), CancellationToken.None),
            b => b.UpdateAsync(Row(pk, "old", "replaced"), existing, CancellationToken.None),
        });

        // "new" was just written: an update of it in the same commit cannot hold a version anyone read.
        Assert.True(results[0].Written);
        Assert.False(results[1].Written);
        // "old" exists, so its insert is refused; the update of the version read still lands.
        Assert.False(results[2].Written);
        Assert.True(results[3].Written);
        Assert.Equal("inserted", (await table.GetEntityAsync<TableEntity>(pk, "new")).Value.GetString("Value"));
        Assert.Equal("replaced", (await table.GetEntityAsync<TableEntity>(pk, "old")).Value.GetString("Value"));
    }

    [Fact]
    public async Task A_failed_transaction_fails_every_row_in_it()
    {
        // A table that does not exist: the store refuses the whole transaction (404), not a single row.
        var batch = new ConditionalBatch(host.Storage.Table("InsertBatchMissing"));
        var pk = Partition();
        var tasks = Enumerable.Range(0, 5).Select(i => batch.InsertAsync(Row(pk, $"r{i}", "v"), CancellationToken.None)).ToList();
        foreach (var t in tasks) await Assert.ThrowsAnyAsync<RequestFailedException>(() => t);
    }
}
