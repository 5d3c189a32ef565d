using System.Diagnostics;
using System.Text;
using Azure.Data.Tables;
using Connectors.Activity;
using Connectors.Reliability.Malformed;
using Connectors.Reliability.Routes;
using Connectors.Storage;

namespace Connectors.Reliability.Security;

/// <summary>
/// Bad actors on every signed or token route: wrong secret, wrong encoding, one byte of the body changed, a valid
/// signature replayed against another connection, a revoked connection, guessed tokens, a stale bookto timestamp.
/// All are refused, and all refusals of a kind read the same (nothing tells a guesser how close it came). Then every
/// secret and token is searched for in the logs, the activity log, the raw archive's metadata, the admin GET answers and
/// the tables: URL tokens must appear nowhere (stored only as hashes), secrets only in the Connections table.
/// </summary>
public static class AuthenticationScenario
{
    public sealed record Options(int GuessesPerRoute = 50, int Seed = 8);

    public static async Task<ScenarioResult> RunAsync(Target target, Options options)
    {
        var result = new ScenarioResult("authentication");
        var clock = Stopwatch.StartNew();
        var r = new Random(options.Seed);
        var routes = await MalformedInputScenario.LiveRoutesAsync(target, options.Seed);
        var secrets = new HashSet<string>(StringComparer.Ordinal);
        var tokens = new HashSet<string>(StringComparer.Ordinal);
        void Remember(CreatedConnection c)
        {
            if (c.SigningSecret is { } s) secrets.Add(s);
            if (c.WebhookSecret is { } w) secrets.Add(w);
            if (c.Token is { } t) tokens.Add(t);
        }

        var answers = new Dictionary<(string Route, int Status), HashSet<string>>();
        async Task Expect(string what, SourceRoute route, HttpRequestMessage request, int status)
        {
            Interlocked.Increment(ref result.Sent);
            using var response = await target.Http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            if ((int)response.StatusCode != status) { result.Fail($"{route.Name} {what}: answered {(int)response.StatusCode}, expected {status}: {body}"); return; }
            if (status >= 400) Interlocked.Increment(ref result.RejectedAsExpected); else Interlocked.Increment(ref result.Accepted);
            if (!answers.TryGetValue((route.Name, status), out var set)) answers[(route.Name, status)] = set = [];
            set.Add(body);
        }

        foreach (var live in routes)
        {
            var (route, a) = (live.Route, live.Connection);
            Remember(a);
            // A second and a third connection of the same platform: one to replay against, one to revoke.
            var b = await CreateLikeAsync(target, route, r);
            var revoked = await CreateLikeAsync(target, route, r);
            Remember(b); Remember(revoked);

            var body = route.Strict ? BadBodies.Write(BadBodies.CustomOrder($"AUTH-{r.Next(1_000_000)}")) : "{}"u8.ToArray();
            var eventHeaders = route.EventHeaders(route.PostedEvent).ToList();
            HttpRequestMessage Delivery(CreatedConnection c, byte[] bytes, IEnumerable<(string, string)> auth, string? path = null)
            {
                var m = new HttpRequestMessage(HttpMethod.Post, path ?? route.PathOf(c)) { Content = new ByteArrayContent(bytes) };
                m.Content.Headers.ContentType = new("application/json");
                foreach (var (n, v) in route.Locator(c).Concat(eventHeaders).Concat(auth)) m.Headers.TryAddWithoutValidation(n, v);
                return m;
            }
            // The control: the right signature on the right connection is accepted (Custom) or authenticated (platforms: 200).
            var good = route.Sign(a, body).ToList();
            await Expect("correct signature", route, Delivery(a, body, good), 200);

            if (route.Signed)
            {
                var stranger = a with { SigningSecret = "whsec_" + Convert.ToBase64String(Bytes(r, 32)), WebhookSecret = "whsec-" + Convert.ToHexStringLower(Bytes(r, 16)) };
                await Expect("wrong secret", route, Delivery(a, body, route.Sign(stranger, body)), 401);
                await Expect("wrong encoding", route, Delivery(a, body, good.Select(h => (h.Item1, Reencode(h.Item1, h.Item2)))), 401);
                var tampered = (byte[])body.Clone();
                tampered[r.Next(tampered.Length)] ^= 0x01;
                await Expect("one byte changed", route, Delivery(a, tampered, good), 401);
                // A's valid signature sent to B: signatures are per connection secret.
                await Expect("replayed to another connection", route, Delivery(b, body, good), 401);
                if (route.Platform == "bookto")
                    await Expect("stale timestamp", route, Delivery(a, body, SourceRoutes.BooktoSignature(a.WebhookSecret!, body, DateTimeOffset.UtcNow.AddMinutes(-30))), 401);
            }

            await target.Admin.JsonAsync(HttpMethod.Delete, $"/api/manage/connections/{revoked.Id}", expect: 204);
            await Expect("revoked connection", route, Delivery(revoked, body, route.Sign(revoked, body)), 404);

            // Guessing: random ids/tokens (and for Jumpseller store codes) are all the same 404.
            for (var i = 0; i < options.GuessesPerRoute; i++)
            {
                var guess = route.NeedsStoreCode ? a with { StoreCode = "guess-" + r.Next(1_000_000) } : a;
                await Expect("guessed token", route, Delivery(guess, body, route.Sign(a, body), route.NeedsStoreCode ? null : route.UnknownPath(r)), 404);
            }
        }

        // No detail that helps a guesser: per route, every 401 reads the same, and every 404 reads the same on all routes.
        foreach (var ((route, status), bodies) in answers.Where(x => x.Key.Status == 401))
            if (bodies.Count != 1) result.Fail($"{route}: {bodies.Count} different 401 answers: {string.Join(" | ", bodies)}");
        var notFound = answers.Where(x => x.Key.Status == 404).SelectMany(x => x.Value).Distinct().ToList();
        if (notFound.Count != 1) result.Fail($"{notFound.Count} different 404 answers for unknown, guessed and revoked connections: {string.Join(" | ", notFound)}");

        // Rotation hands out new secrets and tokens: they too must stay out of every log.
        foreach (var live in routes.Where(l => l.Route.Platform is "custom" or "shopify").DistinctBy(l => l.Connection.Id))
        {
            var rotated = await target.Admin.JsonAsync(HttpMethod.Post, $"/api/manage/connections/{live.Connection.Id}/rotate");
            if (rotated.TryGetProperty("signingSecret", out var s) && s.GetString() is { } secret) secrets.Add(secret);
            var url = rotated.GetProperty("deliveryUrl").GetString()!;
            if (live.Route.Platform == "shopify") tokens.Add(url.TrimEnd('/').Split('/')[^1]);
        }

        await ScanAsync(target, secrets, tokens, result);
        result.Notes.Add($"{secrets.Count} secrets and {tokens.Count} tokens searched for");
        result.Elapsed = clock.Elapsed;
        return result;
    }

    static async Task<CreatedConnection> CreateLikeAsync(Target target, SourceRoute route, Random r) =>
        await target.Admin.CreateConnectionAsync(route.Platform,
            webhookSecret: route.NeedsWebhookSecret ? "whsec-" + Convert.ToHexStringLower(Bytes(r, 16)) : null,
            storeCode: route.NeedsStoreCode ? "store-" + r.Next(1_000_000) : null);

    /// <summary>The same signature bytes in the other encoding: hex where base64 is expected, base64 where hex is.</summary>
    static string Reencode(string header, string value)
    {
        if (header.Contains("Timestamp", StringComparison.OrdinalIgnoreCase)) return value;
        var hex = value.StartsWith("sha256=", StringComparison.Ordinal) ? value[7..] : null;
        if (hex is not null) return "sha256=" + Convert.ToBase64String(Convert.FromHexString(hex));
        if (value.Length == 64 && value.All(Uri.IsHexDigit)) return Convert.ToBase64String(Convert.FromHexString(value));
        return Convert.ToHexStringLower(Convert.FromBase64String(value));
    }

    static byte[] Bytes(Random r, int n) { var b = new byte[n]; r.NextBytes(b); return b; }

    /// <summary>Log lines only (for a host whose storage the caller cannot see).</summary>
    public static Task ScanLogsAsync(IReadOnlyCollection<string> lines, IReadOnlyCollection<string> secrets, IReadOnlyCollection<string> tokens, ScenarioResult result)
    {
        if (lines.Count == 0) result.Fail("no log lines were captured: the scan would prove nothing");
        foreach (var line in lines)
        {
            foreach (var s in secrets) if (line.Contains(s, StringComparison.Ordinal)) result.Fail($"a secret ({s[..6]}…) appears in the host's logs");
            foreach (var t in tokens) if (line.Contains(t, StringComparison.Ordinal)) result.Fail($"a URL token ({t[..4]}…) appears in the host's logs");
        }
        return Task.CompletedTask;
    }

    /// <summary>Where secrets must never be: logs, activity, raw-archive metadata, admin GETs, any table but Connections (tokens: not even there).</summary>
    public static async Task ScanAsync(Target target, IReadOnlyCollection<string> secrets, IReadOnlyCollection<string> tokens, ScenarioResult result)
    {
        void Look(string where, string text)
        {
            foreach (var s in secrets) if (text.Contains(s, StringComparison.Ordinal)) result.Fail($"a secret ({s[..6]}…) appears in {where}");
            foreach (var t in tokens) if (text.Contains(t, StringComparison.Ordinal)) result.Fail($"a URL token ({t[..4]}…) appears in {where}");
        }
        if (target.Logs is { } logs)
        {
            var lines = logs();
            if (lines.Count == 0) result.Fail("no log lines were captured: the scan would prove nothing");
            foreach (var line in lines) Look("the host's logs: " + Clip.To(line, 120), line);
        }
        else result.Notes.Add("logs not captured by this target");

        var admin = new StringBuilder((await target.Admin.JsonAsync(HttpMethod.Get, "/api/manage/connections")).GetRawText());
        foreach (var c in (await target.Admin.JsonAsync(HttpMethod.Get, "/api/manage/connections")).EnumerateArray())
        {
            var id = c.GetProperty("id").GetString()!;
            admin.Append((await target.Admin.JsonAsync(HttpMethod.Get, $"/api/manage/connections/{id}")).GetRawText());
            admin.Append((await target.Admin.JsonAsync(HttpMethod.Get, $"/api/manage/connections/{id}/activity?top=1000")).GetRawText());
        }
        Look("admin GET answers", admin.ToString());

        await foreach (var table in target.Storage.Tables.QueryAsync())
        {
            var client = target.Storage.Table(table.Name);
            await foreach (var e in client.QueryAsync<TableEntity>())
            {
                var text = string.Join("\n", e.Select(p => $"{p.Key}={p.Value}"));
                foreach (var t in tokens) if (text.Contains(t, StringComparison.Ordinal)) result.Fail($"a URL token appears in table {table.Name} (tokens are stored only as hashes)");
                if (table.Name != TableNames.Connections)
                    foreach (var s in secrets) if (text.Contains(s, StringComparison.Ordinal)) result.Fail($"a secret appears in table {table.Name}");
            }
        }
        await foreach (var blob in target.Storage.Container(ContainerNames.Raw).GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Traits = Azure.Storage.Blobs.Models.BlobTraits.Metadata }))
            Look($"the raw archive's metadata ({blob.Name})", string.Join("\n", blob.Metadata.Select(m => m.Key + "=" + Encoding.UTF8.GetString(TryBase64(m.Value)))));
    }

    static byte[] TryBase64(string s) { try { return Convert.FromBase64String(s); } catch (FormatException) { return Encoding.UTF8.GetBytes(s); } }
}
