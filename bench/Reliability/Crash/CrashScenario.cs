using System.Collections.Concurrent;
using System.Diagnostics;
using Connectors.Reliability.Load;
using Connectors.Reliability.Security;

namespace Connectors.Reliability.Crash;

/// <summary>
/// The shipped host is SIGKILLed in the middle of a load of orders; Azurite is stopped gracefully and started again on
/// its folder, then the host. Every delivery that got no answer or a 5xx is re-sent (as platforms do). Then every order,
/// acknowledged before the crash or re-sent after it, holds exactly one sales voucher, and the stock is exact. The host's
/// console output (default logging) is searched for the connection's secret and the admin key.
/// </summary>
public static class CrashScenario
{
    public sealed record Options(int Orders = 120, int Concurrency = 8, double KillAfterFraction = 0.4, int Seed = 9);

    public static async Task<ScenarioResult> RunAsync(Options options)
    {
        var result = new ScenarioResult("crash");
        var clock = Stopwatch.StartNew();
        await using var rig = await ShippedHostRig.StartAsync();
        var target = await rig.StartHostAsync();
        var load = await OrderLoad.CreateAsync(target, "CRASH" + options.Seed, options.Orders, options.Seed);

        var statuses = new ConcurrentDictionary<string, int>();
        var answered = 0;
        var killAt = (int)(options.Orders * options.KillAfterFraction);
        var killed = new TaskCompletionSource();
        var sending = Parallel.ForEachAsync(load.Orders, new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency }, async (order, ct) =>
        {
            var status = await load.DeliverAsync(target.Http, order, ct);
            statuses[order.ExternalId] = status;
            if (Interlocked.Increment(ref answered) == killAt)
            {
                rig.KillHost();
                killed.SetResult();
            }
        });
        await sending;
        await killed.Task;
        result.Sent = statuses.Count;
        result.Accepted = statuses.Values.Count(s => s is >= 200 and < 300);
        var unacknowledged = load.Orders.Where(o => statuses[o.ExternalId] is not ((>= 200 and < 300) or 409)).ToList();
        result.Notes.Add($"before the kill: {result.Accepted} acknowledged, {unacknowledged.Count} without an answer or with a 5xx");
        if (unacknowledged.Count == 0) result.Fail("the kill hit no delivery: the scenario proved nothing");

        await rig.RestartStorageAsync();
        target = await rig.StartHostAsync();

        await Parallel.ForEachAsync(unacknowledged, new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency }, async (order, _) =>
        {
            var status = await load.DeliverUntilAcknowledgedAsync(target.Http, order, TimeSpan.FromSeconds(60));
            Interlocked.Increment(ref result.Sent);
            if (status is >= 200 and < 300) Interlocked.Increment(ref result.Accepted);
            // 409: accepted before the crash though its answer was lost; not queued again.
            else if (status == 409) Interlocked.Increment(ref result.RejectedAsExpected);
            else result.Fail($"order {order.ExternalId}: re-sent after the restart, still answered {status}");
        });
        // In-flight messages of the killed host come back when their lease runs out (30 s).
        await load.VerifyAsync(target, result, TimeSpan.FromSeconds(120));
        await AuthenticationScenario.ScanLogsAsync(rig.Output.ToArray(), [load.Connection.SigningSecret!, ShippedHostRig.AdminKey], [], result);
        result.Elapsed = clock.Elapsed;
        return result;
    }
}
