using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Connectors.Activity;

namespace Connectors.Reliability.Shuffle;

/// <summary>
/// Order lifecycles in the Custom, Shopify and WooCommerce shapes (sale, edits, refunds told one, two or three ways,
/// cancellations, trash), each delivered with copies in several shuffled orders at once: permutation p goes to
/// connections of its own (per platform, one for every LifecyclesPerConnection lifecycles) and sells items of its own. Once the activity shows nothing pending, every
/// order's books (net, GST by component, stock) must be what ShuffleLifecycles' walk of the lifecycle says, in every
/// permutation. Sent counts deliveries; an order with other books is counted in WrongBooks and fails the scenario (the
/// first few are named). Needs the posting engine and the queue trigger on.
/// </summary>
public static class ShuffledLifecyclesScenario
{
    public const decimal Opening = 10_000m;

    public sealed record Options(int Lifecycles = 200, int Permutations = 2, int Parallel = 16, int Seed = 31, double SettleSeconds = 180);

    /// <summary>Lifecycles per connection: the activity route lists at most 1000 entries, and a connection's must all be read to know nothing is pending.</summary>
    public const int LifecyclesPerConnection = 60;

    sealed record Lane(int Permutation, string Platform, int Chunk, CreatedConnection Connection);

    public static async Task<ScenarioResult> RunAsync(Target target, Options options)
    {
        var result = new ScenarioResult("shuffled-lifecycles");
        var clock = Stopwatch.StartNew();
        var platforms = new[] { "custom", "shopify", "woocommerce" };
        var chunks = (options.Lifecycles + LifecyclesPerConnection - 1) / LifecyclesPerConnection;
        var lanes = new ConcurrentDictionary<(int, string, int), Lane>();
        var wanted = from p in Enumerable.Range(0, options.Permutations) from platform in platforms from chunk in Enumerable.Range(0, chunks) select (p, platform, chunk);
        await Parallel.ForEachAsync(wanted, new ParallelOptions { MaxDegreeOfParallelism = options.Parallel }, async (w, _) =>
        {
            var c = await target.Admin.CreateConnectionAsync(w.platform, w.platform == "custom" ? null : $"shuffle-secret-{options.Seed}-{w.p}-{w.platform}-{w.chunk}", name: $"shuffled lifecycles #{w.p} part {w.chunk}");
            lanes[(w.p, w.platform, w.chunk)] = new Lane(w.p, w.platform, w.chunk, c);
        });
        Lane LaneOf(int p, string platform, int index) => lanes[(p, platform, index / LifecyclesPerConnection)];

        // Every (lifecycle, permutation): the same lifecycle, SKUs of the permutation's own, deliveries and copies shuffled.
        var runs = new List<(int Index, int Permutation, ShuffleLifecycle Life, List<ShuffleSend> Order)>();
        for (var i = 0; i < options.Lifecycles; i++)
            for (var p = 0; p < options.Permutations; p++)
            {
                var life = ShuffleLifecycles.Make(options.Seed, i, $"SHF{options.Seed}-p{p}-L{i}");
                var r = new Random(options.Seed * 1_000_003 + i * 31 + p); // not HashCode.Combine: that is seeded per process, and a run must be repeatable
                var sends = life.Sends.ToList();
                for (var c = r.Next(1, 4); c > 0; c--)
                {
                    var copy = life.Sends[r.Next(life.Sends.Count)];
                    sends.Add(r.Next(2) == 0 ? copy : copy with { WebhookId = copy.WebhookId + "-again" });
                }
                runs.Add((i, p, life, [.. sends.OrderBy(_ => r.Next())]));
            }

        await Parallel.ForEachAsync(runs.SelectMany(x => x.Life.Skus), new ParallelOptions { MaxDegreeOfParallelism = options.Parallel },
            async (sku, _) => await target.Admin.PutItemAsync(sku, Opening));

        await Parallel.ForEachAsync(runs, new ParallelOptions { MaxDegreeOfParallelism = options.Parallel }, async (run, ct) =>
        {
            var lane = LaneOf(run.Permutation, run.Life.Platform, run.Index);
            foreach (var send in run.Order)
            {
                var (status, word, text) = await DeliverAsync(target, lane, send, run.Permutation, ct);
                Interlocked.Increment(ref result.Sent);
                if ((status, word) is (200, "accepted")) Interlocked.Increment(ref result.Accepted);
                else if ((status, word) is (409, _) or (200, "duplicate" or "recorded")) Interlocked.Increment(ref result.RejectedAsExpected);
                else
                    result.Fail($"{run.Life.Platform} order {run.Life.OrderId} permutation {run.Permutation}: {send.Label} answered {status} {Clip.To(text, 200)}");
            }
        });

        // Wait for the activity of every lane to show no event still accepted (queued, not posted, failed or held yet).
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(options.SettleSeconds);
        var pending = 0;
        var full = 0;
        while (true)
        {
            pending = 0;
            full = 0;
            await Parallel.ForEachAsync(lanes.Values, new ParallelOptions { MaxDegreeOfParallelism = options.Parallel }, async (lane, _) =>
            {
                var activity = await target.Admin.ActivityAsync(lane.Connection.Id, top: 1000);
                Interlocked.Add(ref pending, activity.Count(e => e.GetProperty("status").GetString() == "accepted"));
                if (activity.Count == 1000) Interlocked.Increment(ref full);
            });
            if (pending == 0 || DateTime.UtcNow > deadline) break;
            await Task.Delay(1000);
        }
        if (full > 0) result.Fail($"{full} connection(s) have 1000 activity entries or more: the check for pending events cannot see them all (lower LifecyclesPerConnection)");
        if (pending > 0)
        {
            result.Lost += pending;
            result.Fail($"{pending} accepted event(s) still not posted after {options.SettleSeconds} s");
        }

        // The books of every order in every permutation, against the walk.
        var wrong = new ConcurrentQueue<string>();
        var wrongByPlatform = new ConcurrentDictionary<string, int>();
        await Parallel.ForEachAsync(runs, new ParallelOptions { MaxDegreeOfParallelism = options.Parallel }, async (run, _) =>
        {
            var lane = LaneOf(run.Permutation, run.Life.Platform, run.Index);
            var vouchers = await target.Admin.VouchersAsync(lane.Connection.Id, run.Life.OrderId);
            var sales = vouchers.Count(v => v.GetProperty("type").GetString() == "sales");
            if (sales > 1) Interlocked.Add(ref result.Duplicated, sales - 1);
            decimal net = 0, cgst = 0, sgst = 0, igst = 0;
            foreach (var v in vouchers)
            {
                var sign = v.GetProperty("type").GetString() == "credit-note" ? -1m : 1m;
                net += sign * v.GetProperty("totals").GetProperty("total").GetDecimal();
                foreach (var line in v.GetProperty("lines").EnumerateArray())
                    foreach (var t in line.GetProperty("taxes").EnumerateArray())
                    {
                        var amount = sign * t.GetProperty("amount").GetDecimal();
                        switch (t.GetProperty("name").GetString())
                        {
                            case "CGST": cgst += amount; break;
                            case "SGST": sgst += amount; break;
                            case "IGST": igst += amount; break;
                        }
                    }
            }
            var outUnits = new Dictionary<string, decimal>();
            foreach (var sku in run.Life.Skus) outUnits[sku] = Opening - await target.Admin.StockAsync(sku);
            var booked = new ShuffleBooks(net, cgst, sgst, igst, outUnits);
            Interlocked.Increment(ref result.BooksChecked);
            if (run.Life.Expected.Compare(booked) is { Length: > 0 } difference)
            {
                Interlocked.Increment(ref result.WrongBooks);
                wrongByPlatform.AddOrUpdate(run.Life.Platform, 1, (_, n) => n + 1);
                wrong.Enqueue($"{run.Life.Platform} order {run.Life.OrderId} permutation {run.Permutation}: {difference} | lifecycle: {run.Life.Summary} | delivered {string.Join(" -> ", run.Order.Select(s => s.Label))} | vouchers: "
                    + string.Join(", ", vouchers.Select(v => $"{v.GetProperty("number").GetString()} {v.GetProperty("type").GetString()} {v.GetProperty("totals").GetProperty("total").GetDecimal().ToString(CultureInfo.InvariantCulture)}")));
            }
        });
        if (result.WrongBooks > 0)
        {
            result.Fail($"{result.WrongBooks} of {result.BooksChecked} orders have wrong books ({string.Join(", ", platforms.Select(p => $"{p} {wrongByPlatform.GetValueOrDefault(p)}"))})");
            foreach (var w in wrong.Take(5)) result.Fail("wrong books: " + w);
        }
        result.Notes.Add($"{options.Lifecycles} lifecycles (custom, shopify, woocommerce in turn) x {options.Permutations} permutations = {runs.Count} orders; {result.Sent} deliveries");
        result.Elapsed = clock.Elapsed;
        return result;
    }

    static async Task<(int Status, string Word, string Text)> DeliverAsync(Target target, Lane lane, ShuffleSend send, int permutation, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, lane.Connection.Path) { Content = new ByteArrayContent(send.Body) };
            request.Content.Headers.ContentType = new("application/json");
            var c = lane.Connection;
            switch (lane.Platform)
            {
                case "custom":
                    request.Headers.Add("X-Connectors-Event", send.Topic);
                    request.Headers.Add("X-Connectors-Signature", Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(c.SigningSecret!), send.Body)));
                    break;
                case "shopify":
                    request.Headers.Add("X-Shopify-Topic", send.Topic);
                    request.Headers.Add("X-Shopify-Webhook-Id", $"{send.WebhookId}-p{permutation}");
                    request.Headers.Add("X-Shopify-Hmac-Sha256", Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(c.WebhookSecret!), send.Body)));
                    break;
                default:
                    request.Headers.Add("X-WC-Webhook-Topic", send.Topic);
                    request.Headers.Add("X-WC-Webhook-Delivery-ID", Guid.NewGuid().ToString("N"));
                    request.Headers.Add("X-WC-Webhook-Signature", Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(c.WebhookSecret!), send.Body)));
                    break;
            }
            int status;
            string text;
            try
            {
                using var response = await target.Http.SendAsync(request, ct);
                status = (int)response.StatusCode;
                text = await response.Content.ReadAsStringAsync(ct);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException) { status = 0; text = e.Message; }
            // No answer or 503 (storage busy): re-sent, as platforms do.
            if (status is 0 or 503 && DateTime.UtcNow < deadline) { await Task.Delay(200, ct); continue; }
            string word;
            try { word = JsonDocument.Parse(text).RootElement.GetProperty("status").GetString() ?? ""; }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException) { word = ""; }
            return (status, word, text);
        }
    }
}
