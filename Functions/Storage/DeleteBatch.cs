using Azure;
using Azure.Data.Tables;

namespace Connectors.Storage;

/// <summary>
/// Deletes of rows in one partition that wait together go as one entity-group transaction (up to 100 rows): the outbox
/// rows of events now on the queue. A row already gone fails the transaction with 404 at its index: it is dropped and
/// the rest deleted again.
/// </summary>
public sealed class DeleteBatch
{
    const int MaxRows = 100;
    readonly TableClient _table;
    readonly GroupCommit<string, bool> _commit;

    public DeleteBatch(TableClient table)
    {
        _table = table;
        _commit = new GroupCommit<string, bool>(MaxRows, CommitAsync);
    }

    public Task DeleteAsync(string partition, string rowKey) => _commit.SubmitAsync(partition, rowKey, CancellationToken.None);

    async Task<IReadOnlyList<bool>> CommitAsync(string partition, IReadOnlyList<string> rowKeys)
    {
        var left = rowKeys.Distinct(StringComparer.Ordinal).ToList();
        while (left.Count > 1)
        {
            try
            {
                await _table.SubmitTransactionAsync(left.Select(k => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partition, k), ETag.All)));
                left.Clear();
            }
            catch (TableTransactionFailedException e) when (e.Status == 404 && e.FailedTransactionActionIndex is int at && at >= 0 && at < left.Count)
            {
                left.RemoveAt(at);
            }
        }
        if (left.Count == 1)
        {
            try { await _table.DeleteEntityAsync(partition, left[0]); }
            catch (RequestFailedException e) when (e.Status == 404) { }
        }
        return rowKeys.Select(_ => true).ToList();
    }
}
