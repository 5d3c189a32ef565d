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
}
