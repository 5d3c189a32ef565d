using System.Collections.Concurrent;
using System.Diagnostics;

namespace Connectors.Bench;

/// <summary>A closed-loop load: `concurrency` workers each run the operation back to back until the time is up or the count is reached.</summary>
public static class Load
{
    public sealed record Result(int Completed, int Failed, TimeSpan Elapsed, IReadOnlyList<double> LatenciesMs)
    {
        public double PerSecond => Completed / Elapsed.TotalSeconds;
    }

    public static async Task<Result> RunAsync(int concurrency, TimeSpan? duration, int? count, Func<int, Task<bool>> operation)
    {
        var latencies = new ConcurrentBag<double>();
        var completed = 0; var failed = 0; var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (true)
            {
                var i = Interlocked.Increment(ref next);
                if (count is { } n && i >= n) return;
                if (duration is { } d && clock.Elapsed >= d) return;
                var started = Stopwatch.GetTimestamp();
                bool ok;
                try { ok = await operation(i); } catch (Exception) { ok = false; }
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (ok) Interlocked.Increment(ref completed); else Interlocked.Increment(ref failed);
            }
        }));
        return new Result(completed, failed, clock.Elapsed, latencies.ToArray());
    }

    /// <summary>
    /// An open-loop load: operation i starts at i / perSecond whether or not earlier ones have finished, as webhooks
    /// arrive, and its latency counts from when it was due (a closed loop would hide queueing behind slow answers).
    /// </summary>
    public static async Task<Result> RunAtRateAsync(double perSecond, TimeSpan duration, Func<int, Task<bool>> operation)
    {
        var total = (int)Math.Max(1, perSecond * duration.TotalSeconds);
        var latencies = new double[total];
        var completed = 0; var failed = 0;
        var clock = Stopwatch.StartNew();
        var running = new Task[total];
        for (var i = 0; i < total; i++)
        {
            var due = TimeSpan.FromSeconds(i / perSecond);
            if (due - clock.Elapsed is { TotalMilliseconds: > 1 } wait) await Task.Delay(wait);
            var index = i;
            running[i] = Task.Run(async () =>
            {
                bool ok;
                try { ok = await operation(index); } catch (Exception) { ok = false; }
                latencies[index] = (clock.Elapsed - due).TotalMilliseconds;
                if (ok) Interlocked.Increment(ref completed); else Interlocked.Increment(ref failed);
            });
        }
        await Task.WhenAll(running);
        return new Result(completed, failed, clock.Elapsed, latencies);
    }
}
