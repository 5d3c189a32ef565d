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
}

/// <summary>
/// Customers found-or-created by their normalised key: one row per customer in Customers (partition = book) with only
/// the fields the books need, and one row per voucher linked to it in CustomerVouchers (partition = book + key, row = the
/// voucher number), inserted once and never rewritten. So a repeat customer's thousandth order costs what its first did,
/// and there is no limit on how many vouchers one customer has (a list in one property filled at about 1,800).
/// Customer rows written before kept their numbers in a "Vouchers" property; those are still read.
/// </summary>
public sealed class CustomerStore(StorageAccount storage, IOptions<BooksOptions> options)
{
    readonly TableClient _table = storage.Table(TableNames.Customers);
    readonly TableClient _links = storage.Table(TableNames.CustomerVouchers);
    // Links of one customer written at the same moment share a transaction.
    readonly ConditionalBatch _linkWrites = new(storage.Table(TableNames.CustomerVouchers));
    readonly string _book = Keys.Escape(options.Value.Book);

    string LinkPartition(string key) => $"{_book}|{Keys.Escape(key)}";

    /// <summary>Creates the customer if new, refreshes the fields given, and links the voucher numbers (a set: repeats change nothing).</summary>
    public async Task RecordAsync(string key, Customer customer, IReadOnlyList<string> vouchers, CancellationToken ct)
    {
        // An existing link is a conflict, which is the answer we want: linked once.
        var linking = vouchers.Select(number => _linkWrites.InsertAsync(
            new TableEntity(LinkPartition(key), Keys.Escape(number)) { ["Key"] = key, ["Number"] = number }, ct));
        await Task.WhenAll([SaveFieldsAsync(key, customer, ct), .. linking]);
    }

    async Task SaveFieldsAsync(string key, Customer customer, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var r = await _table.GetEntityIfExistsAsync<TableEntity>(_book, Keys.Escape(key), cancellationToken: ct);
            if (r.HasValue && Same(r.Value!, customer)) return;
            var row = r.HasValue ? r.Value! : new TableEntity(_book, Keys.Escape(key)) { ["Key"] = key };
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

    public async Task<IReadOnlyList<CustomerRecord>> ListAsync(CancellationToken ct)
    {
        // Every link of the book in one range read: partitions "{book}|..." sort between "{book}|" and "{book}}".
        var linked = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var from = _book + "|";
        var to = _book + "}";
        await foreach (var l in _links.QueryAsync<TableEntity>(x => x.PartitionKey.CompareTo(from) >= 0 && x.PartitionKey.CompareTo(to) < 0, select: ["Key", "Number"], cancellationToken: ct))
        {
            var key = l.GetString("Key") ?? "";
            if (!linked.TryGetValue(key, out var numbers)) linked[key] = numbers = [];
            numbers.Add(l.GetString("Number") ?? "");
        }
        var list = new List<CustomerRecord>();
        await foreach (var e in _table.QueryAsync<TableEntity>(x => x.PartitionKey == _book, cancellationToken: ct))
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
