using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Connectors.Reliability.Malformed;

namespace Connectors.Reliability.Load;

/// <summary>One Custom order.created delivery: its body is fixed, so every re-send is byte-identical, as platforms re-send.</summary>
public sealed record Order(string ExternalId, IReadOnlyList<(string Sku, int Quantity)> Lines, byte[] Body);

/// <summary>
/// Valid orders for the exactly-once scenarios, sent to one Custom connection, and the checks on the books afterwards:
/// one sales voucher per order (GET /api/manage/vouchers) and stock equal to opening minus everything sold.
/// </summary>
public sealed class OrderLoad
{
    public const decimal OpeningStock = 100_000m;

    public CreatedConnection Connection { get; }
    public IReadOnlyList<Order> Orders { get; }
    public IReadOnlyList<string> Skus { get; }

    OrderLoad(CreatedConnection connection, IReadOnlyList<Order> orders, IReadOnlyList<string> skus) => (Connection, Orders, Skus) = (connection, orders, skus);

    /// <summary>Creates the connection and the items (with opening stock), and the orders (not sent yet).</summary>
    public static async Task<OrderLoad> CreateAsync(Target target, string prefix, int count, int seed)
    {
        var r = new Random(seed);
        var connection = await target.Admin.CreateConnectionAsync("custom", name: prefix + " shop");
        var skus = Enumerable.Range(0, 5).Select(i => $"{prefix}-SKU-{i}").ToList();
        foreach (var sku in skus) await target.Admin.PutItemAsync(sku, OpeningStock);
        var orders = new List<Order>(count);
        for (var i = 0; i < count; i++)
        {
            var lines = skus.OrderBy(_ => r.Next()).Take(r.Next(1, 4)).Select(s => (s, r.Next(1, 6))).ToList();
            var body = new Dictionary<string, object?>
            {
                ["external_id"] = $"{prefix}-{i:D5}", ["customer_name"] = "Asha Rao", ["order_date"] = "2026-05-25", ["buyer_state_code"] = r.Next(2) == 0 ? "29" : "27",
                ["lines"] = lines.Select(l => new Dictionary<string, object?> { ["sku"] = l.s, ["description"] = "Item " + l.s, ["quantity"] = l.Item2, ["rate"] = 99.99m, ["tax_rate"] = 18 }).ToList(),
            };
            orders.Add(new Order($"{prefix}-{i:D5}", lines, BadBodies.Write(body)));
        }
        return new OrderLoad(connection, orders, skus);
    }

    /// <summary>Sends one delivery; the HTTP status, or 0 when no answer came (connection refused or reset, timeout).</summary>
    public async Task<int> DeliverAsync(HttpClient http, Order order, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Connection.Path) { Content = new ByteArrayContent(order.Body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add("X-Connectors-Event", "order.created");
        request.Headers.Add("X-Connectors-Signature", Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Connection.SigningSecret!), order.Body)));
        try
        {
            using var response = await http.SendAsync(request, ct);
            await response.Content.ReadAsStringAsync(ct);
            return (int)response.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException) { return 0; }
    }

    /// <summary>Re-sends a delivery the way platforms do until it is acknowledged (2xx, or 409 "already received").</summary>
    public async Task<int> DeliverUntilAcknowledgedAsync(HttpClient http, Order order, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var status = await DeliverAsync(http, order);
            if (status is (>= 200 and < 300) or 409 || DateTime.UtcNow > deadline) return status;
            await Task.Delay(200);
        }
    }

    /// <summary>
    /// Waits until every order has its sales voucher (or the timeout passes), then counts: lost = orders without one,
    /// duplicated = sales vouchers beyond one; and checks the stock of every item against what the orders sold.
    /// </summary>
    public async Task VerifyAsync(Target target, ScenarioResult result, TimeSpan timeout)
    {
        var counts = new Dictionary<string, int>();
        var deadline = DateTime.UtcNow + timeout;
        var pending = Orders.ToList();
        while (true)
        {
            var next = new List<Order>();
            foreach (var batch in pending.Chunk(16))
            {
                var found = await Task.WhenAll(batch.Select(async o => (o, n: await target.Admin.SaleCountAsync(Connection.Id, o.ExternalId))));
                foreach (var (o, n) in found) { counts[o.ExternalId] = n; if (n == 0) next.Add(o); }
            }
            pending = next;
            if (pending.Count == 0 || DateTime.UtcNow > deadline) break;
            await Task.Delay(500);
        }
        // Late duplicates: give the trigger a moment more, then count again.
        await Task.Delay(1000);
        foreach (var batch in Orders.Chunk(16))
            foreach (var (o, n) in await Task.WhenAll(batch.Select(async o => (o, n: await target.Admin.SaleCountAsync(Connection.Id, o.ExternalId)))))
                counts[o.ExternalId] = n;

        result.Lost += counts.Count(c => c.Value == 0);
        result.Duplicated += counts.Sum(c => Math.Max(0, c.Value - 1));
        foreach (var (id, n) in counts.Where(c => c.Value != 1).Take(5)) result.Fail($"order {id} has {n} sales vouchers");

        foreach (var sku in Skus)
        {
            var sold = Orders.Sum(o => o.Lines.Where(l => l.Sku == sku).Sum(l => l.Quantity));
            var stock = await target.Admin.StockAsync(sku);
            if (stock != OpeningStock - sold)
                result.Fail($"stock of {sku} is {stock.ToString(CultureInfo.InvariantCulture)}, expected {OpeningStock - sold} ({OpeningStock} - {sold} sold)");
        }
    }
}
