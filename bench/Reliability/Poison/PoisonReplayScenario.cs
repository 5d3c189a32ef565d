using System.Diagnostics;
using System.Text.Json;
using Azure;
using Connectors.Hosting;
using Connectors.Ingest;
using Connectors.Reliability.Load;
using Connectors.Storage;

namespace Connectors.Reliability.Poison;

/// <summary>
/// A real, fixable cause of repeated posting failure: the books' Vouchers table is deleted while the host runs (an
/// operator's mistake in Storage Explorer). Tables are only created at host start (StorageAccount.EnsureCreatedAsync),
/// so every sale that arrives afterwards is accepted (200: ingest does not touch Vouchers), writes its order row with its
/// pending intent, and then fails at the voucher write (404 TableNotFound) on every attempt; after maxDequeueCount it is
/// in connector-events-poison, with the storage error and the word poison in its activity entry. The cause is fixed by
/// creating the table again; POST /api/manage/poison/replay then posts each sale exactly once (the redelivery finds the
/// pending intent on the order row and completes it; the number transaction dedupes on the posting key), and replaying
/// the same poisoned messages again (a crash between the replay's send and delete does that) posts nothing more.
/// Why Vouchers and why while it is empty: the series counters live in the same table as the vouchers (VoucherStore),
/// so deleting it with vouchers in it loses them and restarts the numbering, which no replay can undo. The scenario
/// deletes it before anything was posted (each scenario has its own Azurite and host), so the deletion loses nothing
/// and the numbers the replay allocates are the first of their series, as they would have been. Deleting Orders instead
/// would fail before the intent is written, so the replay would not exercise completing one; Customers or Items would
/// fail only after the voucher was written, so nothing would be left for the replay to post. Needs the posting engine and a host whose maxDequeueCount and visibilityTimeout are
/// short enough to poison within the run.
/// </summary>
public static class PoisonReplayScenario
{
    /// <param name="PoisonTimeoutSeconds">
    /// How long the sales may take to reach poison. Each attempt takes about 35 s on Azurite today: VoucherStore reads a
    /// transaction's 404 as "the remembered counter is gone" and tries again, up to 500 times, before it throws; three
    /// attempts took 106 s in the test.
    /// </param>
    public sealed record Options(int Orders = 5, int Seed = 66, double TimeoutSeconds = 60, double PoisonTimeoutSeconds = 300);

    public static async Task<ScenarioResult> RunAsync(Target target, Options options)
    {
        var result = new ScenarioResult("poison-replay");
        var clock = Stopwatch.StartNew();
        var timeout = TimeSpan.FromSeconds(options.TimeoutSeconds);
        var load = await OrderLoad.CreateAsync(target, "POISON" + options.Seed, options.Orders, options.Seed);
        var c = load.Connection;
        var queue = new EventQueue(target.Storage);
        var poison = target.Storage.Queue(QueueNames.EventsPoison);
        if (await target.Admin.VoucherCountAsync() is not 0)
            throw new ScenarioException("the books already hold vouchers: deleting the Vouchers table would lose them (the scenario needs a fresh host)");

        // 1. The mistake: the Vouchers table is deleted under the running host.
        await target.Storage.Tables.DeleteTableAsync(TableNames.Vouchers);

        // 2. The sales: accepted (200), then each fails on every attempt (no table to write its voucher to) and goes to poison.
        foreach (var order in load.Orders)
        {
            var status = await load.DeliverAsync(target.Http, order);
            Count(result, status);
            if (status != 200) result.Fail($"sale of {order.ExternalId}: answered {status}, expected 200");
        }
        var poisoned = new Dictionary<string, BinaryData>();
        await Until(async () =>
        {
            foreach (var m in (await poison.PeekMessagesAsync(32)).Value)
                foreach (var e in await queue.OpenAsync(m.Body, default))
                    if (e is { Kind: EventKind.Sale } && e.ConnectionId == c.Id) poisoned[e.ExternalId] = m.Body;
            return poisoned.Count == load.Orders.Count;
        }, TimeSpan.FromSeconds(options.PoisonTimeoutSeconds));
        result.Notes.Add($"all sales in poison after {clock.Elapsed.TotalSeconds:0.0} s");
        if (poisoned.Count != load.Orders.Count) result.Fail($"{poisoned.Count} of {load.Orders.Count} sales reached {QueueNames.EventsPoison}");

        // The activity entry is written on the last attempt, just before the message moves: it is there by now, or very soon.
        IReadOnlyList<JsonElement> activity = [];
        await Until(async () => (activity = await target.Admin.ActivityAsync(c.Id)).Count(a => Status(a) == "failed") >= load.Orders.Count, timeout);
        foreach (var order in load.Orders)
        {
            var entry = activity.FirstOrDefault(a => a.GetProperty("externalId").GetString() == order.ExternalId);
            var reason = entry.ValueKind == JsonValueKind.Object ? entry.GetProperty("reason").GetString() ?? "" : "";
            if (entry.ValueKind != JsonValueKind.Object || Status(entry) != "failed" || !reason.Contains("TableNotFound", StringComparison.OrdinalIgnoreCase) || !reason.Contains("poison", StringComparison.Ordinal))
                result.Fail($"sale of {order.ExternalId}: its activity entry does not say it failed, why (the storage error: TableNotFound), and that it is in poison: {entry}");
        }

        // 3. The fix: the table is created again (Azurite allows it at once; Azure answers 409 TableBeingDeleted for a while).
        if (await RecreateAsync(target, timeout) is var refused and > 0) result.Notes.Add($"the table could be created again only after {refused} refusals (409)");
        foreach (var order in load.Orders)
            if (await target.Admin.SaleCountAsync(c.Id, order.ExternalId) is var n and not 0)
                result.Fail($"order {order.ExternalId}: {n} sales vouchers before the replay (its sale was in poison)");

        // 4. Replay: every sale posts, once; replaying the same messages again posts nothing more.
        var moved = await target.Admin.ReplayPoisonAsync();
        if (moved < load.Orders.Count) result.Fail($"replay moved {moved} messages, expected at least {load.Orders.Count}");
        await Until(async () => (await Task.WhenAll(load.Orders.Select(o => target.Admin.SaleCountAsync(c.Id, o.ExternalId)))).All(n => n >= 1), timeout);
        foreach (var body in poisoned.Values) await queue.Queue.SendMessageAsync(body);
        await Until(async () => (await queue.Queue.GetPropertiesAsync()).Value.ApproximateMessagesCount == 0, timeout);

        // One sales voucher per order (lost / duplicated counted there), stock = opening - sold.
        await load.VerifyAsync(target, result, timeout);
        activity = await target.Admin.ActivityAsync(c.Id);
        foreach (var order in load.Orders)
        {
            var entry = activity.FirstOrDefault(a => a.GetProperty("externalId").GetString() == order.ExternalId);
            if (entry.ValueKind != JsonValueKind.Object || Status(entry) != "posted")
                result.Fail($"sale of {order.ExternalId}: its activity entry does not say posted after the replay: {entry}");
        }
        if ((await poison.GetPropertiesAsync()).Value.ApproximateMessagesCount != 0) result.Fail("messages are left in the poison queue after the replay");
        result.Elapsed = clock.Elapsed;
        return result;
    }

    static string? Status(JsonElement entry) => entry.GetProperty("status").GetString();

    static void Count(ScenarioResult result, int status)
    {
        result.Sent++;
        if (status == 200) result.Accepted++;
    }

    /// <summary>Creates the Vouchers table again, retrying while the store still says it is being deleted; the number of refusals.</summary>
    static async Task<int> RecreateAsync(Target target, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        for (var refused = 0; ; refused++)
        {
            try
            {
                await target.Storage.Tables.CreateTableIfNotExistsAsync(TableNames.Vouchers);
                return refused;
            }
            catch (RequestFailedException e) when (e.Status == 409 && DateTime.UtcNow < deadline) { await Task.Delay(500); }
        }
    }

    static async Task Until(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition() && DateTime.UtcNow < deadline) await Task.Delay(200);
    }
}
