using Azure.Data.Tables;
using Connectors.Storage;

namespace Connectors.Books;

/// <summary>
/// ExactlyOnce.AddAsync with group commit: deltas for the same row that wait together are written as one entity-group
/// transaction (the row updated If-Match by their sum, plus one marker per key), so a hot row (a best-selling item's
/// stock, a common unmapped SKU) costs one read and one write per batch instead of a race per delta.
/// A key applied before fails the transaction with 409 at its marker: it is dropped (false) and the rest committed again.
/// </summary>
public sealed class ExactlyOnceRows
{
    /// <summary>An entity-group transaction holds at most 100 entities: the row and 99 markers.</summary>
    const int MaxMarkers = 99;

    readonly TableClient _table;
    readonly GroupCommit<Delta, bool> _commit;

    sealed record Delta(string Partition, string RowKey, string Field, decimal Amount, string MarkerRowKey, Func<TableEntity> Create);

    public ExactlyOnceRows(TableClient table)
    {
        _table = table;
        _commit = new GroupCommit<Delta, bool>(MaxMarkers, CommitAsync);
    }

    /// <summary>Adds delta to the row's field once per marker key; false when the key was applied before.</summary>
    public Task<bool> AddAsync(string partition, string rowKey, string field, decimal delta, string markerRowKey, Func<TableEntity> create, CancellationToken ct) =>
        _commit.SubmitAsync(partition + "\n" + rowKey + "\n" + field, new Delta(partition, rowKey, field, delta, markerRowKey, create), ct);

    async Task<IReadOnlyList<bool>> CommitAsync(string _, IReadOnlyList<Delta> deltas)
    {
        var results = new bool[deltas.Count];
        // The same key twice in one batch (a redelivery racing the original) is written once: only the first is applied.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var live = Enumerable.Range(0, deltas.Count).Where(i => seen.Add(deltas[i].MarkerRowKey)).ToList();
        var first = deltas[0];
        for (var attempt = 0; live.Count > 0; attempt++)
        {
            var current = await _table.GetEntityIfExistsAsync<TableEntity>(first.Partition, first.RowKey);
            var sum = live.Sum(i => deltas[i].Amount);
            TableTransactionAction update;
            if (current.HasValue)
            {
                var row = current.Value!;
                row[first.Field] = ExactlyOnce.Format(ExactlyOnce.Read(row, first.Field) + sum);
                update = new TableTransactionAction(TableTransactionActionType.UpdateReplace, row, row.ETag);
            }
            else
            {
                var row = first.Create();
                row[first.Field] = ExactlyOnce.Format(ExactlyOnce.Read(row, first.Field) + sum);
                update = new TableTransactionAction(TableTransactionActionType.Add, row);
            }
            var actions = new List<TableTransactionAction>(live.Count + 1) { update };
            foreach (var i in live)
                actions.Add(new(TableTransactionActionType.Add, new TableEntity(first.Partition, deltas[i].MarkerRowKey) { ["Delta"] = ExactlyOnce.Format(deltas[i].Amount) }));
            try
            {
                await _table.SubmitTransactionAsync(actions);
                foreach (var i in live) results[i] = true;
                return results;
            }
            catch (TableTransactionFailedException e) when (e.Status == 409 && e.FailedTransactionActionIndex is int at && at >= 1 && at <= live.Count)
            {
                // That key's marker exists: applied before, so it changes nothing now.
                live.RemoveAt(at - 1);
            }
            catch (TableTransactionFailedException e) when (e.Status == 409 && e.FailedTransactionActionIndex is null)
            {
                // The store did not say which entity clashed: apply them one by one, each checking its own marker.
                foreach (var i in live)
                {
                    var d = deltas[i];
                    results[i] = await ExactlyOnce.AddAsync(_table, d.Partition, d.RowKey, d.Field, d.Amount, d.MarkerRowKey, d.Create, CancellationToken.None);
                }
                return results;
            }
            catch (TableTransactionFailedException e) when (e.Status is 409 or 412 && attempt < 1000)
            {
                // The row changed under us (another process, or it was created meanwhile): read it again.
                await Task.Delay(Random.Shared.Next(1, 5 + Math.Min(attempt, 40)));
            }
        }
        return results;
    }
}
