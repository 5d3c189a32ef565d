using Azure.Data.Tables;

namespace Connectors.Storage;

/// <summary>
/// Upsert-merges into one partition that wait together go as one entity-group transaction (up to 100 rows):
/// a merge never conflicts, so batching only saves round trips (receipts marked enqueued, activity entries moving
/// to posted). Two merges of the same row in one batch are not allowed by the store: the later one waits for the next.
/// </summary>
public sealed class MergeBatch
{
    const int MaxRows = 100;
    readonly TableClient _table;
    readonly GroupCommit<TableEntity, bool> _commit;

    public MergeBatch(TableClient table)
    {
        _table = table;
        _commit = new GroupCommit<TableEntity, bool>(MaxRows, CommitAsync);
    }

    public Task UpsertMergeAsync(TableEntity row, CancellationToken ct) => _commit.SubmitAsync(row.PartitionKey, row, ct);

    async Task<IReadOnlyList<bool>> CommitAsync(string _, IReadOnlyList<TableEntity> rows)
    {
        if (rows.Count == 1)
        {
            await _table.UpsertEntityAsync(rows[0], TableUpdateMode.Merge);
            return [true];
        }
        // Rounds of distinct row keys, in arrival order, so a later merge of a row still lands after an earlier one.
        var left = rows.ToList();
        while (left.Count > 0)
        {
            var keys = new HashSet<string>(StringComparer.Ordinal);
            var round = new List<TableEntity>();
            var later = new List<TableEntity>();
            foreach (var r in left) (keys.Add(r.RowKey) && later.Count == 0 ? round : later).Add(r);
            await _table.SubmitTransactionAsync(round.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertMerge, r)));
            left = later;
        }
        return rows.Select(_ => true).ToList();
    }
}
