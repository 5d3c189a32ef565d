using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Connectors.Storage;
using Microsoft.Extensions.Options;

namespace Connectors.Books;

/// <summary>
/// One row per order: partition "{book}|{connection}", row key the escaped external id; read by point lookup only.
/// Writes are conditional (Add for a new order, If-Match afterwards), so events of one order are serialised.
/// </summary>
public sealed class OrderStore(StorageAccount storage, IOptions<BooksOptions> options)
{
    readonly TableClient _table = storage.Table(TableNames.Orders);
    // Orders of one connection posting at the same moment share a transaction; each write keeps its own condition.
    readonly ConditionalBatch _writes = new(storage.Table(TableNames.Orders));
    readonly string _book = Keys.Escape(options.Value.Book);

    string Partition(string connectionId) => $"{_book}|{Keys.Escape(connectionId)}";

    public async Task<(OrderState? Order, ETag ETag)> GetAsync(string connectionId, string externalId, CancellationToken ct)
    {
        var r = await _table.GetEntityIfExistsAsync<TableEntity>(Partition(connectionId), Keys.Escape(externalId), cancellationToken: ct);
        if (!r.HasValue) return (null, default);
        var order = JsonSerializer.Deserialize(TableJson.Read(r.Value!), BooksJson.Default.OrderState)!;
        return (order, r.Value!.ETag);
    }

    /// <summary>Creates the order row, or writes it over the version read (ETag); null when another writer got there first.</summary>
    public async Task<ETag?> TrySaveAsync(OrderState order, ETag? ifMatch, CancellationToken ct)
    {
        var row = new TableEntity(Partition(order.ConnectionId), Keys.Escape(order.ExternalId)) { ["SaleNumber"] = order.SaleNumber };
        TableJson.Write(row, JsonSerializer.Serialize(order, BooksJson.Default.OrderState));
        var result = ifMatch is { } etag && etag != default
            ? await _writes.UpdateAsync(row, etag, ct)
            : await _writes.InsertAsync(row, ct);
        return result.Written ? result.ETag : null;
    }
}
