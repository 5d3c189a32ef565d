using Azure.Data.Tables;
using Connectors.Books;
using Connectors.Storage;
using Connectors.Tests.Fixtures;
using Microsoft.Extensions.Options;

namespace Connectors.Tests.Books;

/// <summary>
/// Group commit keeps the books' guarantees: vouchers numbered together are gapless and unique, a posting key written
/// before keeps its number (also when it sits in the middle of a batch), and batched deltas apply once per key.
/// </summary>
public sealed class GroupCommitTests(HostFixture host) : IClassFixture<HostFixture>
{
    static Voucher Draft(string book, string key) => new()
    {
        Type = VoucherType.Sales, Date = new DateOnly(2026, 6, 1), ConnectionId = book, ExternalId = key, PostingKey = key, Currency = "INR",
    };

    VoucherStore Store(string book) => new(host.Storage, Options.Create(new BooksOptions { Book = book }));

    [Fact]
    public async Task Concurrent_vouchers_with_repeated_and_known_keys_are_numbered_gapless_once_each()
    {
        var book = "gc-" + Guid.NewGuid().ToString("N")[..8];
        var store = Store(book);
        // Five keys posted before, then 150 postings at once: 100 new keys, each of them twice, plus the five old ones.
        var old = new Dictionary<string, string>();
        for (var i = 0; i < 5; i++) old[$"old-{i}"] = await store.PostAsync(Draft(book, $"old-{i}"), CancellationToken.None);
        var keys = Enumerable.Range(0, 100).Select(i => $"new-{i}").SelectMany(k => new[] { k, k }).Concat(old.Keys).OrderBy(_ => Random.Shared.Next()).ToList();
        // A second store instance stands for another process racing on the same counter.
        var other = Store(book);
        var numbers = await Task.WhenAll(keys.Select((k, i) => (i % 3 == 0 ? other : store).PostAsync(Draft(book, k), CancellationToken.None)));

        var byKey = keys.Zip(numbers).GroupBy(p => p.First).ToDictionary(g => g.Key, g => g.Select(p => p.Second).Distinct().ToList());
        Assert.All(byKey.Values, n => Assert.Single(n));
        foreach (var (k, n) in old) Assert.Equal(n, byKey[k][0]);
        var all = byKey.Values.Select(n => n[0]).ToList();
        Assert.Equal(105, all.Distinct().Count());

        // Exactly 105 voucher rows, numbered 1..105 with no gap, each holding the voucher of its own key.
        var table = host.Storage.Table(TableNames.Vouchers);
        var pk = store.Partition(VoucherType.Series(VoucherType.Sales, false), FinancialYear.Label(new DateOnly(2026, 6, 1), new BooksOptions().FinancialYearStartMonth));
        var rows = new List<TableEntity>();
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == pk && x.RowKey.CompareTo("0") >= 0 && x.RowKey.CompareTo(":") < 0)) rows.Add(e);
        Assert.Equal(Enumerable.Range(1, 105).Select(n => (long)n), rows.Select(r => long.Parse(r.RowKey)).Order());
        foreach (var (k, n) in byKey) Assert.Equal(k, (await store.GetAsync(n[0], CancellationToken.None))!.PostingKey);
    }

    [Fact]
    public async Task Batched_deltas_on_one_row_apply_once_per_key()
    {
        var table = host.Storage.Table(TableNames.Items);
        var pk = "gc-" + Guid.NewGuid().ToString("N")[..8];
        var rows = new ExactlyOnceRows(table);
        var racer = new ExactlyOnceRows(table);
        TableEntity Create() => new(pk, "item");
        Assert.True(await rows.AddAsync(pk, "item", "Stock", 10m, "m|seed", Create, CancellationToken.None));

        // 120 deltas of -0.5 under 60 keys, each key twice, plus the seed key again: 60 apply, the rest change nothing.
        var work = Enumerable.Range(0, 60).SelectMany(i => new[] { $"m|{i}", $"m|{i}" }).Append("m|seed").OrderBy(_ => Random.Shared.Next()).ToList();
        var applied = await Task.WhenAll(work.Select((k, i) => (i % 2 == 0 ? rows : racer).AddAsync(pk, "item", "Stock", k == "m|seed" ? 10m : -0.5m, k, Create, CancellationToken.None)));

        Assert.Equal(60, applied.Count(a => a));
        Assert.False(applied[work.IndexOf("m|seed")]);
        var row = (await table.GetEntityAsync<TableEntity>(pk, "item")).Value;
        Assert.Equal(10m - 30m, ExactlyOnce.Read(row, "Stock"));
    }

    [Fact]
    public async Task A_counter_moved_by_another_process_since_this_one_last_wrote_it_is_read_again_not_reused()
    {
        // Each store remembers its counter as it last wrote it; the transaction's If-Match is what keeps that honest.
        var book = "gc-" + Guid.NewGuid().ToString("N")[..8];
        var store = Store(book);
        var other = Store(book);
        var numbers = new List<string>
        {
            await store.PostAsync(Draft(book, "a"), CancellationToken.None),
            await other.PostAsync(Draft(book, "b"), CancellationToken.None),
            await other.PostAsync(Draft(book, "c"), CancellationToken.None),
            await store.PostAsync(Draft(book, "d"), CancellationToken.None),
            await other.PostAsync(Draft(book, "e"), CancellationToken.None),
            // A key this store wrote itself, posted again after the counter moved: its number, not a new one.
            await store.PostAsync(Draft(book, "a"), CancellationToken.None),
            await store.PostAsync(Draft(book, "f"), CancellationToken.None),
        };
        Assert.Equal([1, 2, 3, 4, 5, 1, 6], numbers.Select(n => int.Parse(n[^6..])));
        foreach (var (k, n) in new[] { "a", "b", "c", "d", "e", "a", "f" }.Zip(numbers)) Assert.Equal(k, (await store.GetAsync(n, CancellationToken.None))!.PostingKey);
    }

    [Fact]
    public async Task A_row_rewritten_by_a_plain_writer_between_deltas_gets_the_next_delta_on_top_of_what_it_says_now()
    {
        // Stock set by the admin (a count) after a move: the next move must start from the count, not from the remembered row.
        var items = new ItemStore(host.Storage, Options.Create(new BooksOptions { Book = "gc-" + Guid.NewGuid().ToString("N")[..8] }));
        await items.PutAsync("W", "Widget", 10m, CancellationToken.None);
        Assert.True(await items.MoveAsync([new StockMove("W", -1m)], "k1", CancellationToken.None));
        Assert.Equal(9m, (await items.GetAsync("W", CancellationToken.None))!.Stock);
        await items.PutAsync("W", null, 50m, CancellationToken.None);
        Assert.True(await items.MoveAsync([new StockMove("W", -2m)], "k2", CancellationToken.None));
        Assert.False(await items.MoveAsync([new StockMove("W", -1m)], "k1", CancellationToken.None));
        Assert.True(await items.MoveAsync([new StockMove("W", -3m)], "k3", CancellationToken.None));
        var item = (await items.GetAsync("W", CancellationToken.None))!;
        Assert.Equal(45m, item.Stock);
        Assert.Equal("Widget", item.Name);
    }

    [Fact]
    public async Task Deltas_for_several_rows_of_one_partition_commit_together_once_per_key_across_processes()
    {
        var table = host.Storage.Table(TableNames.SkuMaps);
        var pk = "gc-" + Guid.NewGuid().ToString("N")[..8];
        var rows = new ExactlyOnceRows(table);
        var racer = new ExactlyOnceRows(table);
        // 3 rows x 40 events, each event's delta twice (a redelivery racing it): 40 per row apply, in two processes.
        var work = Enumerable.Range(0, 40).SelectMany(e => new[] { "A", "B", "C" }.SelectMany(sku => new[] { (sku, e), (sku, e) }))
            .OrderBy(_ => Random.Shared.Next()).ToList();
        var applied = await Task.WhenAll(work.Select((w, i) => (i % 3 == 0 ? racer : rows).AddAsync(pk, "sku|" + w.sku, "Count", 1m, $"seen|{w.e}|{w.sku}",
            () => new TableEntity(pk, "sku|" + w.sku) { ["Sku"] = w.sku }, CancellationToken.None)));
        Assert.Equal(120, applied.Count(a => a));
        // Then one more round through the same instances (rows as remembered) after the other process moved them.
        Assert.True(await rows.AddAsync(pk, "sku|A", "Count", 1m, "seen|late|A", () => new TableEntity(pk, "sku|A"), CancellationToken.None));
        Assert.True(await racer.AddAsync(pk, "sku|A", "Count", 1m, "seen|later|A", () => new TableEntity(pk, "sku|A"), CancellationToken.None));
        Assert.True(await rows.AddAsync(pk, "sku|A", "Count", 1m, "seen|latest|A", () => new TableEntity(pk, "sku|A"), CancellationToken.None));
        foreach (var (sku, count) in new[] { ("A", 43m), ("B", 40m), ("C", 40m) })
        {
            var row = (await table.GetEntityAsync<TableEntity>(pk, "sku|" + sku)).Value;
            Assert.Equal(count, ExactlyOnce.Read(row, "Count"));
            Assert.Equal(sku, row.GetString("Sku"));
        }
    }

    [Fact]
    public async Task A_change_of_several_rows_applies_to_all_of_them_once_under_one_marker_across_processes()
    {
        var table = host.Storage.Table(TableNames.Items);
        var pk = "gc-" + Guid.NewGuid().ToString("N")[..8];
        var rows = new ExactlyOnceRows(table);
        var racer = new ExactlyOnceRows(table);
        RowDelta Delta(string row, decimal amount) => new(row, "Stock", amount, () => Task.FromResult(new TableEntity(pk, row) { ["Stock"] = "100" }));
        // 40 events, each moving three rows (as an order moves its items), each sent twice at once by two processes.
        var work = Enumerable.Range(0, 40).SelectMany(e => new[] { e, e }).OrderBy(_ => Random.Shared.Next()).ToList();
        var applied = await Task.WhenAll(work.Select((e, i) => (i % 2 == 0 ? rows : racer).AddAsync(pk,
            [Delta("A", -1m), Delta("B", -2m), Delta("C", -0.5m)], $"move|{e}", CancellationToken.None)));
        Assert.Equal(40, applied.Count(a => a));
        foreach (var (row, stock) in new[] { ("A", 60m), ("B", 20m), ("C", 80m) })
            Assert.Equal(stock, ExactlyOnce.Read((await table.GetEntityAsync<TableEntity>(pk, row)).Value, "Stock"));
        // One marker per event, recording what it moved.
        var marker = (await table.GetEntityAsync<TableEntity>(pk, "move|7")).Value;
        Assert.Equal("A Stock -1\nB Stock -2\nC Stock -0.5", marker.GetString("Deltas"));
    }

    [Fact]
    public async Task A_change_of_more_rows_than_a_transaction_holds_goes_in_parts_each_applied_once()
    {
        var table = host.Storage.Table(TableNames.Items);
        var pk = "gc-" + Guid.NewGuid().ToString("N")[..8];
        var rows = new ExactlyOnceRows(table);
        var change = Enumerable.Range(0, 150).Select(i => new RowDelta($"r{i:D3}", "Stock", 1m, () => Task.FromResult(new TableEntity(pk, $"r{i:D3}")))).ToList();
        var applied = await Task.WhenAll(rows.AddAsync(pk, change, "move|big", CancellationToken.None), new ExactlyOnceRows(table).AddAsync(pk, change, "move|big", CancellationToken.None));
        // Each part is applied by one of the two (maybe a different one each).
        Assert.Contains(true, applied);
        Assert.False(await rows.AddAsync(pk, change, "move|big", CancellationToken.None));
        var stored = new List<TableEntity>();
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == pk)) stored.Add(e);
        Assert.Equal(150, stored.Count(e => e.RowKey.StartsWith('r')));
        Assert.All(stored.Where(e => e.RowKey.StartsWith('r')), e => Assert.Equal(1m, ExactlyOnce.Read(e, "Stock")));
        Assert.Equal(["move|big|part0", "move|big|part1"], stored.Where(e => e.RowKey.StartsWith("move|")).Select(e => e.RowKey).Order());
    }
}
