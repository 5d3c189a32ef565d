using Azure.Data.Tables;
using Connectors.Books;
using Connectors.Storage;
using Connectors.Tests.Fixtures;
using Microsoft.Extensions.Options;

namespace Connectors.Tests.Books;

/// <summary>
/// A book's items share one partition, so an order's movements on all its items are one transaction under one marker.
/// Items kept in the earlier layout (a partition per item) are read as they are and carried over on their next write.
/// </summary>
public sealed class ItemStoreTests(HostFixture host) : IClassFixture<HostFixture>
{
    [Fact]
    public async Task An_events_movements_on_several_items_apply_together_once()
    {
        var items = new ItemStore(host.Storage, Options.Create(new BooksOptions { Book = "is-" + Guid.NewGuid().ToString("N")[..8] }));
        await items.PutAsync("A", "Item A", 10m, CancellationToken.None);
        await items.PutAsync("B/2", "Item B", 5m, CancellationToken.None);
        StockMove[] moves = [new("A", -2m), new("B/2", -1m), new("C", 3m)];
        var applied = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => items.MoveAsync(moves, "ev1", CancellationToken.None)));
        Assert.Single(applied, true);
        Assert.Equal(8m, (await items.GetAsync("A", CancellationToken.None))!.Stock);
        Assert.Equal(4m, (await items.GetAsync("B/2", CancellationToken.None))!.Stock);
        // An item first met in a movement is created by it.
        Assert.Equal(3m, (await items.GetAsync("C", CancellationToken.None))!.Stock);
        Assert.Equal(["A", "B/2", "C"], (await items.ListAsync(CancellationToken.None)).Select(i => i.Sku));
    }

    [Fact]
    public async Task A_stock_level_is_the_truth_at_its_moment_an_older_one_changes_nothing_and_movements_apply_on_top()
    {
        var items = new ItemStore(host.Storage, Options.Create(new BooksOptions { Book = "is-" + Guid.NewGuid().ToString("N")[..8] }));
        var t = new DateTimeOffset(2026, 6, 1, 10, 0, 0, TimeSpan.Zero);
        Assert.NotNull(await items.ApplyProductAsync("LVL", "Level", null, 50m, "p2", t, CancellationToken.None));
        // The shop's earlier count, delivered late: older than the level set, so it changes nothing.
        Assert.Null(await items.ApplyProductAsync("LVL", "Old name", null, 80m, "p1", t.AddMinutes(-5), CancellationToken.None));
        var item = (await items.GetAsync("LVL", CancellationToken.None))!;
        Assert.Equal((50m, "Level"), (item.Stock, item.Name));
        // An order posted after the level moves stock on top of it; a newer level then replaces the figure.
        Assert.True(await items.MoveAsync([new StockMove("LVL", -3m)], "ev-lvl", CancellationToken.None));
        Assert.Equal(47m, (await items.GetAsync("LVL", CancellationToken.None))!.Stock);
        Assert.NotNull(await items.ApplyProductAsync("LVL", null, null, 45m, "p3", t.AddMinutes(5), CancellationToken.None));
        Assert.Equal(45m, (await items.GetAsync("LVL", CancellationToken.None))!.Stock);
        Assert.Null(await items.ApplyProductAsync("LVL", null, null, 50m, "p2-retry", t, CancellationToken.None));
        Assert.Equal(45m, (await items.GetAsync("LVL", CancellationToken.None))!.Stock);
    }

    [Fact]
    public async Task An_item_of_the_earlier_layout_is_read_and_carried_over_with_its_stock_on_its_next_movement()
    {
        var book = "is-" + Guid.NewGuid().ToString("N")[..8];
        var items = new ItemStore(host.Storage, Options.Create(new BooksOptions { Book = book }));
        var table = host.Storage.Table(TableNames.Items);
        // As the earlier layout wrote it: partition "{book}|{sku}", row "item", with a movement marker beside it.
        await table.AddEntityAsync(new TableEntity($"{book}|OLD-1", "item") { ["Sku"] = "OLD-1", ["Name"] = "Old widget", ["Price"] = "12.5", ["Stock"] = "40" });
        await table.AddEntityAsync(new TableEntity($"{book}|OLD-1", "move|ev0|OLD-1") { ["Delta"] = "-2" });
        await items.PutAsync("NEW-1", "New widget", 7m, CancellationToken.None);

        Assert.Equal(new Item("OLD-1", "Old widget", 12.5m, 40m), await items.GetAsync("OLD-1", CancellationToken.None));
        Assert.Equal(["NEW-1", "OLD-1"], (await items.ListAsync(CancellationToken.None)).Select(i => i.Sku));

        Assert.True(await items.MoveAsync([new StockMove("OLD-1", -5m), new StockMove("NEW-1", -1m)], "ev1", CancellationToken.None));
        Assert.Equal(new Item("OLD-1", "Old widget", 12.5m, 35m), await items.GetAsync("OLD-1", CancellationToken.None));
        Assert.Equal(6m, (await items.GetAsync("NEW-1", CancellationToken.None))!.Stock);
        // Listed once, as it is now.
        Assert.Equal([("NEW-1", 6m), ("OLD-1", 35m)], (await items.ListAsync(CancellationToken.None)).Select(i => (i.Sku, i.Stock)));
        // An admin count of an item not yet carried over starts from its old row too.
        await table.AddEntityAsync(new TableEntity($"{book}|OLD-2", "item") { ["Sku"] = "OLD-2", ["Name"] = "Older", ["Stock"] = "3" });
        Assert.Equal(new Item("OLD-2", "Recounted", null, 3m), await items.PutAsync("OLD-2", "Recounted", null, CancellationToken.None));
    }
}
