using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Connectors.Hosting;
using Connectors.Ingest;
using Connectors.Reliability.Load;
using Connectors.Reliability.Malformed;

namespace Connectors.Reliability.Poison;

/// <summary>
/// Refunds whose sales have not arrived keep failing ("waiting for the sale"), end in the poison queue with that reason
/// in their activity entries; once the sales arrive, POST /api/manage/poison/replay posts each refund exactly once, and
/// replaying the same message again (a crash between send and delete does that) changes nothing. Needs the posting
/// engine and a host whose maxDequeueCount and visibilityTimeout are short enough to poison within the run.
/// </summary>
public static class PoisonReplayScenario
{
    public sealed record Options(int Refunds = 5, int Seed = 66, double TimeoutSeconds = 60);

    public static async Task<ScenarioResult> RunAsync(Target target, Options options)
    {
        var result = new ScenarioResult("poison-replay");
        var clock = Stopwatch.StartNew();
        var timeout = TimeSpan.FromSeconds(options.TimeoutSeconds);
        var load = await OrderLoad.CreateAsync(target, "POISON" + options.Seed, options.Refunds, options.Seed);
        var c = load.Connection;
        var queue = new EventQueue(target.Storage);
        var poison = target.Storage.Queue(QueueNames.EventsPoison);

        // 1. The refunds first: accepted (200), then they fail on every attempt and go to poison.
        foreach (var order in load.Orders)
        {
            var status = await SendAsync(target, c, "order.refunded", RefundBody(order));
            Count(result, status);
            if (status != 200) result.Fail($"refund of {order.ExternalId}: answered {status}, expected 200");
        }
        var poisoned = new Dictionary<string, BinaryData>();
        await Until(async () =>
        {
            foreach (var m in (await poison.PeekMessagesAsync(32)).Value)
                foreach (var e in await queue.OpenAsync(m.Body, default))
                    if (e is { Kind: EventKind.Refund } && e.ConnectionId == c.Id) poisoned[e.ExternalId] = m.Body;
            return poisoned.Count == load.Orders.Count;
        }, timeout);
        if (poisoned.Count != load.Orders.Count) result.Fail($"{poisoned.Count} of {load.Orders.Count} refunds reached {QueueNames.EventsPoison}");

        var activity = await target.Admin.ActivityAsync(c.Id);
        foreach (var order in load.Orders)
        {
            var entry = activity.FirstOrDefault(a => a.GetProperty("externalId").GetString()?.StartsWith(order.ExternalId + " /", StringComparison.Ordinal) == true);
            var reason = entry.ValueKind == JsonValueKind.Object ? entry.GetProperty("reason").GetString() ?? "" : "";
            if (entry.ValueKind != JsonValueKind.Object || entry.GetProperty("status").GetString() != "failed" || !reason.Contains("waiting for the sale", StringComparison.OrdinalIgnoreCase) || !reason.Contains("poison", StringComparison.Ordinal))
                result.Fail($"refund of {order.ExternalId}: its activity entry does not say it failed, why, and that it is in poison: {entry}");
        }

        // 2. The cause is fixed: the sales arrive and post.
        foreach (var order in load.Orders)
        {
            var status = await load.DeliverAsync(target.Http, order);
            Count(result, status);
            if (status != 200) result.Fail($"sale of {order.ExternalId}: answered {status}, expected 200");
        }
        await Until(async () => (await Task.WhenAll(load.Orders.Select(o => target.Admin.SaleCountAsync(c.Id, o.ExternalId)))).All(n => n == 1), timeout);

        // 3. Replay: every refund posts, once; replaying the same messages again posts nothing more.
        var moved = await target.Admin.ReplayPoisonAsync();
        if (moved < load.Orders.Count) result.Fail($"replay moved {moved} messages, expected at least {load.Orders.Count}");
        await Until(async () => (await Task.WhenAll(load.Orders.Select(o => CreditNotesAsync(target, c.Id, o.ExternalId)))).All(n => n >= 1), timeout);
        foreach (var body in poisoned.Values) await queue.Queue.SendMessageAsync(body);
        await Until(async () => (await queue.Queue.GetPropertiesAsync()).Value.ApproximateMessagesCount == 0, timeout);
        await Task.Delay(1000);

        foreach (var order in load.Orders)
        {
            var (sales, notes) = (await target.Admin.SaleCountAsync(c.Id, order.ExternalId), await CreditNotesAsync(target, c.Id, order.ExternalId));
            if (sales == 0 || notes == 0) result.Lost++;
            result.Duplicated += Math.Max(0, sales - 1) + Math.Max(0, notes - 1);
            if (sales != 1 || notes != 1) result.Fail($"order {order.ExternalId}: {sales} sales vouchers and {notes} credit notes after replay (expected 1 and 1)");
        }
        var posted = (await target.Admin.ActivityAsync(c.Id)).Count(a => a.GetProperty("status").GetString() == "posted" && a.GetProperty("externalId").GetString()!.Contains(" / ", StringComparison.Ordinal));
        if (posted != load.Orders.Count) result.Fail($"{posted} refund activity entries say posted after replay, expected {load.Orders.Count}");
        if ((await poison.GetPropertiesAsync()).Value.ApproximateMessagesCount != 0) result.Fail("messages are left in the poison queue after the replay");
        // Stock: the sale took it out, the refund (restocked) put it back.
        foreach (var sku in load.Skus)
            if (await target.Admin.StockAsync(sku) != OrderLoad.OpeningStock) result.Fail($"stock of {sku} is {await target.Admin.StockAsync(sku)}, expected {OrderLoad.OpeningStock} (sold and refunded in full)");
        result.Elapsed = clock.Elapsed;
        return result;
    }

    static void Count(ScenarioResult result, int status)
    {
        result.Sent++;
        if (status == 200) result.Accepted++;
    }

    /// <summary>A full refund of the order (every line, restocked).</summary>
    static byte[] RefundBody(Order order) => BadBodies.Write(new Dictionary<string, object?>
    {
        ["external_id"] = order.ExternalId, ["refund_id"] = "R-" + order.ExternalId, ["refund_date"] = "2026-05-26",
        ["lines"] = order.Lines.Select(l => new Dictionary<string, object?> { ["sku"] = l.Sku, ["quantity"] = l.Quantity, ["rate"] = 99.99m }).ToList(),
    });

    static async Task<int> SendAsync(Target target, CreatedConnection c, string eventName, byte[] body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, c.Path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add("X-Connectors-Event", eventName);
        request.Headers.Add("X-Connectors-Signature", Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(c.SigningSecret!), body)));
        using var response = await target.Http.SendAsync(request);
        return (int)response.StatusCode;
    }

    static async Task<int> CreditNotesAsync(Target target, string connectionId, string externalId) =>
        (await target.Admin.VouchersAsync(connectionId, externalId)).Count(v => v.GetProperty("type").GetString() == "credit-note");

    static async Task Until(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition() && DateTime.UtcNow < deadline) await Task.Delay(200);
    }
}
