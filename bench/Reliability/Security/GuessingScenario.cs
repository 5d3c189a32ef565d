using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Connectors.Activity;
using Connectors.Reliability.Load;
using Connectors.Reliability.Malformed;
using Connectors.Reliability.Routes;
using Connectors.Throttling;

namespace Connectors.Reliability.Security;

/// <summary>
/// A guesser from one address sends thousands of guessed tokens and ids (custom, shopify, woocommerce, selldone: 404)
/// and forged signatures on a real custom connection (401), several at a time, while the real site keeps posting signed
/// orders to that connection. At the host's default limits (Throttle:*): no more 401s than the connection's budget, no
/// more 401s and 404s than the address's, every other guess 429 with Retry-After and a JSON error; every real delivery
/// 200 and posted once (0 lost); the activity log holds only the failures answered before the limit.
/// </summary>
public static class GuessingScenario
{
    public sealed record Options(int Guesses = 2_000, int RealOrders = 20, int Concurrency = 8, int Seed = 24);

    public static async Task<ScenarioResult> RunAsync(Target target, Options options)
    {
        var result = new ScenarioResult("guessing");
        var clock = Stopwatch.StartNew();
        var limits = new ThrottleOptions();
        var activity = new ActivityCounter(target.Storage);
        var unroutedBefore = await activity.CountAsync(ActivityLog.Unrouted);
        var load = await OrderLoad.CreateAsync(target, "GUESS" + options.Seed, options.RealOrders, options.Seed);
        var custom = SourceRoutes.All.Single(r => r.Name == "custom");
        var tokenRoutes = SourceRoutes.All.Where(r => r.Name is "shopify" or "woocommerce" or "selldone").ToList();
        var answers = new ConcurrentDictionary<(string Kind, int Status), int>();

        async Task GuessAsync(int i, CancellationToken ct)
        {
            var r = new Random(options.Seed * 1_000_003 + i);
            var forged = i % 4 == 0;
            var route = forged ? custom : i % 4 == 1 ? custom : tokenRoutes[r.Next(tokenRoutes.Count)];
            var body = forged ? load.Orders[r.Next(load.Orders.Count)].Body : "{}"u8.ToArray();
            using var request = new HttpRequestMessage(HttpMethod.Post, forged ? load.Connection.Path : route.UnknownPath(r)) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new("application/json");
            foreach (var (n, v) in route.EventHeaders(route.PostedEvent)) request.Headers.TryAddWithoutValidation(n, v);
            if (route.Signed) request.Headers.TryAddWithoutValidation("X-Connectors-Signature", Convert.ToHexStringLower(Bytes(r, 32)));
            var kind = forged ? "forged signature" : "guessed " + route.Name;
            Interlocked.Increment(ref result.Sent);
            using var response = await target.Http.SendAsync(request, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            var status = (int)response.StatusCode;
            answers.AddOrUpdate((kind, status), 1, (_, n) => n + 1);
            if (status == 429)
            {
                if (response.Headers.RetryAfter?.Delta is not { TotalSeconds: >= 1 }) result.Fail($"{kind}: 429 without Retry-After in seconds");
                if (Word(text) != "throttled") result.Fail($"{kind}: 429 without the JSON status \"throttled\": {text}");
                Interlocked.Increment(ref result.RejectedAsExpected);
            }
            else if (status == (forged ? 401 : 404)) Interlocked.Increment(ref result.RejectedAsExpected);
            else result.Fail($"{kind}: answered {status}, expected {(forged ? 401 : 404)} or 429: {text}");
        }

        // The real site: sequential signed orders throughout the guessing; none may meet the limiter.
        var guessing = Parallel.ForEachAsync(Enumerable.Range(0, options.Guesses), new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency }, async (i, ct) => await GuessAsync(i, ct));
        var realStatuses = new List<int>();
        foreach (var order in load.Orders)
        {
            realStatuses.Add(await load.DeliverAsync(target.Http, order));
            await Task.Delay(TimeSpan.FromMilliseconds(20));
        }
        await guessing;
        var elapsed = clock.Elapsed;
        Interlocked.Add(ref result.Sent, realStatuses.Count);
        result.Accepted += realStatuses.Count(s => s == 200);
        foreach (var (order, status) in load.Orders.Zip(realStatuses).Where(x => x.Second != 200).Take(5))
            result.Fail($"real order {order.ExternalId} was answered {status}: a valid delivery must never be refused");
        await load.VerifyAsync(target, result, TimeSpan.FromSeconds(60));

        // The limits, plus what the buckets refilled while the scenario ran (and one for rounding).
        int Allowed(int burst, int perHour) => burst + (int)Math.Ceiling(elapsed.TotalHours * perHour) + 1;
        var forged401 = answers.GetValueOrDefault(("forged signature", 401));
        var failures = answers.Where(a => a.Key.Status is 401 or 404).Sum(a => a.Value);
        var throttled = answers.Where(a => a.Key.Status == 429).Sum(a => a.Value);
        if (forged401 > Allowed(limits.ConnectionFailures, limits.ConnectionFailuresPerHour))
            result.Fail($"{forged401} forged signatures were answered 401: the connection's limit is {limits.ConnectionFailures}");
        if (failures > Allowed(limits.AddressFailures, limits.AddressFailuresPerHour))
            result.Fail($"{failures} guesses were answered 401/404: the address's limit is {limits.AddressFailures}");
        if (options.Guesses > 2 * limits.AddressFailures && throttled < options.Guesses - Allowed(limits.AddressFailures, limits.AddressFailuresPerHour))
            result.Fail($"only {throttled} of {options.Guesses} guesses were answered 429");
        // What the limiter saves: a throttled guess writes no activity row.
        var unrouted = await activity.CountAsync(ActivityLog.Unrouted) - unroutedBefore;
        var guessed404 = answers.Where(a => a.Key.Status == 404).Sum(a => a.Value);
        if (unrouted != guessed404) result.Fail($"{unrouted} unrouted activity entries for {guessed404} guesses answered 404 (429s must write none)");

        result.Notes.Add("answers: " + string.Join(", ", answers.OrderBy(a => a.Key.Kind).ThenBy(a => a.Key.Status).Select(a => $"{a.Key.Kind} {a.Key.Status} ×{a.Value}")));
        result.Elapsed = clock.Elapsed;
        return result;
    }

    static string? Word(string body)
    {
        try { return JsonDocument.Parse(body).RootElement.TryGetProperty("status", out var s) ? s.GetString() : null; }
        catch (JsonException) { return null; }
    }

    static byte[] Bytes(Random r, int n) { var b = new byte[n]; r.NextBytes(b); return b; }
}
