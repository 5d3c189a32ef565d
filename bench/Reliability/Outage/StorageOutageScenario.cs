using System.Collections.Concurrent;
using System.Diagnostics;
using Connectors.Reliability.Load;

namespace Connectors.Reliability.Outage;

/// <summary>
/// Storage stops in the middle of a load of orders and comes back a few seconds later. While it is down every delivery
/// is answered 503 quickly (never 500, never a hang); deliveries that got no 2xx are re-sent as platforms do; afterwards
/// every order holds exactly one sales voucher and the stock is exact: nothing half-written was acknowledged, and the host
/// (its queue trigger too) recovered by itself. Needs a target that can stop and start storage, the posting engine, and
/// the queue trigger on.
/// </summary>
public static class StorageOutageScenario
{
    public sealed record Options(int Orders = 60, int Concurrency = 8, int Seed = 503, double OutageSeconds = 3, double MaxSecondsFor503 = 5);

    public static async Task<ScenarioResult> RunAsync(Target target, Options options)
    {
        if (target.StopStorageAsync is null || target.StartStorageAsync is null) throw new ScenarioException("The outage scenario needs a target that can stop and start storage.");
        var result = new ScenarioResult("storage-outage");
        var clock = Stopwatch.StartNew();
        var load = await OrderLoad.CreateAsync(target, "OUTAGE" + options.Seed, options.Orders, options.Seed);
        var unanswered = new ConcurrentBag<Order>();
        var slow503 = 0;
        var answered503 = 0;

        // The load runs while storage goes down and comes back: a third of the orders before, the rest during and after.
        var loadStart = Stopwatch.StartNew();
        var sending = Parallel.ForEachAsync(load.Orders.Select((o, i) => (o, i)), new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency }, async (x, ct) =>
        {
            // One order every 60 ms from the start of the load (not per worker), so the outage falls a third of the way in.
            var due = TimeSpan.FromMilliseconds(x.i * 60) - loadStart.Elapsed;
            if (due > TimeSpan.Zero) await Task.Delay(due, ct);
            var started = Stopwatch.GetTimestamp();
            var status = await load.DeliverAsync(target.Http, x.o, ct);
            var took = Stopwatch.GetElapsedTime(started);
            Interlocked.Increment(ref result.Sent);
            if (status == 200) Interlocked.Increment(ref result.Accepted);
            else
            {
                unanswered.Add(x.o);
                if (status == 503) { Interlocked.Increment(ref answered503); Interlocked.Increment(ref result.RejectedAsExpected); }
                else result.Fail($"order {x.o.ExternalId}: answered {status} during the outage (expected 200 or 503)");
                if (status == 503 && took.TotalSeconds > options.MaxSecondsFor503) Interlocked.Increment(ref slow503);
            }
        });
        await Task.Delay(options.Orders / 3 * 60);
        await target.StopStorageAsync();
        await Task.Delay(TimeSpan.FromSeconds(options.OutageSeconds));
        await target.StartStorageAsync();
        await sending;

        if (answered503 == 0) result.Fail("no delivery met the outage (no 503): the scenario proved nothing");
        if (slow503 > 0) result.Fail($"{slow503} deliveries took more than {options.MaxSecondsFor503} s to get their 503");
        result.Notes.Add($"{answered503} deliveries answered 503 during the outage, then re-sent");

        // The platforms' retries: every delivery without a 2xx, until acknowledged.
        await Parallel.ForEachAsync(unanswered, new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency }, async (order, _) =>
        {
            var status = await load.DeliverUntilAcknowledgedAsync(target.Http, order, TimeSpan.FromSeconds(60));
            Interlocked.Increment(ref result.Sent);
            if (status == 200) Interlocked.Increment(ref result.Accepted);
            else if (status == 409) Interlocked.Increment(ref result.RejectedAsExpected);
            else result.Fail($"order {order.ExternalId}: re-sent after the outage, still answered {status}");
        });
        await load.VerifyAsync(target, result, TimeSpan.FromSeconds(90));
        result.Elapsed = clock.Elapsed;
        return result;
    }
}
