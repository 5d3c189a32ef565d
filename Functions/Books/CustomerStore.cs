using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Connectors.Ingest;
using Connectors.Storage;
using Microsoft.Extensions.Options;

namespace Connectors.Books;

public sealed record CustomerRecord(string Key, string? Name, string? Email, string? TaxId, string? Country, IReadOnlyList<string> Vouchers);

/// <summary>Customers found-or-created by their normalised key (partition = book); only the fields the books need.</summary>
public sealed class CustomerStore(StorageAccount storage, IOptions<BooksOptions> options)
{
    readonly TableClient _table = storage.Table(TableNames.Customers);
    readonly string _book = Keys.Escape(options.Value.Book);

    /// <summary>Creates the customer if new, refreshes the fields given, and adds the voucher numbers (a set: repeats change nothing).</summary>
    public async Task RecordAsync(string key, Customer customer, IReadOnlyList<string> vouchers, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var r = await _table.GetEntityIfExistsAsync<TableEntity>(_book, Keys.Escape(key), cancellationToken: ct);
            var row = r.HasValue ? r.Value! : new TableEntity(_book, Keys.Escape(key)) { ["Key"] = key };
            var known = Vouchers(row);
            var merged = known.Union(vouchers, StringComparer.Ordinal).ToList();
            if (r.HasValue && merged.Count == known.Count && Same(row, customer)) return;
            if (customer.Name is not null) row["Name"] = customer.Name;
            if (customer.Email is not null) row["Email"] = customer.Email;
            if (customer.TaxId is not null) row["TaxId"] = customer.TaxId;
            if (customer.Country is not null) row["Country"] = customer.Country;
            row["Vouchers"] = JsonSerializer.Serialize(merged, BooksJson.Default.ListString);
            try
            {
                if (r.HasValue) await _table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, ct);
                else await _table.AddEntityAsync(row, ct);
                return;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412 && attempt < 1000) { await Task.Delay(Random.Shared.Next(1, 20), ct); }
        }
    }

    public async Task<IReadOnlyList<CustomerRecord>> ListAsync(CancellationToken ct)
    {
        var list = new List<CustomerRecord>();
        await foreach (var e in _table.QueryAsync<TableEntity>(x => x.PartitionKey == _book, cancellationToken: ct))
            list.Add(new CustomerRecord(e.GetString("Key") ?? "", e.GetString("Name"), e.GetString("Email"), e.GetString("TaxId"), e.GetString("Country"), Vouchers(e)));
        return list;
    }

    static List<string> Vouchers(TableEntity row) =>
        row.GetString("Vouchers") is { Length: > 0 } json ? JsonSerializer.Deserialize(json, BooksJson.Default.ListString) ?? [] : [];

    static bool Same(TableEntity row, Customer c) =>
        (c.Name is null || c.Name == row.GetString("Name")) && (c.Email is null || c.Email == row.GetString("Email"))
        && (c.TaxId is null || c.TaxId == row.GetString("TaxId")) && (c.Country is null || c.Country == row.GetString("Country"));
}
