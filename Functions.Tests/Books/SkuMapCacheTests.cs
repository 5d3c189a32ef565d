using Connectors.Books;
using Connectors.Tests.Fixtures;
using Microsoft.Extensions.Options;

namespace Connectors.Tests.Books;

/// <summary>
/// SKU lookups are cached per instance, unmapped ones too: this instance's own changes are seen at once, another
/// instance's within the cache's lifetime, and concurrent events asking for one SKU share a lookup.
/// </summary>
public sealed class SkuMapCacheTests(HostFixture host) : IClassFixture<HostFixture>
{
    sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);
        public override DateTimeOffset GetUtcNow() => Now;
    }

    (SkuMapStore Maps, ItemStore Items) Instance(string book, TimeProvider clock)
    {
        var options = Options.Create(new BooksOptions { Book = book });
        var items = new ItemStore(host.Storage, options);
        return (new SkuMapStore(host.Storage, items, clock, options), items);
    }

    [Fact]
    public async Task An_unmapped_sku_mapped_here_is_seen_at_once_and_mapped_elsewhere_once_the_cache_expires()
    {
        var book = "cache-" + Guid.NewGuid().ToString("N")[..8];
        var clock = new ManualClock();
        var (maps, items) = Instance(book, clock);
        var (elsewhere, _) = Instance(book, clock);
        await items.PutAsync("ITEM-1", "Widget", 5m, CancellationToken.None);

        // Twenty events asking at once all get the same answer: unmapped.
        var first = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => maps.ResolveAsync("c1", "SHOP-1", CancellationToken.None)));
        Assert.All(first, Assert.Null);

        // Mapped by another instance: this one keeps its cached "unmapped" until the cache's lifetime is over, then sees the map.
        await elsewhere.SetAsync("c1", "SHOP-1", "ITEM-1", CancellationToken.None);
        Assert.Null(await maps.ResolveAsync("c1", "SHOP-1", CancellationToken.None));
        clock.Now += SkuMapStore.CacheTtl;
        Assert.Equal("ITEM-1", await maps.ResolveAsync("c1", "SHOP-1", CancellationToken.None));

        // Mapped by this instance: seen on the very next lookup, no waiting; another connection's map is its own.
        Assert.Null(await maps.ResolveAsync("c1", "SHOP-2", CancellationToken.None));
        await maps.SetAsync("c1", "SHOP-2", "ITEM-1", CancellationToken.None);
        Assert.Equal("ITEM-1", await maps.ResolveAsync("c1", "SHOP-2", CancellationToken.None));
        Assert.Null(await maps.ResolveAsync("c2", "SHOP-2", CancellationToken.None));
    }

    [Fact]
    public async Task A_sku_that_names_an_item_created_after_it_was_cached_unmapped_maps_to_itself_after_invalidation()
    {
        var book = "cache-" + Guid.NewGuid().ToString("N")[..8];
        var (maps, items) = Instance(book, new ManualClock());
        Assert.Null(await maps.ResolveAsync("c1", "SELF-1", CancellationToken.None));
        await items.PutAsync("SELF-1", "Self", 1m, CancellationToken.None);
        // The admin route and product events invalidate after writing an item, as here.
        maps.Invalidate();
        Assert.Equal("SELF-1", await maps.ResolveAsync("c1", "SELF-1", CancellationToken.None));
    }
}
