using System.Text.Json;
using Connectors.Books;
using Connectors.Connections;
using Connectors.Hosting;
using Microsoft.AspNetCore.Http;

namespace Connectors.Admin;

/// <summary>Admin routes of the books: SKU maps, items, vouchers, trial balance, customers and the test event.</summary>
public static class BooksAdmin
{
    public sealed record SkuMapping(string ConnectionId, string ExternalSku, string ItemSku);
    public sealed record TrialBalanceRow(string Account, decimal Debit, decimal Credit, decimal Balance);
    public sealed record TrialBalance(IReadOnlyList<TrialBalanceRow> Accounts, decimal Debit, decimal Credit, bool Balanced, int Vouchers);

    public static async Task<IResult> PutSkuMapAsync(string id, string externalSku, HttpRequest request, ConnectionStore connections, ItemStore items, SkuMapStore maps, CancellationToken ct)
    {
        if (await connections.GetLiveAsync(id, ct) is null) return AdminResults.Error(404, $"No live connection '{id}'.");
        externalSku = Uri.UnescapeDataString(externalSku);
        if (SkuError(externalSku) is { } bad) return AdminResults.Error(400, "externalSku " + bad);
        var (doc, error) = await AdminBody.ReadAsync(request, ct);
        if (doc is null) return error!;
        using var _ = doc;
        if (!AdminBody.TryString(doc.RootElement, "itemSku", out var itemSku, out var err, 100)) return AdminResults.Error(400, err!);
        if (string.IsNullOrEmpty(itemSku)) return AdminResults.Error(400, "itemSku is required: the SKU of the item this external SKU posts to.");
        if (await items.GetAsync(itemSku, ct) is null) return AdminResults.Error(404, $"No item '{itemSku}': create it first with PUT /api/manage/items/{itemSku}.");
        await maps.SetAsync(id, externalSku, itemSku, ct);
        return Results.Json(new SkuMapping(id, externalSku, itemSku));
    }

    public static async Task<IResult> UnmappedAsync(string id, ConnectionStore connections, SkuMapStore maps, CancellationToken ct) =>
        await connections.GetAsync(id, ct) is null ? AdminResults.Error(404, $"No connection '{id}'.") : Results.Json(await maps.ListUnmappedAsync(id, ct));

    public static async Task<IResult> PutItemAsync(string sku, HttpRequest request, ItemStore items, SkuMapStore maps, CancellationToken ct)
    {
        sku = Uri.UnescapeDataString(sku);
        if (SkuError(sku) is { } bad) return AdminResults.Error(400, "sku " + bad);
        var (doc, error) = await AdminBody.ReadAsync(request, ct);
        if (doc is null) return error!;
        using var _ = doc;
        var o = doc.RootElement;
        if (!AdminBody.TryString(o, "name", out var name, out var err, 200)) return AdminResults.Error(400, err!);
        decimal? stock = null;
        if (o.TryGetProperty("stock", out var s) && s.ValueKind != JsonValueKind.Null)
        {
            if (s.ValueKind != JsonValueKind.Number || !s.TryGetDecimal(out var d)) return AdminResults.Error(400, "stock must be a number.");
            stock = d;
        }
        // HSN (goods) or SAC (services, 99...): 2 to 8 digits (GSTR-1 table 12 asks 4 or 6 digits by turnover, CBIC Notification 78/2020-CT).
        if (!AdminBody.TryString(o, "hsn", out var hsn, out err, 8)) return AdminResults.Error(400, err!);
        if (!string.IsNullOrEmpty(hsn) && (hsn.Length < 2 || !hsn.All(char.IsAsciiDigit))) return AdminResults.Error(400, "hsn must be an HSN or SAC code of 2 to 8 digits, such as \"8471\" or \"998314\".");
        var item = await items.PutAsync(sku, string.IsNullOrEmpty(name) ? null : name, stock, ct, string.IsNullOrEmpty(hsn) ? null : hsn);
        // A new item can make an external SKU of the same name map to itself.
        maps.Invalidate();
        return Results.Json(item);
    }

    public static async Task<IResult> GetItemAsync(string sku, ItemStore items, CancellationToken ct) =>
        await items.GetAsync(Uri.UnescapeDataString(sku), ct) is { } item ? Results.Json(item) : AdminResults.Error(404, $"No item '{sku}'.");

    public static async Task<IResult> ListItemsAsync(ItemStore items, CancellationToken ct) => Results.Json(await items.ListAsync(ct));

    public static async Task<IResult> OrderVouchersAsync(string? connection, string? order, OrderStore orders, VoucherStore vouchers, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(connection) || string.IsNullOrWhiteSpace(order))
            return AdminResults.Error(400, "Both connection and order query parameters are required: /api/manage/vouchers?connection={id}&order={externalId}.");
        var (state, _) = await orders.GetAsync(connection, order, ct);
        if (state is null) return AdminResults.Error(404, $"No order '{order}' on connection '{connection}'.");
        var list = new List<Voucher>();
        foreach (var number in state.Vouchers)
            if (await vouchers.GetAsync(number, ct) is { } v) list.Add(v);
        return Results.Json(list, BooksJson.Default.Options);
    }

    public static async Task<IResult> GetVoucherAsync(string number, VoucherStore vouchers, CancellationToken ct)
    {
        number = Uri.UnescapeDataString(number);
        if (!VoucherNumber.TryParse(number, out _, out _, out _)) return AdminResults.Error(400, $"'{number}' is not a voucher number such as SV/26-27/000001.");
        return await vouchers.GetAsync(number, ct) is { } v ? Results.Json(v, BooksJson.Default.Voucher) : AdminResults.Error(404, $"No voucher '{number}'.");
    }

    public static async Task<IResult> TrialBalanceAsync(bool? includeTest, VoucherStore vouchers, CancellationToken ct)
    {
        var sums = new Dictionary<string, (decimal Debit, decimal Credit)>(StringComparer.Ordinal);
        var count = 0;
        await foreach (var v in vouchers.ScanAsync(ct))
        {
            if (v.IsTest && includeTest != true) continue;
            count++;
            foreach (var j in v.Journal)
            {
                var (d, c) = sums.GetValueOrDefault(j.Account);
                sums[j.Account] = (d + j.Debit, c + j.Credit);
            }
        }
        var rows = sums.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => new TrialBalanceRow(s.Key, s.Value.Debit, s.Value.Credit, s.Value.Debit - s.Value.Credit)).ToList();
        var debit = rows.Sum(r => r.Debit);
        var credit = rows.Sum(r => r.Credit);
        return Results.Json(new TrialBalance(rows, debit, credit, debit == credit, count));
    }

    /// <summary>The real books' customers; test orders' customers (the test books) only with ?includeTest=true, flagged isTest.</summary>
    public static async Task<IResult> CustomersAsync(bool? includeTest, CustomerStore customers, CancellationToken ct) => Results.Json(await customers.ListAsync(includeTest == true, ct));

    static string? SkuError(string sku) =>
        sku.Length == 0 ? "must not be empty." : sku.Length > 100 ? "must be at most 100 characters." : sku.Any(char.IsControl) ? "must not contain control characters." : null;
}
