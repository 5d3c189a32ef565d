using System.Diagnostics;
using Connectors.Reliability.Load;

namespace Connectors.Reliability.Storm;

/// <summary>
/// Many orders, each delivered several times: a burst of up to 20 concurrent identical copies, then a few late re-sends.
/// Exactly one copy of each is accepted (the others answer 409 "duplicate"); the books hold one sales voucher per order
/// and the stock is exact. Needs the posting engine and the queue trigger on.
/// </summary>
public static class DuplicateStormScenario
{
    public sealed record Options(int Orders = 50, int MaxBurst = 20, int LateCopies = 2, int ParallelOrders = 4, int Seed = 50);

    public static async Task<ScenarioResult> RunAsync(Target target, Options options)
    {
        var result = new ScenarioResult("duplicate-storm");
        var clock = Stopwatch.StartNew();
        var r = new Random(options.Seed);
        var load = await OrderLoad.CreateAsync(target, "STORM" + options.Seed, options.Orders, options.Seed);
        var bursts = load.Orders.Select(o => (Order: o, Burst: o == load.Orders[0] ? options.MaxBurst : r.Next(2, options.MaxBurst + 1), Late: r.Next(0, options.LateCopies + 1))).ToList();

        await Parallel.ForEachAsync(bursts, new ParallelOptions { MaxDegreeOfParallelism = options.ParallelOrders }, async (b, ct) =>
        {
            var statuses = (await Task.WhenAll(Enumerable.Range(0, b.Burst).Select(_ => load.DeliverAsync(target.Http, b.Order, ct)))).ToList();
            for (var i = 0; i < b.Late; i++) statuses.Add(await load.DeliverAsync(target.Http, b.Order, ct));
            // A copy that got 503 (storage busy) or no answer is re-sent, as a platform would.
            for (var i = 0; i < statuses.Count; i++)
                if (statuses[i] is not (200 or 409)) statuses.Add(await load.DeliverUntilAcknowledgedAsync(target.Http, b.Order, TimeSpan.FromSeconds(30)));
            Interlocked.Add(ref result.Sent, statuses.Count);
            var accepted = statuses.Count(s => s == 200);
            Interlocked.Add(ref result.Accepted, accepted);
            Interlocked.Add(ref result.RejectedAsExpected, statuses.Count(s => s == 409));
            if (accepted != 1) result.Fail($"order {b.Order.ExternalId}: {accepted} of {statuses.Count} copies were accepted (expected exactly 1; the rest 409)");
        });

        await load.VerifyAsync(target, result, TimeSpan.FromSeconds(60));
        result.Elapsed = clock.Elapsed;
        return result;
    }
}
