using System.Text.Json;
using Connectors.Tests.Fixtures;

namespace Connectors.Tests.Sources;

/// <summary>What the books say about an order, read through the admin API once the queue trigger has posted it.</summary>
public static class BooksQueries
{
    public static async Task<JsonElement[]> VouchersAsync(HostFixture host, string connectionId, string externalId, int count)
    {
        JsonElement[] found = [];
        await HostFixture.Eventually(async () =>
        {
            using var response = await host.Http.SendAsync(host.Admin(HttpMethod.Get, $"/api/manage/vouchers?connection={connectionId}&order={Uri.EscapeDataString(externalId)}"));
            if (!response.IsSuccessStatusCode) return false;
            found = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.EnumerateArray().Select(e => e.Clone()).ToArray();
            return found.Length >= count;
        }, $"{count} voucher(s) for order {externalId}");
        return found;
    }

    public static JsonElement OfType(JsonElement[] vouchers, string type, int index = 0) =>
        vouchers.Where(v => v.GetProperty("type").GetString() == type).ElementAt(index);

    public static decimal Total(JsonElement voucher, string field) => voucher.GetProperty("totals").GetProperty(field).GetDecimal();

    /// <summary>Each line as (sku, quantity, taxable, tax).</summary>
    public static (string Sku, decimal Quantity, decimal Taxable, decimal Tax)[] Lines(JsonElement voucher) =>
        voucher.GetProperty("lines").EnumerateArray().Select(l => (l.GetProperty("sku").GetString()!, l.GetProperty("quantity").GetDecimal(),
            l.GetProperty("taxable").GetDecimal(), l.GetProperty("taxes").EnumerateArray().Sum(t => t.GetProperty("amount").GetDecimal()))).ToArray();

    public static void AssertBalanced(JsonElement voucher)
    {
        var journal = voucher.GetProperty("journal").EnumerateArray().ToList();
        Assert.NotEmpty(journal);
        Assert.Equal(journal.Sum(j => j.GetProperty("debit").GetDecimal()), journal.Sum(j => j.GetProperty("credit").GetDecimal()));
    }

    public static Task PutItemAsync(HostFixture host, string sku, decimal stock) =>
        host.AdminJsonAsync(HttpMethod.Put, "/api/manage/items/" + Uri.EscapeDataString(sku), new { name = sku, stock });

    public static async Task<decimal> StockAsync(HostFixture host, string sku) =>
        (await host.AdminJsonAsync(HttpMethod.Get, "/api/manage/items/" + Uri.EscapeDataString(sku))).GetProperty("stock").GetDecimal();

    public static async Task EventuallyStockAsync(HostFixture host, string sku, decimal expected) =>
        await HostFixture.Eventually(async () => await StockAsync(host, sku) == expected, $"stock of {sku} to be {expected}");
}
