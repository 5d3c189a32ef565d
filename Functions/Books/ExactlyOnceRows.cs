using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using Connectors.Storage;

namespace Connectors.Books;

/// <summary>
/// ExactlyOnce.AddAsync with group commit: changes to rows of the same partition that wait together are written as one
/// entity-group transaction (each row updated If-Match by the sum of its deltas, plus one marker per key), so a hot row
/// (a best-selling item's stock) or a hot partition (a book's items, a connection's unmapped SKU counts) costs one write
/// per batch instead of a race per change. A change may touch several rows (an order's stock movements): all of them
/// or none, under its one marker. A key applied before fails the transaction with 409 at its marker: it is dropped
/// (false) and the rest committed again. Rows are remembered as last written (with their ETag), so a batch reads a row
/// only when it has not seen it yet or the row's If-Match failed because someone else changed it.
/// </summary>
public sealed class ExactlyOnceRows
{
    /// <summary>An entity-group transaction holds at most 100 entities: the rows changed plus one marker per change.</summary>
    const int MaxEntities = 100;
    const int MaxChanges = 50;
    const int MaxRemembered = 10_000;

    readonly TableClient _table;
    readonly GroupCommit<Change, bool> _commit;
    readonly ConcurrentDictionary<(string Partition, string RowKey), (TableEntity Row, ETag ETag)> _rows = new();

    sealed record Change(IReadOnlyList<RowDelta> Deltas, string MarkerRowKey);

    public ExactlyOnceRows(TableClient table)
    {
        _table = table;
        _commit = new GroupCommit<Change, bool>(MaxChanges, CommitAsync);
    }

    /// <summary>Adds delta to the row's field once per marker key; false when the key was applied before.</summary>
    public Task<bool> AddAsync(string partition, string rowKey, string field, decimal delta, string markerRowKey, Func<TableEntity> create, CancellationToken ct) =>
        AddAsync(partition, [new RowDelta(rowKey, field, delta, () => Task.FromResult(create()))], markerRowKey, ct);

    /// <summary>
    /// Adds every delta to its row, all or none, once per marker key; false when the key was applied before. A change of
    /// more rows than one transaction holds goes in parts (by row key), each applied once under the key plus its part.
    /// </summary>
    public async Task<bool> AddAsync(string partition, IReadOnlyList<RowDelta> deltas, string markerRowKey, CancellationToken ct)
    {
        var entries = deltas.Count(d => d.Entry is not null);
        if (deltas.Select(d => d.RowKey).Distinct(StringComparer.Ordinal).Count() + entries < MaxEntities)
            return await _commit.SubmitAsync(partition, new Change(deltas, markerRowKey), ct);
        // With ledger entries a row takes two entities (itself and its entry).
        var parts = deltas.GroupBy(d => d.RowKey, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Chunk(entries > 0 ? (MaxEntities - 1) / 2 : MaxEntities - 1)
            .Select((rows, i) => _commit.SubmitAsync(partition, new Change([.. rows.SelectMany(g => g)], $"{markerRowKey}|part{i}"), ct));
        return (await Task.WhenAll(parts)).Any(applied => applied);
    }

    async Task<IReadOnlyList<bool>> CommitAsync(string partition, IReadOnlyList<Change> changes)
    {
        var results = new bool[changes.Count];
        // The same key twice in one batch (a redelivery racing the original) is written once: only the first is applied.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var live = Enumerable.Range(0, changes.Count).Where(i => seen.Add(changes[i].MarkerRowKey)).ToList();
        // As many changes per transaction as its 100 entities hold, in arrival order.
        var rowKeys = new HashSet<string>(StringComparer.Ordinal);
        var entries = 0;
        var part = new List<int>();
        foreach (var i in live)
        {
            var mine = changes[i].Deltas.Select(d => d.RowKey).Where(k => !rowKeys.Contains(k)).Distinct(StringComparer.Ordinal).Count();
            var myEntries = changes[i].Deltas.Count(d => d.Entry is not null);
            if (part.Count > 0 && rowKeys.Count + mine + part.Count + 1 + entries + myEntries > MaxEntities)
            {
                await CommitPartAsync(partition, changes, part, results);
                part = [];
                rowKeys.Clear();
                entries = 0;
            }
            entries += myEntries;
            part.Add(i);
            foreach (var d in changes[i].Deltas) rowKeys.Add(d.RowKey);
        }
        if (part.Count > 0) await CommitPartAsync(partition, changes, part, results);
        return results;
    }

    async Task CommitPartAsync(string partition, IReadOnlyList<Change> changes, List<int> live, bool[] results)
    {
        for (var attempt = 0; live.Count > 0; attempt++)
        {
            var rowKeys = live.SelectMany(i => changes[i].Deltas).Select(d => d.RowKey).Distinct(StringComparer.Ordinal).ToList();
            var current = await Task.WhenAll(rowKeys.Select(k => RowAsync(partition, k)));
            var actions = new List<TableTransactionAction>(rowKeys.Count + live.Count);
            var written = new TableEntity[rowKeys.Count];
            for (var r = 0; r < rowKeys.Count; r++)
            {
                var deltas = live.SelectMany(i => changes[i].Deltas).Where(d => d.RowKey == rowKeys[r]).ToList();
                // A copy: the remembered row stays as stored until this transaction succeeds.
                var row = current[r] is { } known ? new TableEntity(known.Row) : await deltas[0].Create();
                foreach (var d in deltas) row[d.Field] = ExactlyOnce.Format(ExactlyOnce.Read(row, d.Field) + d.Amount);
                written[r] = row;
                // Merge, not replace: the row is written whole either way, and the emulator's replace (remove + insert)
                // costs twice its merge on a table holding history; on Azure both cost the same.
                actions.Add(current[r] is { } k
                    ? new TableTransactionAction(TableTransactionActionType.UpdateMerge, row, k.ETag)
                    : new TableTransactionAction(TableTransactionActionType.Add, row));
            }
            foreach (var i in live)
                actions.Add(new(TableTransactionActionType.Add, ExactlyOnce.Marker(partition, changes[i].MarkerRowKey, changes[i].Deltas)));
            var markersEnd = actions.Count;
            // Ledger entries last, upserted: keyed by their change's key, they are written exactly when its marker is.
            foreach (var i in live)
                foreach (var d in changes[i].Deltas)
                    if (d.Entry is { } entry) actions.Add(new(TableTransactionActionType.UpsertReplace, entry));
            try
            {
                var response = await _table.SubmitTransactionAsync(actions);
                for (var r = 0; r < rowKeys.Count; r++) Remember(partition, rowKeys[r], written[r], response.Value[r].Headers.ETag);
                foreach (var i in live) results[i] = true;
                return;
            }
            catch (TableTransactionFailedException e) when (e.Status == 409 && e.FailedTransactionActionIndex is int at && at >= rowKeys.Count && at < markersEnd)
            {
                // That key's marker exists: applied before, so it changes nothing now (nor did this transaction: rows as remembered).
                live.RemoveAt(at - rowKeys.Count);
            }
            catch (TableTransactionFailedException e) when (e.Status == 409 && e.FailedTransactionActionIndex is null)
            {
                // The store did not say which entity clashed: apply them one by one, each checking its own marker.
                Forget(partition, rowKeys);
                foreach (var i in live)
                    results[i] = await ExactlyOnce.AddAsync(_table, partition, changes[i].Deltas, changes[i].MarkerRowKey, CancellationToken.None);
                return;
            }
            catch (TableTransactionFailedException e) when (e.Status is 404 or 409 or 412 && attempt < 1000)
            {
                // A row changed under us (another process, created meanwhile, or gone): read it again.
                Forget(partition, rowKeys);
                if (attempt > 0) await Task.Delay(Random.Shared.Next(1, 5 + Math.Min(attempt, 40)));
            }
            catch (Exception)
            {
                // Maybe written, maybe not (a timeout): the rows are read before the next try.
                Forget(partition, rowKeys);
                throw;
            }
        }
    }

    /// <summary>The row as remembered, or as read now; null when it does not exist yet.</summary>
    async Task<(TableEntity Row, ETag ETag)?> RowAsync(string partition, string rowKey)
    {
        if (_rows.TryGetValue((partition, rowKey), out var known)) return known;
        var r = await _table.GetEntityIfExistsAsync<TableEntity>(partition, rowKey);
        return r.HasValue ? (r.Value!, r.Value!.ETag) : null;
    }

    void Remember(string partition, string rowKey, TableEntity row, ETag? etag)
    {
        if (etag is not { } e || e == default) { _rows.TryRemove((partition, rowKey), out _); return; }
        // Bounded: with very many hot rows, start over rather than grow without end.
        if (_rows.Count >= MaxRemembered) _rows.Clear();
        _rows[(partition, rowKey)] = (row, e);
    }

    void Forget(string partition, IEnumerable<string> rowKeys)
    {
        foreach (var k in rowKeys) _rows.TryRemove((partition, k), out _);
    }
}
