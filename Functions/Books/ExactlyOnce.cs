using System.Globalization;
using Azure;
using Azure.Data.Tables;

namespace Connectors.Books;

/// <summary>
/// Adds a delta to a decimal on one row exactly once per key: the row update (If-Match) and a marker row for the key
/// go in one entity-group transaction, so a repeated key fails and changes nothing; a lost race (412) is retried.
/// </summary>
public static class ExactlyOnce
{
    public static async Task<bool> AddAsync(TableClient table, string partition, string rowKey, string field, decimal delta, string markerRowKey,
        Func<TableEntity> create, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            if ((await table.GetEntityIfExistsAsync<TableEntity>(partition, markerRowKey, select: ["PartitionKey"], cancellationToken: ct)).HasValue) return false;
            var current = await table.GetEntityIfExistsAsync<TableEntity>(partition, rowKey, cancellationToken: ct);
            TableTransactionAction update;
            if (current.HasValue)
            {
                var row = current.Value!;
                row[field] = Format(Read(row, field) + delta);
                update = new TableTransactionAction(TableTransactionActionType.UpdateReplace, row, row.ETag);
            }
            else
            {
                var row = create();
                row[field] = Format(Read(row, field) + delta);
                update = new TableTransactionAction(TableTransactionActionType.Add, row);
            }
            try
            {
                await table.SubmitTransactionAsync([update, new(TableTransactionActionType.Add, new TableEntity(partition, markerRowKey) { ["Delta"] = Format(delta) })], ct);
                return true;
            }
            catch (TableTransactionFailedException e) when (e.Status is 409 or 412 && attempt < 1000)
            {
                await Task.Delay(Random.Shared.Next(1, 5 + Math.Min(attempt, 40)), ct);
            }
        }
    }

    /// <summary>Decimals are stored as invariant strings: Table Storage has no decimal type and doubles would lose cents.</summary>
    public static decimal Read(TableEntity row, string field) =>
        row.GetString(field) is { Length: > 0 } s ? decimal.Parse(s, CultureInfo.InvariantCulture) : 0m;

    public static string Format(decimal value) => value.ToString(CultureInfo.InvariantCulture);
}
