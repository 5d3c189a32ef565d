using System.Text.Json;
using Connectors.Books;
using Connectors.Ingest;
using Connectors.Posting;
using Connectors.Tests.Fixtures;

namespace Connectors.Tests.Posting;

/// <summary>Drives the books through the real host: signed Custom deliveries in, admin routes out.</summary>
public sealed class BooksClient(HostFixture host)
{
    public HostFixture Host => host;

    public async Task<CreatedConnection> CustomConnectionAsync() => await host.CreateConnectionAsync("custom");

    public static object Line(string sku, decimal quantity, decimal rate, decimal taxRate, string? description = null) =>
        new { sku, description = description ?? sku + " item", quantity, rate, tax_rate = taxRate };

    public static object RefundLine(string sku, decimal quantity, decimal rate) => new { sku, quantity, rate };

    public async Task<int> SendAsync(CreatedConnection c, string eventName, object body)
    {
        using var request = SignedRequests.Custom(c.Path, c.SigningSecret!, eventName, JsonSerializer.Serialize(body));
        using var response = await host.Http.SendAsync(request);
        return (int)response.StatusCode;
    }

    public Task<int> OrderAsync(CreatedConnection c, string externalId, string? state, string date, params object[] lines) =>
        SendAsync(c, "order.created", new { external_id = externalId, customer_name = "Asha Rao", order_date = date, buyer_state_code = state, lines });

    /// <summary>An edit as the seed's SDK sends it (send_update: the order id and its new lines), saying when it was made.</summary>
    public Task<int> UpdateAsync(CreatedConnection c, string externalId, string updatedAt, params object[] lines) =>
        SendAsync(c, "order.updated", new { external_id = externalId, updated_at = updatedAt, lines });

    public Task<int> RefundAsync(CreatedConnection c, string externalId, string refundId, string date, params object[] lines) =>
        SendAsync(c, "order.refunded", new { external_id = externalId, refund_id = refundId, refund_date = date, lines });

    /// <summary>The order's vouchers once there are at least <paramref name="count"/>.</summary>
    public async Task<JsonElement[]> VouchersAsync(string connectionId, string externalId, int count, TimeSpan? timeout = null)
    {
        JsonElement[] found = [];
        await HostFixture.Eventually(async () =>
        {
            using var response = await host.Http.SendAsync(host.Admin(HttpMethod.Get, $"/api/manage/vouchers?connection={connectionId}&order={Uri.EscapeDataString(externalId)}"));
            if (!response.IsSuccessStatusCode) return false;
            found = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.EnumerateArray().Select(e => e.Clone()).ToArray();
            return found.Length >= count;
        }, $"{count} voucher(s) for order {externalId}", timeout);
        return found;
    }

    /// <summary>The activity entry of an order's event once it has left "accepted".</summary>
    public async Task<JsonElement> SettledActivityAsync(string connectionId, string externalId, string eventName, TimeSpan? timeout = null)
    {
        JsonElement entry = default;
        await HostFixture.Eventually(async () =>
        {
            var list = await host.AdminJsonAsync(HttpMethod.Get, $"/api/manage/connections/{connectionId}/activity?top=200");
            foreach (var e in list.EnumerateArray())
                if (e.GetProperty("event").GetString() == eventName && e.GetProperty("externalId").GetString()?.StartsWith(externalId) == true
                    && e.GetProperty("status").GetString() is "posted" or "failed" or "held" or "stale")
                { entry = e; return true; }
            return false;
        }, $"{eventName} of {externalId} to be posted, failed, held or stale", timeout);
        return entry;
    }

    public Task<JsonElement> VoucherAsync(string number) =>
        host.AdminJsonAsync(HttpMethod.Get, "/api/manage/vouchers/" + Uri.EscapeDataString(number));

    public Task<JsonElement> PutItemAsync(string sku, string name, decimal stock) =>
        host.AdminJsonAsync(HttpMethod.Put, "/api/manage/items/" + Uri.EscapeDataString(sku), new { name, stock });

    public async Task<decimal> StockAsync(string sku) =>
        (await host.AdminJsonAsync(HttpMethod.Get, "/api/manage/items/" + Uri.EscapeDataString(sku))).GetProperty("stock").GetDecimal();

    public IEventPoster Poster => host.Service<IEventPoster>();

    /// <summary>A canonical event as the ingest pipeline would stamp it, for posting directly.</summary>
    public static CanonicalEvent Event(EventKind kind, string connectionId, string externalId, string date, IReadOnlyList<CanonicalLine> lines,
        string? state = null, bool inclusive = false, string? refundId = null, string? eventId = null, Customer? customer = null) => new()
    {
        EventId = eventId ?? "ev_" + Guid.NewGuid().ToString("N"),
        Kind = kind, ConnectionId = connectionId, Platform = "custom", ExternalId = externalId, RefundId = refundId,
        Date = DateOnly.Parse(date), PlaceOfSupply = state, PricesIncludeTax = inclusive, Lines = lines,
        Customer = customer ?? new Customer { Name = "Asha Rao" },
    };

    public Task<Voucher?> StoredVoucherAsync(string number) => host.Service<VoucherStore>().GetAsync(number, CancellationToken.None);

    public static decimal Tax(JsonElement line, string name) =>
        line.GetProperty("taxes").EnumerateArray().Where(t => t.GetProperty("name").GetString() == name).Sum(t => t.GetProperty("amount").GetDecimal());

    public static decimal Total(JsonElement voucher, string field) => voucher.GetProperty("totals").GetProperty(field).GetDecimal();

    public static void AssertBalanced(JsonElement voucher)
    {
        var journal = voucher.GetProperty("journal").EnumerateArray().ToList();
        Assert.NotEmpty(journal);
        Assert.Equal(journal.Sum(j => j.GetProperty("debit").GetDecimal()), journal.Sum(j => j.GetProperty("credit").GetDecimal()));
    }
}
