using Azure;
using Azure.Data.Tables;
using Connectors.Storage;
using Microsoft.Extensions.Options;

namespace Connectors.Books;

public sealed record Item(string Sku, string Name, decimal? Price, decimal Stock);

/// <summary>
/// Items keyed by SKU, one partition each ("{book}|{sku}"): the item row and one marker row per stock movement,
/// so a movement and its marker are written together and a redelivered movement changes nothing.
/// </summary>
public sealed class ItemStore(StorageAccount storage, IOptions<BooksOptions> options)
{
    const string ItemRow = "item";
    readonly TableClient _table = storage.Table(TableNames.Items);
    readonly string _book = Keys.Escape(options.Value.Book);
    readonly ExactlyOnceRows _stock = new(storage.Table(TableNames.Items));

    string Partition(string sku) => $"{_book}|{Keys.Escape(sku)}";

    public async Task<Item?> GetAsync(string sku, CancellationToken ct)
    {
        var r = await _table.GetEntityIfExistsAsync<TableEntity>(Partition(sku), ItemRow, cancellationToken: ct);
        return r.HasValue ? Read(r.Value!) : null;
    }

    /// <summary>Admin upsert: sets the name and, when given, the stock quantity (an opening balance or a count).</summary>
    public async Task<Item> PutAsync(string sku, string? name, decimal? stock, CancellationToken ct) =>
        await UpdateAsync(sku, row =>
        {
            if (name is not null) row["Name"] = name;
            if (stock is { } s) row["Stock"] = ExactlyOnce.Format(s);
            return true;
        }, ct);

    /// <summary>A product event from the shop: name, price and (when it manages stock) the stock level, applied once per event.</summary>
    public Task<Item> ApplyProductAsync(string sku, string? name, decimal? price, decimal? stock, string eventId, CancellationToken ct) =>
        UpdateAsync(sku, row =>
        {
            if (row.GetString("LastProductEvent") == eventId) return false;
            if (!string.IsNullOrWhiteSpace(name)) row["Name"] = name;
            if (price is { } p) row["Price"] = ExactlyOnce.Format(p);
            if (stock is { } s) row["Stock"] = ExactlyOnce.Format(s);
            row["LastProductEvent"] = eventId;
            return true;
        }, ct);

    /// <summary>Moves stock by delta (negative: out) once per key; false when the key was applied before.</summary>
    public Task<bool> MoveAsync(StockMove move, CancellationToken ct) =>
        _stock.AddAsync(Partition(move.ItemSku), ItemRow, "Stock", move.Delta, "move|" + Keys.Escape(move.Key),
            () => new TableEntity(Partition(move.ItemSku), ItemRow) { ["Sku"] = move.ItemSku, ["Name"] = move.ItemSku }, ct);

    public async Task<IReadOnlyList<Item>> ListAsync(CancellationToken ct)
    {
        var list = new List<Item>();
        var from = _book + "|";
        var to = _book + "}";
        await foreach (var e in _table.QueryAsync<TableEntity>(x => x.PartitionKey.CompareTo(from) >= 0 && x.PartitionKey.CompareTo(to) < 0 && x.RowKey == ItemRow, cancellationToken: ct))
            list.Add(Read(e));
        return list.OrderBy(i => i.Sku, StringComparer.Ordinal).ToList();
    }

    async Task<Item> UpdateAsync(string sku, Func<TableEntity, bool> change, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var r = await _table.GetEntityIfExistsAsync<TableEntity>(Partition(sku), ItemRow, cancellationToken: ct);
            var row = r.HasValue ? r.Value! : new TableEntity(Partition(sku), ItemRow) { ["Sku"] = sku, ["Name"] = sku, ["Stock"] = "0" };
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
