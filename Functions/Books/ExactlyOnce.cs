using System.Globalization;
using Azure;
using Azure.Data.Tables;

namespace Connectors.Books;

/// <summary>A delta to one decimal field of one row; Create makes the row when it does not exist yet.</summary>
public sealed record RowDelta(string RowKey, string Field, decimal Amount, Func<Task<TableEntity>> Create)
{
    /// <summary>A row of the same partition written (upserted) in the same transaction as the delta: its ledger entry.</summary>
    public TableEntity? Entry { get; init; }
}

/// <summary>
/// Adds deltas to rows of one partition exactly once per key: the row updates (If-Match) and a marker row for the key
/// go in one entity-group transaction, so a repeated key fails and changes nothing; a lost race (412) is retried.
/// </summary>
public static class ExactlyOnce
{
    public static async Task<bool> AddAsync(TableClient table, string partition, IReadOnlyList<RowDelta> deltas, string markerRowKey, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            if ((await table.GetEntityIfExistsAsync<TableEntity>(partition, markerRowKey, select: ["PartitionKey"], cancellationToken: ct)).HasValue) return false;
            var actions = new List<TableTransactionAction>(deltas.Count + 1);
            foreach (var rowDeltas in deltas.GroupBy(d => d.RowKey, StringComparer.Ordinal))
            {
                var current = await table.GetEntityIfExistsAsync<TableEntity>(partition, rowDeltas.Key, cancellationToken: ct);
                var row = current.HasValue ? current.Value! : await rowDeltas.First().Create();
                foreach (var d in rowDeltas) row[d.Field] = Format(Read(row, d.Field) + d.Amount);
                actions.Add(current.HasValue ? new(TableTransactionActionType.UpdateMerge, row, row.ETag) : new(TableTransactionActionType.Add, row));
            }
            actions.Add(new(TableTransactionActionType.Add, Marker(partition, markerRowKey, deltas)));
            foreach (var d in deltas)
                if (d.Entry is { } entry) actions.Add(new(TableTransactionActionType.UpsertReplace, entry));
            try
            {
                await table.SubmitTransactionAsync(actions, ct);
                return true;
            }
            catch (TableTransactionFailedException e) when (e.Status is 409 or 412 && attempt < 1000)
            {
                await Task.Delay(Random.Shared.Next(1, 5 + Math.Min(attempt, 40)), ct);
            }
        }
    }

    /// <summary>The key's marker, which records what it applied ("Delta" for one row; "Deltas", a line per row, for several).</summary>
    public static TableEntity Marker(string partition, string markerRowKey, IReadOnlyList<RowDelta> deltas) => deltas is [var one]
        ? new(partition, markerRowKey) { ["Delta"] = Format(one.Amount) }
        : new(partition, markerRowKey) { ["Deltas"] = string.Join('\n', deltas.Select(d => $"{d.RowKey} {d.Field} {Format(d.Amount)}")) };

    /// <summary>Decimals are stored as invariant strings: Table Storage has no decimal type and doubles would lose cents.</summary>
    public static decimal Read(TableEntity row, string field) =>
        row.GetString(field) is { Length: > 0 } s ? decimal.Parse(s, CultureInfo.InvariantCulture) : 0m;

    public static string Format(decimal value) => value.ToString(CultureInfo.InvariantCulture);
}
