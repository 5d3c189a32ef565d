using System.Diagnostics;
using Connectors.Reliability.Malformed;
using Connectors.Reliability.Routes;

namespace Connectors.Reliability.Security;

/// <summary>
/// A copy of the storage account leaks nothing that lets anyone post: connections of every platform are created,
/// signed deliveries accepted, the custom and token connections rotated (old and new secrets, old and new tokens),
/// then Azurite is stopped (so its folder on disk is complete) and every file of that folder, and every table row,
/// blob and queued message read back through the API, is searched for every secret and token: none may appear.
/// Controls: each connection's name must be found (the search reads the rows) and so must the Data Protection key
/// ring (it reads the blobs).
/// </summary>
public static class SecretsAtRestScenario
{
    public sealed record Options(int DeliveriesPerRoute = 5, int Seed = 24);

    public static async Task<ScenarioResult> RunAsync(Target target, Options options)
    {
        if (target.StorageFolder is null || target.StopStorageAsync is null || target.StartStorageAsync is null)
            throw new ScenarioException("skipped: the target's Azurite does not persist to a folder the scenario can read");
        var result = new ScenarioResult("secrets-at-rest");
        var clock = Stopwatch.StartNew();
        var r = new Random(options.Seed);
        var values = new List<(string What, string Value)>();
        var names = new List<string>();
        void Remember(CreatedConnection c)
        {
            if (c.SigningSecret is { } s) values.Add(("a signing secret", s));
            if (c.WebhookSecret is { } w) values.Add(("a webhook secret", w));
            if (c.Token is { } t) values.Add(("a URL token", t));
        }

        var routes = await MalformedInputScenario.LiveRoutesAsync(target, options.Seed);
        foreach (var connection in routes.Select(l => l.Connection).DistinctBy(c => c.Id)) Remember(connection);
        foreach (var (route, connection) in routes.Select(l => (l.Route, l.Connection)))
        {
            // A named twin: its name is the control that the search reads the Connections rows.
            var name = $"at-rest control {route.Name} {r.Next(1_000_000):D6}";
            var twin = await target.Admin.CreateConnectionAsync(route.Platform,
                webhookSecret: route.NeedsWebhookSecret ? "whsec-" + Convert.ToHexStringLower(Bytes(r, 16)) : null,
                storeCode: route.NeedsStoreCode ? "store-" + r.Next(1_000_000) : null, name: name);
            Remember(twin);
            names.Add(name);
            for (var i = 0; i < options.DeliveriesPerRoute; i++)
                await DeliverAsync(target, route, i % 2 == 0 ? connection : twin, r, result);
        }
        foreach (var live in routes.Where(l => l.Route.Platform is "custom" or "shopify" or "woocommerce" or "selldone").DistinctBy(l => l.Connection.Id))
        {
            var rotated = await target.Admin.JsonAsync(HttpMethod.Post, $"/api/manage/connections/{live.Connection.Id}/rotate");
            if (rotated.TryGetProperty("signingSecret", out var s) && s.GetString() is { } secret) values.Add(("a rotated signing secret", secret));
            if (live.Connection.Token is not null) values.Add(("a rotated URL token", rotated.GetProperty("deliveryUrl").GetString()!.TrimEnd('/').Split('/')[^1]));
            var after = live.Connection with { SigningSecret = s.ValueKind == System.Text.Json.JsonValueKind.String ? s.GetString() : live.Connection.SigningSecret, DeliveryUrl = rotated.GetProperty("deliveryUrl").GetString()! };
            await DeliverAsync(target, live.Route, after, r, result);
        }

        var api = await StorageDump.OfAccountAsync(target.Storage);
        await target.StopStorageAsync();
        List<StorageDump.Piece> disk;
        try { disk = StorageDump.OfFolder(target.StorageFolder); }
        finally { await target.StartStorageAsync(); }

        foreach (var (label, pieces) in new[] { ("the account read through its API", api), ("the Azurite folder on disk", disk) })
        {
            var found = StorageDump.Find(pieces, values).ToList();
            foreach (var f in found) result.Fail($"{label}: {f}");
            foreach (var name in names)
                if (!pieces.Any(p => p.Text.Contains(name, StringComparison.Ordinal))) result.Fail($"{label}: the control '{name}' was not found, so the search did not read the Connections rows");
            if (!pieces.Any(p => p.Text.Contains("<key id=", StringComparison.Ordinal))) result.Fail($"{label}: no Data Protection key was found, so the search did not read the blobs");
            result.Notes.Add($"{label}: {pieces.Count} pieces, {pieces.Sum(p => (long)p.Text.Length):N0} characters searched");
        }
        result.RejectedAsExpected = values.Count; // every secret and token that was looked for and not found
        result.Notes.Add($"{values.Count} secrets and tokens searched for");
        result.Elapsed = clock.Elapsed;
        return result;
    }

    static async Task DeliverAsync(Target target, SourceRoute route, CreatedConnection c, Random r, ScenarioResult result)
    {
        var body = route.Strict ? BadBodies.Write(BadBodies.CustomOrder($"REST-{r.Next(1_000_000)}")) : "{}"u8.ToArray();
        using var m = new HttpRequestMessage(HttpMethod.Post, route.PathOf(c)) { Content = new ByteArrayContent(body) };
        m.Content.Headers.ContentType = new("application/json");
        foreach (var (n, v) in route.Locator(c).Concat(route.EventHeaders(route.PostedEvent)).Concat(route.Sign(c, body))) m.Headers.TryAddWithoutValidation(n, v);
        Interlocked.Increment(ref result.Sent);
        using var response = await target.Http.SendAsync(m);
        if ((int)response.StatusCode is >= 200 and < 300) Interlocked.Increment(ref result.Accepted);
        else result.Fail($"{route.Name}: a signed delivery was answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    static byte[] Bytes(Random r, int n) { var b = new byte[n]; r.NextBytes(b); return b; }
}
