using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Connectors.Ingest;
using Connectors.Storage;
using Microsoft.Extensions.Options;

namespace Connectors.Books;

public sealed record CustomerRecord(string Key, string? Name, string? Email, string? TaxId, string? Country, IReadOnlyList<string> Vouchers)
{
    public string? Address { get; init; }
    public string? PeppolId { get; init; }
    /// <summary>A customer of the test books (test orders only), listed only when asked for (?includeTest=true).</summary>
    public bool IsTest { get; init; }
}

/// <summary>
/// Customers found-or-created by their normalised key: one row per customer in Customers (partition = book) with only
/// the fields the books need, and one row per voucher linked to it in CustomerVouchers (partition = book + key, row = the
/// voucher number), inserted once and never rewritten. So a repeat customer's thousandth order costs what its first did,
/// and there is no limit on how many vouchers one customer has (a list in one property filled at about 1,800).
/// Customer rows written before kept their numbers in a "Vouchers" property; those are still read.
/// Test orders stay out of the real books: the customer of test vouchers (TSV/, TCN/, TDN/) is kept in the test books'
/// partitions ("{book}%test" and "{book}%test|{key}"), which the real listing never reads.
/// </summary>
public sealed class CustomerStore(StorageAccount storage, IOptions<BooksOptions> options)
{
    readonly TableClient _table = storage.Table(TableNames.Customers);
    readonly TableClient _links = storage.Table(TableNames.CustomerVouchers);
    // Links of one customer written at the same moment share a transaction.
    readonly ConditionalBatch _linkWrites = new(storage.Table(TableNames.CustomerVouchers));
    readonly string _book = Keys.Escape(options.Value.Book);

    /// <summary>The test books' partition: '%' followed by letters never occurs in an escaped book name (Keys.Escape writes %XX).</summary>
    string TestBook => _book + "%test";

    static string LinkPartition(string book, string key) => $"{book}|{Keys.Escape(key)}";

    static readonly HashSet<string> TestSeries = new(new[] { VoucherType.Sales, VoucherType.CreditNote, VoucherType.DebitNote }.Select(t => VoucherType.Series(t, isTest: true)), StringComparer.Ordinal);

    /// <summary>A number of a test series (TSV/26-27/000001, TCN/..., TDN/...): VoucherType.Series with isTest.</summary>
    public static bool IsTestNumber(string number) => number.IndexOf('/') is > 0 and var slash && TestSeries.Contains(number[..slash]);

    /// <summary>
    /// Creates the customer if new, refreshes the fields given, and links the voucher numbers (a set: repeats change
    /// nothing). Test vouchers (TSV/, TCN/, TDN/) are linked to the customer in the test books, the rest in the real ones.
    /// </summary>
    public async Task RecordAsync(string key, Customer customer, IReadOnlyList<string> vouchers, CancellationToken ct)
    {
        var test = vouchers.Where(IsTestNumber).ToList();
        var real = test.Count == 0 ? vouchers : vouchers.Where(n => !IsTestNumber(n)).ToList();
        var writes = new List<Task>(2);
        if (real.Count > 0 || test.Count == 0) writes.Add(RecordInAsync(_book, key, customer, real, ct));
        if (test.Count > 0) writes.Add(RecordInAsync(TestBook, key, customer, test, ct));
        await Task.WhenAll(writes);
    }

    async Task RecordInAsync(string book, string key, Customer customer, IReadOnlyList<string> vouchers, CancellationToken ct)
    {
        // An existing link is a conflict, which is the answer we want: linked once.
        var linking = vouchers.Select(number => _linkWrites.InsertAsync(
            new TableEntity(LinkPartition(book, key), Keys.Escape(number)) { ["Key"] = key, ["Number"] = number }, ct));
        await Task.WhenAll([SaveFieldsAsync(book, key, customer, ct), .. linking]);
    }

    async Task SaveFieldsAsync(string book, string key, Customer customer, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var r = await _table.GetEntityIfExistsAsync<TableEntity>(book, Keys.Escape(key), cancellationToken: ct);
            if (r.HasValue && Same(r.Value!, customer)) return;
            var row = r.HasValue ? r.Value! : new TableEntity(book, Keys.Escape(key)) { ["Key"] = key };
            if (customer.Name is not null) row["Name"] = customer.Name;
            if (customer.Email is not null) row["Email"] = customer.Email;
            if (customer.TaxId is not null) row["TaxId"] = customer.TaxId;
            if (customer.Country is not null) row["Country"] = customer.Country;
            if (customer.Address is not null) row["Address"] = customer.Address;
            if (customer.PeppolId is not null) row["PeppolId"] = customer.PeppolId;
            try
            {
                if (r.HasValue) await _table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Merge, ct);
                else await _table.AddEntityAsync(row, ct);
                return;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412 && attempt < 1000) { await Task.Delay(Random.Shared.Next(1, 20), ct); }
        }
    }

    /// <summary>The real books' customers, as the accountant reads them.</summary>
    public Task<IReadOnlyList<CustomerRecord>> ListAsync(CancellationToken ct) => ListAsync(includeTest: false, ct);

    /// <summary>
    /// The real books' customers, without test vouchers; with <paramref name="includeTest"/> the test books' customers too
    /// (IsTest), so a buyer who placed real and test orders is listed twice, once in each. A customer row written before
    /// test customers had books of their own, whose vouchers are all test vouchers, counts as a test customer.
    /// </summary>
    public async Task<IReadOnlyList<CustomerRecord>> ListAsync(bool includeTest, CancellationToken ct)
    {
        var list = new List<CustomerRecord>();
        foreach (var c in await ListBookAsync(_book, ct))
        {
            var real = c.Vouchers.Where(n => !IsTestNumber(n)).ToList();
            if (real.Count > 0 || c.Vouchers.Count == 0) list.Add(includeTest ? c : c with { Vouchers = real });
            else if (includeTest) list.Add(c with { IsTest = true });
        }
        if (includeTest) list.AddRange((await ListBookAsync(TestBook, ct)).Select(c => c with { IsTest = true }));
        return list;
    }

    async Task<List<CustomerRecord>> ListBookAsync(string book, CancellationToken ct)
    {
        // Every link of the book in one range read: partitions "{book}|..." sort between "{book}|" and "{book}}".
        var linked = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var from = book + "|";
        var to = book + "}";
        await foreach (var l in _links.QueryAsync<TableEntity>(x => x.PartitionKey.CompareTo(from) >= 0 && x.PartitionKey.CompareTo(to) < 0, select: ["Key", "Number"], cancellationToken: ct))
        {
            var key = l.GetString("Key") ?? "";
            if (!linked.TryGetValue(key, out var numbers)) linked[key] = numbers = [];
            numbers.Add(l.GetString("Number") ?? "");
        }
        var list = new List<CustomerRecord>();
        await foreach (var e in _table.QueryAsync<TableEntity>(x => x.PartitionKey == book, cancellationToken: ct))
        {
            var key = e.GetString("Key") ?? "";
            var vouchers = LegacyVouchers(e).Union(linked.GetValueOrDefault(key) ?? [], StringComparer.Ordinal).ToList();
            list.Add(new CustomerRecord(key, e.GetString("Name"), e.GetString("Email"), e.GetString("TaxId"), e.GetString("Country"), vouchers)
            {
                Address = e.GetString("Address"), PeppolId = e.GetString("PeppolId"),
            });
        }
        return list;
    }

    /// <summary>Numbers kept in the customer row itself, by versions before CustomerVouchers.</summary>
    static List<string> LegacyVouchers(TableEntity row) =>
        row.GetString("Vouchers") is { Length: > 0 } json ? JsonSerializer.Deserialize(json, BooksJson.Default.ListString) ?? [] : [];

    static bool Same(TableEntity row, Customer c) =>
        (c.Name is null || c.Name == row.GetString("Name")) && (c.Email is null || c.Email == row.GetString("Email"))
        && (c.TaxId is null || c.TaxId == row.GetString("TaxId")) && (c.Country is null || c.Country == row.GetString("Country"))
        && (c.Address is null || c.Address == row.GetString("Address")) && (c.PeppolId is null || c.PeppolId == row.GetString("PeppolId"));
}
