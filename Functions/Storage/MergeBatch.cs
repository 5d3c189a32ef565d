using Azure;
using Azure.Data.Tables;

namespace Connectors.Storage;

/// <summary>
/// Unconditional writes into one partition that wait together go as one entity-group transaction (up to 100 rows):
/// upsert-merges (receipts marked enqueued, activity entries moving to posted) and deletes (outbox rows once queued).
/// They never conflict, so batching only saves round trips; a delete of a row already gone is dropped (its 404) and
/// the rest written again. The store allows one action per row in a transaction: a later one waits for the next.
/// </summary>
public sealed class MergeBatch
{
    const int MaxRows = 100;
    readonly TableClient _table;
    readonly GroupCommit<TableTransactionAction, bool> _commit;

    public MergeBatch(TableClient table)
    {
        _table = table;
        _commit = new GroupCommit<TableTransactionAction, bool>(MaxRows, CommitAsync);
    }

    public Task UpsertMergeAsync(TableEntity row, CancellationToken ct) =>
        _commit.SubmitAsync(row.PartitionKey, new TableTransactionAction(TableTransactionActionType.UpsertMerge, row), ct);

    public Task DeleteAsync(string partition, string rowKey, CancellationToken ct) =>
        _commit.SubmitAsync(partition, new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partition, rowKey), ETag.All), ct);

    async Task<IReadOnlyList<bool>> CommitAsync(string _, IReadOnlyList<TableTransactionAction> actions)
    {
        // Rounds of distinct row keys, in arrival order, so a later write of a row still lands after an earlier one.
        var left = actions.ToList();
        while (left.Count > 0)
        {
            var keys = new HashSet<string>(StringComparer.Ordinal);
            var round = new List<TableTransactionAction>();
            var later = new List<TableTransactionAction>();
            foreach (var a in left) (keys.Add(a.Entity.RowKey) && later.Count == 0 ? round : later).Add(a);
            await WriteAsync(round);
            left = later;
        }
        return actions.Select(_ => true).ToList();
    }

    async Task WriteAsync(List<TableTransactionAction> round)
    {
        while (round.Count > 1)
        {
            try
            {
                await _table.SubmitTransactionAsync(round);
                return;
            }
            catch (TableTransactionFailedException e) when (e.Status == 404 && e.FailedTransactionActionIndex is int at && at >= 0 && at < round.Count)
            {
                round.RemoveAt(at);
            }
        }
        if (round is [var one])
        {
            if (one.ActionType == TableTransactionActionType.UpsertMerge) await _table.UpsertEntityAsync(one.Entity, TableUpdateMode.Merge);
            else
            {
                try { await _table.DeleteEntityAsync(one.Entity.PartitionKey, one.Entity.RowKey); }
                catch (RequestFailedException e) when (e.Status == 404) { }
            }
        }
    }
}
