using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Connectors.Storage;
using Microsoft.Extensions.Options;

namespace Connectors.Books;

/// <summary>
/// Vouchers and their numbers. Partition "{book}|{series}|{fy}" holds the series counter, the vouchers (row key = the
/// zero-padded number) and one marker per posting key. The counter update (If-Match), the voucher and the marker are
/// one entity-group transaction: a number is used exactly when its voucher is written (no gaps, no reuse), and a posting
/// key that was written before fails the transaction and yields its existing number (idempotent).
/// </summary>
public sealed class VoucherStore(StorageAccount storage, IOptions<BooksOptions> options)
{
    const string Counter = "counter";
    const string MarkerPrefix = "key|";

    readonly TableClient _table = storage.Table(TableNames.Vouchers);
    readonly BooksOptions _options = options.Value;

    public string Partition(string series, string fy) => $"{Keys.Escape(_options.Book)}|{series}|{fy}";

    /// <summary>Writes the voucher under the next number of its series, or returns the number its posting key already has.</summary>
    public async Task<string> PostAsync(Voucher draft, CancellationToken ct)
    {
        var series = VoucherType.Series(draft.Type, draft.IsTest);
        var fy = FinancialYear.Label(draft.Date, _options.FinancialYearStartMonth);
        var pk = Partition(series, fy);
        var markerKey = MarkerPrefix + Keys.Escape(draft.PostingKey);
        for (var attempt = 0; ; attempt++)
        {
            var marker = await _table.GetEntityIfExistsAsync<TableEntity>(pk, markerKey, cancellationToken: ct);
            if (marker.HasValue) return marker.Value!.GetString("Number");
            var counter = await _table.GetEntityIfExistsAsync<TableEntity>(pk, Counter, cancellationToken: ct);
            var next = (counter.HasValue ? counter.Value!.GetInt64("Last") ?? 0 : 0) + 1;
            var number = VoucherNumber.Format(series, fy, next);
            var voucher = draft with { Number = number };
            var row = new TableEntity(pk, VoucherNumber.RowKey(next))
            {
                ["Number"] = number, ["Type"] = voucher.Type, ["Date"] = voucher.Date.ToString("yyyy-MM-dd"), ["IsTest"] = voucher.IsTest,
                ["ConnectionId"] = voucher.ConnectionId, ["ExternalId"] = voucher.ExternalId, ["Total"] = voucher.Totals.Total.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            TableJson.Write(row, JsonSerializer.Serialize(voucher, BooksJson.Default.Voucher));
            var actions = new List<TableTransactionAction>
            {
                counter.HasValue
                    ? new(TableTransactionActionType.UpdateReplace, new TableEntity(pk, Counter) { ["Last"] = next }, counter.Value!.ETag)
                    : new(TableTransactionActionType.Add, new TableEntity(pk, Counter) { ["Last"] = next }),
                new(TableTransactionActionType.Add, row),
                new(TableTransactionActionType.Add, new TableEntity(pk, markerKey) { ["Number"] = number }),
            };
            try
            {
                await _table.SubmitTransactionAsync(actions, ct);
                return number;
            }
            catch (TableTransactionFailedException e) when (e.Status is 409 or 412 && attempt < 500)
            {
                // Someone else took this number (or wrote this very voucher): look again.
                await Task.Delay(Random.Shared.Next(1, 5 + Math.Min(attempt, 40)), ct);
            }
        }
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
