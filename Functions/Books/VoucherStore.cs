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
/// Each voucher also has a period index row "d|{yyyy-MM-dd}|{number}" in the same transaction (a copy of the voucher,
/// keyed by its date), so a report reads a month as one row-key range per series, never the year or the table
/// (docs/reports.md). Vouchers written before the index are indexed by ReindexAsync (POST /api/manage/books/backfill).
/// </summary>
public sealed class VoucherStore
{
    const string Counter = "counter";
    const string MarkerPrefix = "key|";
    public const string IndexPrefix = "d|";
    /// <summary>Counter + 33 × (voucher, marker, index row) = 100 entities, what a transaction may hold.</summary>
    const int MaxBatch = 33;
    /// <summary>A transaction's body may not exceed 4 MiB: keep the vouchers' JSON (written twice: voucher and index row) well under it.</summary>
    const int MaxBatchJsonChars = 750_000;

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
            var actions = new List<TableTransactionAction>(1 + 3 * chunk.Count)
            {
                // A merge: the counter's one property is written either way, and the emulator's replace is a remove plus an insert.
                etag is { } known ? new(TableTransactionActionType.UpdateMerge, counterRow, known) : new(TableTransactionActionType.Add, counterRow),
            };
            var numbers = new string[chunk.Count];
            for (var j = 0; j < chunk.Count; j++)
            {
                var n = last + 1 + j;
                numbers[j] = VoucherNumber.Format(series, fy, n);
                var row = Row(pk, n, drafts[chunk[j]] with { Number = numbers[j] });
                actions.Add(new(TableTransactionActionType.Add, row));
                actions.Add(new(TableTransactionActionType.Add, new TableEntity(pk, MarkerKey(drafts[chunk[j]])) { ["Number"] = numbers[j] }));
                actions.Add(new(TableTransactionActionType.Add, IndexRow(row)));
            }
            try
            {
                var response = await _table.SubmitTransactionAsync(actions);
                Remember(pk, last + chunk.Count, response.Value[0].Headers.ETag);
                for (var j = 0; j < chunk.Count; j++) results[chunk[j]] = numbers[j];
                return;
            }
            catch (TableTransactionFailedException e) when (e.Status == 409 && e.FailedTransactionActionIndex is int at && at >= 2 && (at - 2) % 3 == 0)
            {
                // That posting key has its voucher already: it keeps its number; the rest are numbered again.
                // The transaction changed nothing, so the counter as remembered still stands.
                var j = (at - 2) / 3;
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
            var row = Row(pk, next, draft with { Number = number });
            var actions = new List<TableTransactionAction>
            {
                counter.HasValue
                    ? new(TableTransactionActionType.UpdateMerge, new TableEntity(pk, Counter) { ["Last"] = next }, counter.Value!.ETag)
                    : new(TableTransactionActionType.Add, new TableEntity(pk, Counter) { ["Last"] = next }),
                new(TableTransactionActionType.Add, row),
                new(TableTransactionActionType.Add, new TableEntity(pk, markerKey) { ["Number"] = number }),
                new(TableTransactionActionType.Add, IndexRow(row)),
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

    /// <summary>The voucher row's copy under its date: "d|2026-05-25|000042" (all properties, the JSON included).</summary>
    static TableEntity IndexRow(TableEntity voucherRow)
    {
        var index = new TableEntity(voucherRow.PartitionKey, IndexKey(voucherRow.GetString("Date") ?? "", voucherRow.RowKey));
        foreach (var (name, value) in voucherRow)
            if (name is not ("PartitionKey" or "RowKey" or "Timestamp" or "odata.etag")) index[name] = value;
        return index;
    }

    static string IndexKey(string date, string rowKey) => IndexPrefix + date + "|" + rowKey;

    /// <summary>
    /// The vouchers dated from..to (inclusive), in date and number order per series: per financial year the period
    /// touches and per series, one row-key range over the index rows of those days, nothing else.
    /// </summary>
    public async IAsyncEnumerable<Voucher> ListAsync(DateOnly from, DateOnly to, bool includeTest, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var low = IndexPrefix + from.ToString("yyyy-MM-dd");
        var high = IndexPrefix + to.AddDays(1).ToString("yyyy-MM-dd");
        foreach (var fy in FinancialYears(from, to))
            foreach (var series in Series(includeTest))
            {
                var pk = Partition(series, fy);
                await foreach (var e in _table.QueryAsync<TableEntity>(x => x.PartitionKey == pk && x.RowKey.CompareTo(low) >= 0 && x.RowKey.CompareTo(high) < 0, cancellationToken: ct))
                    yield return Read(e);
            }
    }

    /// <summary>Every series a book can have: sales, credit and debit notes, and their test series with includeTest.</summary>
    public static IReadOnlyList<string> Series(bool includeTest) =>
        [.. new[] { false, true }.Where(t => includeTest || !t).SelectMany(t => new[] { VoucherType.Sales, VoucherType.CreditNote, VoucherType.DebitNote }.Select(type => VoucherType.Series(type, t)))];

    IEnumerable<string> FinancialYears(DateOnly from, DateOnly to)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var d = new DateOnly(from.Year, from.Month, 1); d <= to; d = d.AddMonths(1))
            if (seen.Add(FinancialYear.Label(d, _options.FinancialYearStartMonth))) yield return FinancialYear.Label(d, _options.FinancialYearStartMonth);
    }

    /// <summary>
    /// One-off backfill for vouchers written before the period index: writes (upserts) the index row of every voucher
    /// that has none. Idempotent; a scan, run once after upgrading. Returns how many rows it wrote.
    /// </summary>
    public async Task<int> ReindexAsync(CancellationToken ct)
    {
        var written = 0;
        var book = Keys.Escape(_options.Book) + "|";
        var end = Keys.Escape(_options.Book) + "}";
        var indexed = new HashSet<(string, string)>();
        var rows = new List<TableEntity>();
        await foreach (var e in _table.QueryAsync<TableEntity>(x => x.PartitionKey.CompareTo(book) >= 0 && x.PartitionKey.CompareTo(end) < 0, cancellationToken: ct))
        {
            if (e.RowKey.StartsWith(IndexPrefix, StringComparison.Ordinal)) indexed.Add((e.PartitionKey, e.RowKey));
            else if (e.RowKey.Length > 0 && e.RowKey.All(char.IsAsciiDigit)) rows.Add(e);
        }
        foreach (var row in rows)
        {
            var index = IndexRow(row);
            if (indexed.Contains((index.PartitionKey, index.RowKey))) continue;
            await _table.UpsertEntityAsync(index, TableUpdateMode.Replace, ct);
            written++;
        }
        return written;
    }

    /// <summary>Every voucher row's (partition, row key) and whether its index row exists: for the books audit.</summary>
    public async Task<(List<(string Partition, string RowKey, string Date)> Vouchers, HashSet<(string, string)> Indexed, Dictionary<string, long> Counters)> RowsAsync(CancellationToken ct)
    {
        var book = Keys.Escape(_options.Book) + "|";
        var end = Keys.Escape(_options.Book) + "}";
        var vouchers = new List<(string, string, string)>();
        var indexed = new HashSet<(string, string)>();
        var counters = new Dictionary<string, long>(StringComparer.Ordinal);
        await foreach (var e in _table.QueryAsync<TableEntity>(x => x.PartitionKey.CompareTo(book) >= 0 && x.PartitionKey.CompareTo(end) < 0, select: ["PartitionKey", "RowKey", "Date", "Last"], cancellationToken: ct))
        {
            if (e.RowKey.StartsWith(IndexPrefix, StringComparison.Ordinal)) indexed.Add((e.PartitionKey, e.RowKey));
            else if (e.RowKey == Counter) counters[e.PartitionKey] = e.GetInt64("Last") ?? 0;
            else if (e.RowKey.Length > 0 && e.RowKey.All(char.IsAsciiDigit)) vouchers.Add((e.PartitionKey, e.RowKey, e.GetString("Date") ?? ""));
        }
        return (vouchers, indexed, counters);
    }

    public static string IndexKeyOf(string date, string rowKey) => IndexKey(date, rowKey);

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
