using System.Runtime.ExceptionServices;
using Azure;
using Azure.Data.Tables;

namespace Connectors.Storage;

/// <summary>What became of one insert: written (with the row's new ETag), or refused because the row already exists.</summary>
public readonly record struct InsertResult(bool Inserted, ETag ETag)
{
    public static readonly InsertResult Conflict = new(false, default);
}

/// <summary>
/// Inserts into one partition that wait together go as one entity-group transaction (up to 100 rows, body under the
/// 4 MiB limit): receipts claimed, accepted activity entries, small raw bodies. An insert keeps its meaning per row: a
/// row that exists is reported as a conflict and the rest are committed again without it. Any other failure fails
/// every row of that transaction. Two inserts of the same row cannot share a transaction: the later one is a conflict.
/// </summary>
public sealed class InsertBatch
{
    const int MaxRows = 100;
    /// <summary>The store's limit is 4 MiB per transaction; the estimate below is worst-case, this leaves room for the envelope.</summary>
    internal const int MaxBodyBytes = 4 * 1024 * 1024 - 128 * 1024;

    readonly TableClient _table;
    readonly GroupCommit<TableEntity, Outcome> _commit;
    long _requests;

    public InsertBatch(TableClient table)
    {
        _table = table;
        _commit = new GroupCommit<TableEntity, Outcome>(MaxRows, CommitAsync);
    }

    /// <summary>Test hook: awaited once a commit has taken its rows, before any request (holds a commit to queue rows behind it).</summary>
    internal Func<Task>? BeforeCommit { get; init; }

    /// <summary>Storage requests sent so far (single inserts and transactions): what batching saves is visible here.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>A row's result travels with its failure, if its transaction failed for a reason other than a conflict.</summary>
    readonly record struct Outcome(InsertResult Result, Exception? Failure);

    public async Task<InsertResult> InsertAsync(TableEntity row, CancellationToken ct)
    {
        var outcome = await _commit.SubmitAsync(row.PartitionKey, row, ct);
        if (outcome.Failure is { } e) ExceptionDispatchInfo.Throw(e);
        return outcome.Result;
    }

    async Task<IReadOnlyList<Outcome>> CommitAsync(string _, IReadOnlyList<TableEntity> rows)
    {
        if (BeforeCommit is { } hold) await hold();
        var results = new Outcome?[rows.Count];
        // Rows whose key was settled earlier in this commit: a later insert of it is a conflict (it exists now).
        var settled = new HashSet<string>(StringComparer.Ordinal);
        var left = Enumerable.Range(0, rows.Count).ToList();
        while (left.Count > 0)
        {
            var round = new List<int>();
            var later = new List<int>();
            var keys = new HashSet<string>(StringComparer.Ordinal);
            var deferred = new HashSet<string>(StringComparer.Ordinal);
            long size = 0;
            foreach (var i in left)
            {
                var key = rows[i].RowKey;
                if (settled.Contains(key)) { results[i] = new Outcome(InsertResult.Conflict, null); continue; }
                var bytes = EstimateBytes(rows[i]);
                // A key already in this round (or put off) waits, so the earlier insert of it is the one that lands.
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
                await CommitRoundAsync(rows, round, results);
                foreach (var i in round)
                    if (results[i] is { Failure: null }) settled.Add(rows[i].RowKey);
            }
            left = later;
        }
        return results.Select(r => r!.Value).ToList();
    }

    /// <summary>One transaction; a conflicting row is marked and dropped and the rest go again, until none conflicts.</summary>
    async Task CommitRoundAsync(IReadOnlyList<TableEntity> rows, List<int> round, Outcome?[] results)
    {
        var pending = round.ToList();
        while (pending.Count > 0)
        {
            Interlocked.Increment(ref _requests);
            if (pending.Count == 1)
            {
                var i = pending[0];
                try
                {
                    var added = await _table.AddEntityAsync(rows[i]);
                    results[i] = new Outcome(new InsertResult(true, added.Headers.ETag ?? default), null);
                }
                catch (RequestFailedException e) when (e.Status == 409) { results[i] = new Outcome(InsertResult.Conflict, null); }
                catch (Exception e) { results[i] = new Outcome(default, e); }
                return;
            }
            try
            {
                var response = await _table.SubmitTransactionAsync(pending.Select(i => new TableTransactionAction(TableTransactionActionType.Add, rows[i])));
                for (var n = 0; n < pending.Count; n++)
                    results[pending[n]] = new Outcome(new InsertResult(true, response.Value[n].Headers.ETag ?? default), null);
                return;
            }
            catch (TableTransactionFailedException e) when (e.Status == 409 && e.FailedTransactionActionIndex is { } at && at >= 0 && at < pending.Count)
            {
                results[pending[at]] = new Outcome(InsertResult.Conflict, null);
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
