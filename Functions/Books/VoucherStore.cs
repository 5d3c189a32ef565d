using System.Collections.Concurrent;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Connectors.Storage;
using Microsoft.Extensions.Options;

namespace Connectors.Books;

/// <summary>
/// Vouchers and their numbers. Partition "{book}|{series}|{fy}" holds the series counter, the vouchers (row key = the
/// zero-padded number) and one marker per posting key. The counter update (If-Match), the vouchers and their markers are
/// one entity-group transaction: a number is used exactly when its voucher is written (no gaps, no reuse), and a posting
/// key that was written before fails the transaction at its marker and yields its existing number (idempotent).
/// Vouchers of one series that wait together are numbered in one transaction (group commit): the counter row is the
/// series' hot spot, and one write per batch replaces a race per voucher.
/// </summary>
public sealed class VoucherStore
{
    const string Counter = "counter";
    const string MarkerPrefix = "key|";
    /// <summary>Counter + 49 × (voucher, marker) = 99 of the 100 entities a transaction may hold.</summary>
    const int MaxBatch = 49;
    /// <summary>A transaction's body may not exceed 4 MiB: keep the vouchers' JSON well under it.</summary>
    const int MaxBatchJsonChars = 1_500_000;

    readonly TableClient _table;
    readonly BooksOptions _options;
    readonly GroupCommit<Voucher, string> _commit;
    /// <summary>
    /// Each series' counter as this instance last wrote it: the next commit goes straight to the transaction, whose
    /// If-Match fails (412) if anyone moved the counter since, and only then is it read again.
    /// </summary>
    readonly ConcurrentDictionary<string, (long Last, ETag ETag)> _counters = new(StringComparer.Ordinal);

    public VoucherStore(StorageAccount storage, IOptions<BooksOptions> options)
    {
        _table = storage.Table(TableNames.Vouchers);
        _options = options.Value;
        _commit = new GroupCommit<Voucher, string>(MaxBatch, CommitAsync);
    }

    public string Partition(string series, string fy) => $"{Keys.Escape(_options.Book)}|{series}|{fy}";

    /// <summary>Writes the voucher under the next number of its series, or returns the number its posting key already has.</summary>
    public Task<string> PostAsync(Voucher draft, CancellationToken ct)
    {
        var (pk, _, _) = Place(draft);
        return _commit.SubmitAsync(pk, draft, ct);
    }

    (string Partition, string Series, string Fy) Place(Voucher draft)
    {
        var series = VoucherType.Series(draft.Type, draft.IsTest);
        var fy = FinancialYear.Label(draft.Date, _options.FinancialYearStartMonth);
        return (Partition(series, fy), series, fy);
    }

    static string MarkerKey(Voucher draft) => MarkerPrefix + Keys.Escape(draft.PostingKey);

    async Task<IReadOnlyList<string>> CommitAsync(string pk, IReadOnlyList<Voucher> drafts)
    {
        var results = new string[drafts.Count];
        // One posting key twice in a batch (a redelivery racing the original): numbered once, both get that number.
        var firstOf = new Dictionary<string, int>(StringComparer.Ordinal);
        var live = new List<int>();
        for (var i = 0; i < drafts.Count; i++)
            if (firstOf.TryAdd(MarkerKey(drafts[i]), i)) live.Add(i);
        var json = new string[drafts.Count];
        foreach (var i in live) json[i] = JsonSerializer.Serialize(drafts[i] with { Number = "" }, BooksJson.Default.Voucher);

        for (var next = 0; next < live.Count;)
        {
            var chunk = new List<int>();
            for (var size = 0; next < live.Count && (chunk.Count == 0 || size + json[live[next]].Length <= MaxBatchJsonChars); next++)
            {
                size += json[live[next]].Length;
                chunk.Add(live[next]);
            }
            await CommitChunkAsync(pk, drafts, chunk, results);
        }
        for (var i = 0; i < drafts.Count; i++) results[i] ??= results[firstOf[MarkerKey(drafts[i])]];
        return results;
    }

    async Task CommitChunkAsync(string pk, IReadOnlyList<Voucher> drafts, List<int> chunk, string[] results)
    {
        var (_, series, fy) = Place(drafts[chunk[0]]);
        for (var attempt = 0; chunk.Count > 0; attempt++)
        {
            var (last, etag) = await CounterAsync(pk);
            var counterRow = new TableEntity(pk, Counter) { ["Last"] = last + chunk.Count };
            var actions = new List<TableTransactionAction>(1 + 2 * chunk.Count)
            {
                // A merge: the counter's one property is written either way, and the emulator's replace is a remove plus an insert.
                etag is { } known ? new(TableTransactionActionType.UpdateMerge, counterRow, known) : new(TableTransactionActionType.Add, counterRow),
            };
            var numbers = new string[chunk.Count];
            for (var j = 0; j < chunk.Count; j++)
            {
                var n = last + 1 + j;
                numbers[j] = VoucherNumber.Format(series, fy, n);
                actions.Add(new(TableTransactionActionType.Add, Row(pk, n, drafts[chunk[j]] with { Number = numbers[j] })));
                actions.Add(new(TableTransactionActionType.Add, new TableEntity(pk, MarkerKey(drafts[chunk[j]])) { ["Number"] = numbers[j] }));
            }
            try
            {
                var response = await _table.SubmitTransactionAsync(actions);
                Remember(pk, last + chunk.Count, response.Value[0].Headers.ETag);
                for (var j = 0; j < chunk.Count; j++) results[chunk[j]] = numbers[j];
                return;
            }
            catch (TableTransactionFailedException e) when (e.Status == 409 && e.FailedTransactionActionIndex is int at && at >= 2 && at % 2 == 0)
            {
                // That posting key has its voucher already: it keeps its number; the rest are numbered again.
                // The transaction changed nothing, so the counter as remembered still stands.
                var j = at / 2 - 1;
                var marker = await _table.GetEntityIfExistsAsync<TableEntity>(pk, MarkerKey(drafts[chunk[j]]));
                if (marker.HasValue) { results[chunk[j]] = marker.Value!.GetString("Number"); chunk.RemoveAt(j); }
            }
            catch (TableTransactionFailedException e) when (e.Status == 409 && e.FailedTransactionActionIndex is null)
            {
                // The store did not say which entity clashed: number them one by one, each checking its own marker.
                _counters.TryRemove(pk, out _);
                foreach (var i in chunk) results[i] = await PostOneAsync(pk, series, fy, drafts[i]);
                return;
            }
            // A missing table is not a moved counter: retrying cannot help, the event goes back to the queue at once.
            catch (TableTransactionFailedException e) when (e.Status is 404 or 409 or 412 && e.ErrorCode != "TableNotFound" && attempt < 500)
            {
                // Another process moved the counter (or created it), or the remembered one is gone: read it again.
                _counters.TryRemove(pk, out _);
                if (attempt > 0) await Task.Delay(Random.Shared.Next(1, 5 + Math.Min(attempt, 40)));
            }
            catch (Exception)
            {
                // Maybe written, maybe not (a timeout): the counter is read before the next try.
                _counters.TryRemove(pk, out _);
                throw;
            }
        }
    }

    /// <summary>The counter as remembered, or as read: its last number and its ETag (null: no counter row yet).</summary>
    async Task<(long Last, ETag? ETag)> CounterAsync(string pk)
    {
        if (_counters.TryGetValue(pk, out var known)) return (known.Last, known.ETag);
        var counter = await _table.GetEntityIfExistsAsync<TableEntity>(pk, Counter);
        return counter.HasValue ? (counter.Value!.GetInt64("Last") ?? 0, counter.Value!.ETag) : (0, null);
    }

    void Remember(string pk, long last, ETag? etag)
    {
        if (etag is { } e && e != default) _counters[pk] = (last, e);
        else _counters.TryRemove(pk, out _);
    }

    /// <summary>One voucher on its own: the posting key's marker is looked up first, then counter, voucher and marker in one transaction.</summary>
    async Task<string> PostOneAsync(string pk, string series, string fy, Voucher draft)
    {
        var markerKey = MarkerKey(draft);
        for (var attempt = 0; ; attempt++)
        {
            var marker = await _table.GetEntityIfExistsAsync<TableEntity>(pk, markerKey);
            if (marker.HasValue) return marker.Value!.GetString("Number");
            var counter = await _table.GetEntityIfExistsAsync<TableEntity>(pk, Counter);
            var next = (counter.HasValue ? counter.Value!.GetInt64("Last") ?? 0 : 0) + 1;
            var number = VoucherNumber.Format(series, fy, next);
            var actions = new List<TableTransactionAction>
            {
                counter.HasValue
                    ? new(TableTransactionActionType.UpdateMerge, new TableEntity(pk, Counter) { ["Last"] = next }, counter.Value!.ETag)
                    : new(TableTransactionActionType.Add, new TableEntity(pk, Counter) { ["Last"] = next }),
                new(TableTransactionActionType.Add, Row(pk, next, draft with { Number = number })),
                new(TableTransactionActionType.Add, new TableEntity(pk, markerKey) { ["Number"] = number }),
            };
            try
            {
                await _table.SubmitTransactionAsync(actions);
                return number;
            }
            catch (TableTransactionFailedException e) when (e.Status is 409 or 412 && attempt < 500)
            {
                // Someone else took this number (or wrote this very voucher): look again.
                await Task.Delay(Random.Shared.Next(1, 5 + Math.Min(attempt, 40)));
            }
        }
    }

    static TableEntity Row(string pk, long n, Voucher voucher)
    {
        var row = new TableEntity(pk, VoucherNumber.RowKey(n))
        {
            ["Number"] = voucher.Number, ["Type"] = voucher.Type, ["Date"] = voucher.Date.ToString("yyyy-MM-dd"), ["IsTest"] = voucher.IsTest,
            ["ConnectionId"] = voucher.ConnectionId, ["ExternalId"] = voucher.ExternalId, ["Total"] = voucher.Totals.Total.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        TableJson.Write(row, JsonSerializer.Serialize(voucher, BooksJson.Default.Voucher));
        return row;
    }

    public async Task<Voucher?> GetAsync(string number, CancellationToken ct)
    {
        if (!VoucherNumber.TryParse(number, out var series, out var fy, out var rowKey)) return null;
        var r = await _table.GetEntityIfExistsAsync<TableEntity>(Partition(series, fy), rowKey, cancellationToken: ct);
        return r.HasValue ? Read(r.Value!) : null;
    }

    /// <summary>Every voucher of this book (admin reports only: a scan).</summary>
    public async IAsyncEnumerable<Voucher> ScanAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var book = Keys.Escape(_options.Book) + "|";
        var end = Keys.Escape(_options.Book) + "}";
        // Voucher rows have all-digit keys; "counter" and "key|..." sort after them.
        await foreach (var e in _table.QueryAsync<TableEntity>(x => x.PartitionKey.CompareTo(book) >= 0 && x.PartitionKey.CompareTo(end) < 0 && x.RowKey.CompareTo("0") >= 0 && x.RowKey.CompareTo(":") < 0, cancellationToken: ct))
            yield return Read(e);
    }

    static Voucher Read(TableEntity e) => JsonSerializer.Deserialize(TableJson.Read(e), BooksJson.Default.Voucher)!;
}
