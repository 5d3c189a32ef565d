using Azure.Data.Tables;
using Connectors.Storage;
using Microsoft.Extensions.Options;

namespace Connectors.Books;

public sealed record UnmappedSku(string Sku, decimal Count);

/// <summary>
/// Per connection: external SKU -> item SKU (partition "{book}|{connection}"), and counts of SKUs that posted unmapped
/// (partition "{book}|{connection}|unmapped", counted once per event under one marker for all its SKUs). An external SKU equal to an existing item's SKU
/// maps to itself. Lookups are cached for CacheTtl; this instance's own changes clear the cache at once.
/// </summary>
public sealed class SkuMapStore(StorageAccount storage, ItemStore items, TimeProvider clock, IOptions<BooksOptions> options)
{
    public static readonly TimeSpan CacheTtl = TimeSpan.FromSeconds(5);
    const int MaxCached = 50_000;

    readonly TableClient _table = storage.Table(TableNames.SkuMaps);
    readonly string _book = Keys.Escape(options.Value.Book);
    readonly ExactlyOnceRows _counts = new(storage.Table(TableNames.SkuMaps));
    /// <summary>The lookup itself is cached (mapped, self-mapped and unmapped alike), so concurrent events on one SKU share one read.</summary>
    readonly Dictionary<(string, string), (Lazy<Task<string?>> Item, DateTimeOffset Until)> _cache = new();

    string Partition(string connectionId) => $"{_book}|{Keys.Escape(connectionId)}";
    string UnmappedPartition(string connectionId) => Partition(connectionId) + "|unmapped";

    public async Task SetAsync(string connectionId, string externalSku, string itemSku, CancellationToken ct)
    {
        await _table.UpsertEntityAsync(new TableEntity(Partition(connectionId), Keys.Escape(externalSku)) { ["ExternalSku"] = externalSku, ["ItemSku"] = itemSku }, TableUpdateMode.Replace, ct);
        Invalidate();
    }

    public void Invalidate()
    {
        lock (_cache) _cache.Clear();
    }

    /// <summary>The item an external SKU posts to, or null (unmapped).</summary>
    public async Task<string?> ResolveAsync(string connectionId, string externalSku, CancellationToken ct)
    {
        var key = (connectionId, externalSku);
        var now = clock.GetUtcNow();
        Lazy<Task<string?>> item;
        lock (_cache)
        {
            // Bounded: a shop with very many SKUs starts over rather than growing without end.
            if (_cache.Count >= MaxCached) _cache.Clear();
            // A failed lookup is not kept: the next caller reads again.
            if (!_cache.TryGetValue(key, out var hit) || hit.Until <= now || hit.Item.IsValueCreated && (hit.Item.Value.IsFaulted || hit.Item.Value.IsCanceled))
                _cache[key] = hit = (new Lazy<Task<string?>>(() => LookUpAsync(connectionId, externalSku)), now + CacheTtl);
            item = hit.Item;
        }
        return await item.Value.WaitAsync(ct);
    }

    async Task<string?> LookUpAsync(string connectionId, string externalSku)
    {
        var map = await _table.GetEntityIfExistsAsync<TableEntity>(Partition(connectionId), Keys.Escape(externalSku));
        return map.HasValue ? map.Value!.GetString("ItemSku") : await items.GetAsync(externalSku, CancellationToken.None) is not null ? externalSku : null;
    }

    public async Task<IReadOnlyDictionary<string, string?>> ResolveAllAsync(string connectionId, IEnumerable<string> externalSkus, CancellationToken ct)
    {
        // Point lookups of different SKUs: side by side (mostly cache hits anyway).
        var skus = externalSkus.Distinct(StringComparer.Ordinal).ToList();
        var items = await Task.WhenAll(skus.Select(sku => ResolveAsync(connectionId, sku, ct)));
        var result = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var i = 0; i < skus.Count; i++) result[skus[i]] = items[i];
        return result;
    }

    /// <summary>Counts each SKU once for the event: all of them or none, under one marker.</summary>
    public Task CountUnmappedAsync(string connectionId, IReadOnlyList<string> externalSkus, string eventId, CancellationToken ct)
    {
        var pk = UnmappedPartition(connectionId);
        return _counts.AddAsync(pk, [.. externalSkus.Distinct(StringComparer.Ordinal).Select(sku =>
            new RowDelta("sku|" + Keys.Escape(sku), "Count", 1, () => Task.FromResult(new TableEntity(pk, "sku|" + Keys.Escape(sku)) { ["Sku"] = sku })))],
            "seen|" + Keys.Escape(eventId), ct);
    }

    /// <summary>SKUs that posted unmapped and still are, with how many events carried them.</summary>
    public async Task<IReadOnlyList<UnmappedSku>> ListUnmappedAsync(string connectionId, CancellationToken ct)
    {
        var list = new List<UnmappedSku>();
        var pk = UnmappedPartition(connectionId);
        await foreach (var e in _table.QueryAsync<TableEntity>(x => x.PartitionKey == pk && x.RowKey.CompareTo("sku|") >= 0 && x.RowKey.CompareTo("sku}") < 0, cancellationToken: ct))
        {
            var sku = e.GetString("Sku") ?? "";
            if (await ResolveAsync(connectionId, sku, ct) is null) list.Add(new UnmappedSku(sku, ExactlyOnce.Read(e, "Count")));
        }
        return list.OrderByDescending(u => u.Count).ThenBy(u => u.Sku, StringComparer.Ordinal).ToList();
    }
}
