using System.Runtime.ExceptionServices;
using Azure;
using Azure.Data.Tables;

namespace Connectors.Storage;

/// <summary>What became of one conditional write: written (with the row's new ETag), or refused by its condition.</summary>
public readonly record struct WriteResult(bool Written, ETag ETag)
{
    public static readonly WriteResult Conflict = new(false, default);
}

/// <summary>
/// Conditional writes into one partition that wait together go as one entity-group transaction (up to 100 rows, body
/// under the 4 MiB limit): receipts claimed, accepted activity entries, small raw bodies, order rows. Each write keeps
/// its meaning per row: an insert is refused when the row exists (409), an update when the row is no longer the version
/// read (If-Match, 412); a refused row is reported as a conflict and the rest are committed again without it. Any other
/// failure fails every row of that transaction. Two writes of one row never share a transaction: once a row has been
/// written in a commit, a later write of it is a conflict without a request (so is a later insert once one was refused).
/// </summary>
public sealed class ConditionalBatch
{
    const int MaxRows = 100;
    /// <summary>The store's limit is 4 MiB per transaction; the estimate below is worst-case, this leaves room for the envelope.</summary>
    internal const int MaxBodyBytes = 4 * 1024 * 1024 - 128 * 1024;

    readonly TableClient _table;
    readonly GroupCommit<Write, Outcome> _commit;
    long _requests;

    public ConditionalBatch(TableClient table)
    {
        _table = table;
        _commit = new GroupCommit<Write, Outcome>(MaxRows, CommitAsync);
    }

    /// <summary>Test hook: awaited once a commit has taken its rows, before any request (holds a commit to queue rows behind it).</summary>
    internal Func<Task>? BeforeCommit { get; init; }

    /// <summary>Storage requests sent so far (single writes and transactions): what batching saves is visible here.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>An insert (no IfMatch) or an update of the version with that ETag.</summary>
    readonly record struct Write(TableEntity Row, ETag? IfMatch)
    {
        public bool IsInsert => IfMatch is null;
        public int ConflictStatus => IsInsert ? 409 : 412;
        public TableTransactionAction Action => IsInsert
            ? new(TableTransactionActionType.Add, Row)
            : new(TableTransactionActionType.UpdateMerge, Row, IfMatch!.Value);
    }

    /// <summary>A row's result travels with its failure, if its transaction failed for a reason other than a conflict.</summary>
    readonly record struct Outcome(WriteResult Result, Exception? Failure);

    public Task<WriteResult> InsertAsync(TableEntity row, CancellationToken ct) => WriteAsync(new Write(row, null), ct);

    /// <summary>
    /// Writes the row over the version with this ETag, if it still is that version. Sent as a merge: callers write their
    /// whole row, and the emulator's replace is a remove plus an insert, each as dear as a scan of the table's indexes.
    /// A property the new version no longer has stays behind, so a row must say which of its properties count
    /// (OrderStore's JsonParts does).
    /// </summary>
    public Task<WriteResult> UpdateAsync(TableEntity row, ETag ifMatch, CancellationToken ct) => WriteAsync(new Write(row, ifMatch), ct);

    async Task<WriteResult> WriteAsync(Write write, CancellationToken ct)
    {
        var outcome = await _commit.SubmitAsync(write.Row.PartitionKey, write, ct);
        if (outcome.Failure is { } e) ExceptionDispatchInfo.Throw(e);
        return outcome.Result;
    }

    async Task<IReadOnlyList<Outcome>> CommitAsync(string _, IReadOnlyList<Write> writes)
    {
        if (BeforeCommit is { } hold) await hold();
        var results = new Outcome?[writes.Count];
        // Rows written earlier in this commit are in a version no caller has read: a later write of one is a conflict.
        // Rows an insert was refused for exist: a later insert of one is a conflict too (an update is left to the store).
        var written = new HashSet<string>(StringComparer.Ordinal);
        var exists = new HashSet<string>(StringComparer.Ordinal);
        var left = Enumerable.Range(0, writes.Count).ToList();
        while (left.Count > 0)
        {
            var round = new List<int>();
            var later = new List<int>();
            var keys = new HashSet<string>(StringComparer.Ordinal);
            var deferred = new HashSet<string>(StringComparer.Ordinal);
            long size = 0;
            foreach (var i in left)
            {
                var key = writes[i].Row.RowKey;
                if (written.Contains(key) || (writes[i].IsInsert && exists.Contains(key))) { results[i] = new Outcome(WriteResult.Conflict, null); continue; }
                var bytes = EstimateBytes(writes[i].Row);
                // A key already in this round (or put off) waits, so the earlier write of it is the one that lands.
                if (deferred.Contains(key) || keys.Contains(key) || (round.Count > 0 && size + bytes > MaxBodyBytes))
                {
                    deferred.Add(key);
                    later.Add(i);
                    continue;
                }
                keys.Add(key);
                round.Add(i);
                size += bytes;
            }
            if (round.Count > 0)
            {
                await CommitRoundAsync(writes, round, results);
                foreach (var i in round)
                {
                    if (results[i] is not { Failure: null } r) continue;
                    if (r.Result.Written) written.Add(writes[i].Row.RowKey);
                    else if (writes[i].IsInsert) exists.Add(writes[i].Row.RowKey);
                }
            }
            left = later;
        }
        return results.Select(r => r!.Value).ToList();
    }

    /// <summary>One transaction; a refused row is marked and dropped and the rest go again, until none is refused.</summary>
    async Task CommitRoundAsync(IReadOnlyList<Write> writes, List<int> round, Outcome?[] results)
    {
        var pending = round.ToList();
        while (pending.Count > 0)
        {
            Interlocked.Increment(ref _requests);
            if (pending.Count == 1)
            {
                var i = pending[0];
                var w = writes[i];
                try
                {
                    var response = w.IsInsert ? await _table.AddEntityAsync(w.Row) : await _table.UpdateEntityAsync(w.Row, w.IfMatch!.Value, TableUpdateMode.Merge);
                    results[i] = new Outcome(new WriteResult(true, response.Headers.ETag ?? default), null);
                }
                catch (RequestFailedException e) when (e.Status == w.ConflictStatus) { results[i] = new Outcome(WriteResult.Conflict, null); }
                catch (Exception e) { results[i] = new Outcome(default, e); }
                return;
            }
            try
            {
                var response = await _table.SubmitTransactionAsync(pending.Select(i => writes[i].Action));
                for (var n = 0; n < pending.Count; n++)
                    results[pending[n]] = new Outcome(new WriteResult(true, response.Value[n].Headers.ETag ?? default), null);
                return;
            }
            catch (TableTransactionFailedException e) when (e.FailedTransactionActionIndex is { } at && at >= 0 && at < pending.Count && e.Status == writes[pending[at]].ConflictStatus)
            {
                results[pending[at]] = new Outcome(WriteResult.Conflict, null);
                pending.RemoveAt(at);
            }
            catch (Exception e)
            {
                foreach (var i in pending) results[i] = new Outcome(default, e);
                return;
            }
        }
    }

    /// <summary>
    /// An upper bound of a row's share of the transaction body: multipart headers, and each property as JSON with every
    /// character escaped (6 bytes) and binary as base64. Rows here are small except raw bodies, so the bound costs little.
    /// </summary>
    internal static long EstimateBytes(TableEntity row)
    {
        long total = 1024;
        foreach (var (name, value) in row)
        {
            total += 16 + 6L * name.Length;
            total += value switch
            {
                null => 4,
                string s => 2 + 6L * s.Length,
                byte[] b => 4 + (b.Length + 2) / 3 * 4,
                BinaryData d => 4 + (d.ToMemory().Length + 2) / 3 * 4,
                _ => 64,
            };
        }
        return total;
    }
}
