using Azure;
using Azure.Data.Tables;
using Connectors.Storage;
using Microsoft.Extensions.Options;

namespace Connectors.Books;

public sealed record Item(string Sku, string Name, decimal? Price, decimal Stock);

/// <summary>
/// A book's items in one partition ("{book}|%items", '%' alone never occurs in an escaped SKU): a row per item
/// ("item|{sku}") and a marker per event that moved stock ("move|{event}"), so an order's movements on all its items
/// and their one marker are written together, and a redelivered event moves nothing. Items written before this layout
/// (a partition per item, "{book}|{sku}", row "item") are still read, and moved into the book's partition on their
/// next write.
/// </summary>
public sealed class ItemStore(StorageAccount storage, IOptions<BooksOptions> options)
{
    const string LegacyRow = "item";
    readonly TableClient _table = storage.Table(TableNames.Items);
    readonly string _book = Keys.Escape(options.Value.Book);
    readonly ExactlyOnceRows _stock = new(storage.Table(TableNames.Items));

    string Partition => _book + "|%items";
    static string RowKey(string sku) => "item|" + Keys.Escape(sku);
    string LegacyPartition(string sku) => $"{_book}|{Keys.Escape(sku)}";

    public async Task<Item?> GetAsync(string sku, CancellationToken ct) =>
        await RowAsync(sku, ct) is { } row ? Read(row) : null;

    /// <summary>The item's row, or (not yet moved) its row in the old layout; null when there is no such item.</summary>
    async Task<TableEntity?> RowAsync(string sku, CancellationToken ct)
    {
        var r = await _table.GetEntityIfExistsAsync<TableEntity>(Partition, RowKey(sku), cancellationToken: ct);
        if (r.HasValue) return r.Value;
        var legacy = await _table.GetEntityIfExistsAsync<TableEntity>(LegacyPartition(sku), LegacyRow, cancellationToken: ct);
        return legacy.HasValue ? legacy.Value : null;
    }

    /// <summary>A new row in the book's partition: the old layout's row carried over, or an empty item.</summary>
    async Task<TableEntity> CreateAsync(string sku, CancellationToken ct)
    {
        var row = new TableEntity(Partition, RowKey(sku)) { ["Sku"] = sku, ["Name"] = sku, ["Stock"] = "0" };
        var legacy = await _table.GetEntityIfExistsAsync<TableEntity>(LegacyPartition(sku), LegacyRow, cancellationToken: ct);
        if (legacy.HasValue)
            foreach (var (name, value) in legacy.Value!)
                if (name is not ("PartitionKey" or "RowKey" or "Timestamp" or "odata.etag")) row[name] = value;
        return row;
    }

    /// <summary>Admin upsert: sets the name and, when given, the stock quantity (an opening balance or a count: the level as of now).</summary>
    public async Task<Item> PutAsync(string sku, string? name, decimal? stock, CancellationToken ct) =>
        await UpdateAsync(sku, row =>
        {
            if (name is not null) row["Name"] = name;
            if (stock is { } s)
            {
                row["Stock"] = ExactlyOnce.Format(s);
                row["LevelAt"] = DateTimeOffset.UtcNow;
            }
            return true;
        }, ct);

    /// <summary>
    /// A product event from the shop: name, price and (when it manages stock) the stock level, applied once per event.
    /// A level is the truth at its moment (the platform's timestamp, else the event's arrival): one older than the level
    /// already set changes nothing, and the order movements posted after it apply on top. Returns null when it was older.
    /// </summary>
    public async Task<Item?> ApplyProductAsync(string sku, string? name, decimal? price, decimal? stock, string eventId, DateTimeOffset at, CancellationToken ct)
    {
        var stale = false;
        var item = await UpdateAsync(sku, row =>
        {
            stale = false;
            if (row.GetString("LastProductEvent") == eventId) return false;
            if (row.GetDateTimeOffset("LevelAt") is { } known && at < known) { stale = true; return false; }
            if (!string.IsNullOrWhiteSpace(name)) row["Name"] = name;
            if (price is { } p) row["Price"] = ExactlyOnce.Format(p);
            if (stock is { } s) row["Stock"] = ExactlyOnce.Format(s);
            row["LevelAt"] = at;
            row["LastProductEvent"] = eventId;
            return true;
        }, ct);
        return stale ? null : item;
    }

    /// <summary>Moves stock on every item of the moves (negative: out), all or none, once per key; false when the key was applied before.</summary>
    public Task<bool> MoveAsync(IReadOnlyList<StockMove> moves, string key, CancellationToken ct) =>
        _stock.AddAsync(Partition, [.. moves.Select(m => new RowDelta(RowKey(m.ItemSku), "Stock", m.Delta, () => CreateAsync(m.ItemSku, CancellationToken.None)))],
            "move|" + Keys.Escape(key), ct);

    public async Task<IReadOnlyList<Item>> ListAsync(CancellationToken ct)
    {
        var items = new Dictionary<string, Item>(StringComparer.Ordinal);
        await foreach (var e in _table.QueryAsync<TableEntity>(x => x.PartitionKey == Partition && x.RowKey.CompareTo("item|") >= 0 && x.RowKey.CompareTo("item}") < 0, cancellationToken: ct))
            items[e.GetString("Sku") ?? ""] = Read(e);
        // Items of the old layout not yet moved.
        var from = _book + "|";
        var to = _book + "}";
        await foreach (var e in _table.QueryAsync<TableEntity>(x => x.PartitionKey.CompareTo(from) >= 0 && x.PartitionKey.CompareTo(to) < 0 && x.RowKey == LegacyRow, cancellationToken: ct))
            items.TryAdd(e.GetString("Sku") ?? "", Read(e));
        return items.Values.OrderBy(i => i.Sku, StringComparer.Ordinal).ToList();
    }

    async Task<Item> UpdateAsync(string sku, Func<TableEntity, bool> change, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var r = await _table.GetEntityIfExistsAsync<TableEntity>(Partition, RowKey(sku), cancellationToken: ct);
            var row = r.HasValue ? r.Value! : await CreateAsync(sku, ct);
            if (!change(row)) return Read(row);
            try
            {
                if (r.HasValue) await _table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, ct);
                else await _table.AddEntityAsync(row, ct);
                return Read(row);
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412 && attempt < 1000)
            {
                await Task.Delay(Random.Shared.Next(1, 20), ct);
            }
        }
    }

    static Item Read(TableEntity e) => new(e.GetString("Sku") ?? "", e.GetString("Name") ?? "",
        e.GetString("Price") is { Length: > 0 } ? ExactlyOnce.Read(e, "Price") : null, ExactlyOnce.Read(e, "Stock"));
}
