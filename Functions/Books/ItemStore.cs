using Azure;
using Azure.Data.Tables;
using Connectors.Storage;
using Microsoft.Extensions.Options;

namespace Connectors.Books;

public sealed record Item(string Sku, string Name, decimal? Price, decimal Stock)
{
    /// <summary>HSN (goods) or SAC (services) code, when the item carries one: GSTR-1's HSN summary (table 12) groups by it.</summary>
    public string? Hsn { get; init; }
}

/// <summary>One line of an item's stock ledger: a movement (an order's event, with its vouchers) or a level set (a count, a product event).</summary>
public sealed record StockEntry(string Sku, DateOnly Date, decimal Delta, string Kind, string? Vouchers, string Key);

/// <summary>
/// A book's items in one partition ("{book}|%items", '%' alone never occurs in an escaped SKU): a row per item
/// ("item|{sku}") and a marker per event that moved stock ("move|{event}"), so an order's movements on all its items
/// and their one marker are written together, and a redelivered event moves nothing. Items written before this layout
/// (a partition per item, "{book}|{sku}", row "item") are still read, and moved into the book's partition on their
/// next write. Every change of a stock level also writes a ledger row "ledger|{sku}|{yyyy-MM-dd}|{key}" in the same
/// transaction (the delta, what made it, its vouchers), so an item's stock is its ledger's sum and a period's movements
/// are one row-key range (docs/reports.md).
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
    public async Task<Item> PutAsync(string sku, string? name, decimal? stock, CancellationToken ct, string? hsn = null) =>
        await UpdateAsync(sku, row =>
        {
            if (name is not null) row["Name"] = name;
            if (hsn is not null) row["Hsn"] = hsn;
            if (stock is { } s)
            {
                row["Stock"] = ExactlyOnce.Format(s);
                row["LevelAt"] = DateTimeOffset.UtcNow;
            }
            return true;
        }, ct, ("count", DateOnly.FromDateTime(DateTime.UtcNow), "count|" + Guid.NewGuid().ToString("N")));

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
        }, ct, ("product", DateOnly.FromDateTime(at.UtcDateTime), "product|" + Keys.Escape(eventId)));
        return stale ? null : item;
    }

    /// <summary>Moves stock on every item of the moves (negative: out), all or none, once per key; false when the key was applied before.</summary>
    public Task<bool> MoveAsync(IReadOnlyList<StockMove> moves, string key, CancellationToken ct, DateOnly? date = null, string? vouchers = null) =>
        _stock.AddAsync(Partition, [.. moves.Select(m => new RowDelta(RowKey(m.ItemSku), "Stock", m.Delta, () => CreateAsync(m.ItemSku, CancellationToken.None))
            {
                Entry = Entry(m.ItemSku, date ?? DateOnly.FromDateTime(DateTime.UtcNow), m.Delta, "move", vouchers, "move|" + Keys.Escape(key)),
            })],
            "move|" + Keys.Escape(key), ct);

    public const string LedgerPrefix = "ledger|";
    /// <summary>The date of the opening entry a backfill writes for an item whose stock predates the ledger: before any period.</summary>
    public static readonly DateOnly OpeningDate = new(1, 1, 1);

    static string LedgerKey(string sku, DateOnly date, string key) => $"{LedgerPrefix}{Keys.Escape(sku)}|{date:yyyy-MM-dd}|{key}";

    TableEntity Entry(string sku, DateOnly date, decimal delta, string kind, string? vouchers, string key) =>
        new(Partition, LedgerKey(sku, date, key)) { ["Sku"] = sku, ["Date"] = date.ToString("yyyy-MM-dd"), ["Delta"] = ExactlyOnce.Format(delta), ["Kind"] = kind, ["Vouchers"] = vouchers, ["Key"] = key };

    /// <summary>The item's ledger entries dated from <paramref name="from"/> on (null: all), in date order: one row-key range.</summary>
    public async Task<IReadOnlyList<StockEntry>> LedgerAsync(string sku, DateOnly? from, CancellationToken ct)
    {
        var low = from is { } f ? $"{LedgerPrefix}{Keys.Escape(sku)}|{f:yyyy-MM-dd}" : $"{LedgerPrefix}{Keys.Escape(sku)}|";
        var high = $"{LedgerPrefix}{Keys.Escape(sku)}}}";
        var list = new List<StockEntry>();
        await foreach (var e in _table.QueryAsync<TableEntity>(x => x.PartitionKey == Partition && x.RowKey.CompareTo(low) >= 0 && x.RowKey.CompareTo(high) < 0, cancellationToken: ct))
            if (e.GetString("Sku") == sku) list.Add(ReadEntry(e));
        return list;
    }

    /// <summary>Every ledger entry of the book (the audit: one range of the items partition).</summary>
    public async Task<IReadOnlyList<StockEntry>> AllLedgerAsync(CancellationToken ct)
    {
        var list = new List<StockEntry>();
        await foreach (var e in _table.QueryAsync<TableEntity>(x => x.PartitionKey == Partition && x.RowKey.CompareTo(LedgerPrefix) >= 0 && x.RowKey.CompareTo("ledger}") < 0, cancellationToken: ct))
            list.Add(ReadEntry(e));
        return list;
    }

    static StockEntry ReadEntry(TableEntity e) => new(e.GetString("Sku") ?? "", DateOnly.ParseExact(e.GetString("Date") ?? "0001-01-01", "yyyy-MM-dd"),
        ExactlyOnce.Read(e, "Delta"), e.GetString("Kind") ?? "", e.GetString("Vouchers"), e.GetString("Key") ?? "");

    /// <summary>
    /// One-off backfill for stock that predates the ledger: an item whose ledger does not sum to its stock gets an
    /// opening entry (dated 0001-01-01) for the difference. Returns how many it wrote.
    /// </summary>
    public async Task<int> BackfillLedgerAsync(CancellationToken ct)
    {
        var sums = (await AllLedgerAsync(ct)).GroupBy(e => e.Sku, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(e => e.Delta), StringComparer.Ordinal);
        var written = 0;
        foreach (var item in await ListAsync(ct))
        {
            var gap = item.Stock - sums.GetValueOrDefault(item.Sku);
            if (gap == 0) continue;
            await _table.UpsertEntityAsync(Entry(item.Sku, OpeningDate, gap, "opening", null, "opening|" + Guid.NewGuid().ToString("N")), TableUpdateMode.Replace, ct);
            written++;
        }
        return written;
    }

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

    /// <param name="level">What a change of the stock level is recorded as in the ledger (its kind, date and key).</param>
    async Task<Item> UpdateAsync(string sku, Func<TableEntity, bool> change, CancellationToken ct, (string Kind, DateOnly Date, string Key)? level = null)
    {
        for (var attempt = 0; ; attempt++)
        {
            var r = await _table.GetEntityIfExistsAsync<TableEntity>(Partition, RowKey(sku), cancellationToken: ct);
            var row = r.HasValue ? r.Value! : await CreateAsync(sku, ct);
            var before = ExactlyOnce.Read(row, "Stock");
            if (!change(row)) return Read(row);
            var delta = ExactlyOnce.Read(row, "Stock") - before;
            try
            {
                var write = r.HasValue ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, row, row.ETag) : new TableTransactionAction(TableTransactionActionType.Add, row);
                // A level set moves the stock by the difference: its ledger entry is written with the row, or neither is.
                if (level is { } l && delta != 0)
                    await _table.SubmitTransactionAsync([write, new(TableTransactionActionType.UpsertReplace, Entry(sku, l.Date, delta, l.Kind, null, l.Key))], ct);
                else if (r.HasValue) await _table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, ct);
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
        e.GetString("Price") is { Length: > 0 } ? ExactlyOnce.Read(e, "Price") : null, ExactlyOnce.Read(e, "Stock")) { Hsn = e.GetString("Hsn") };
}
