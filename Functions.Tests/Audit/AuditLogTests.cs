using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using Connectors.Storage;
using Connectors.Tests.Fixtures;

namespace Connectors.Tests.Audit;

/// <summary>Every admin change is in GET /api/manage/audit, newest first, with the name of the key that made it and never a secret.</summary>
public sealed class AuditLogTests(AuditLogTests.TwoKeysHost host) : IClassFixture<AuditLogTests.TwoKeysHost>
{
    public const string OpsKey = "ops-admin-key-9876543210";

    public sealed class TwoKeysHost : HostFixture
    {
        protected override void Settings(Dictionary<string, string?> settings) => settings["AdminKeys:ops"] = OpsKey;
    }

    HttpRequestMessage AsOps(HttpMethod method, string path, object? body = null)
    {
        var request = host.Admin(method, path, body);
        request.Headers.Remove("x-functions-key");
        request.Headers.Add("x-functions-key", OpsKey);
        return request;
    }

    async Task<JsonElement> OpsJsonAsync(HttpMethod method, string path, object? body = null, int expect = 200)
    {
        using var response = await host.Http.SendAsync(AsOps(method, path, body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == expect, $"{method} {path}: expected {expect}, got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    async Task<List<JsonElement>> AuditAsync(string query = "?limit=1000") =>
        (await host.AdminJsonAsync(HttpMethod.Get, "/api/manage/audit" + query)).GetProperty("entries").EnumerateArray().ToList();

    [Fact]
    public async Task Each_kind_of_admin_action_is_recorded_with_its_target_and_key_name_newest_first_and_without_secrets()
    {
        const string webhookSecret = "shpss_audit-secret-never-recorded";
        var custom = await host.CreateConnectionAsync("custom", "Audit custom shop");
        var shop = await host.CreateConnectionAsync("shopify", "Audit shopify shop");
        await OpsJsonAsync(HttpMethod.Put, $"/api/manage/connections/{custom.Id}", new { name = "Renamed shop" });
        await host.AdminJsonAsync(HttpMethod.Put, $"/api/manage/connections/{shop.Id}", new { webhookSecret, saleOn = "paid" });
        await host.AdminJsonAsync(HttpMethod.Put, $"/api/manage/connections/{shop.Id}", new { webhookSecret = "" });
        var rotated = await OpsJsonAsync(HttpMethod.Post, $"/api/manage/connections/{custom.Id}/rotate");
        await host.AdminJsonAsync(HttpMethod.Put, "/api/manage/items/AUDIT-1", new { name = "Audited item", stock = 7 });
        await OpsJsonAsync(HttpMethod.Put, $"/api/manage/connections/{shop.Id}/sku-map/EXT%2F1", new { itemSku = "AUDIT-1" });

        // An unprocessable Shopify delivery is archived; replaying it is an admin action.
        using (var delivery = ShopSamples.Shopify(shop.Path, "orders/create", "{\"id\":\"not a number\"}"u8.ToArray()))
            Assert.Equal(HttpStatusCode.OK, (await host.SendAsync(delivery)).Status);
        var archived = (await host.AdminJsonAsync(HttpMethod.Get, $"/api/manage/connections/{shop.Id}/activity")).EnumerateArray()
            .First(e => e.GetProperty("status").GetString() == "failed");
        var activityKey = archived.GetProperty("key").GetString()!;
        await host.AdminJsonAsync(HttpMethod.Post, $"/api/manage/connections/{shop.Id}/activity/{activityKey}/replay");
        await host.AdminJsonAsync(HttpMethod.Post, "/api/manage/poison/replay");
        var test = await host.AdminJsonAsync(HttpMethod.Post, $"/api/manage/connections/{custom.Id}/test-event", new { @event = "order.created" });
        await OpsJsonAsync(HttpMethod.Delete, $"/api/manage/connections/{shop.Id}", expect: 204);
        // Refused requests change nothing and are not audited.
        await host.AdminJsonAsync(HttpMethod.Delete, "/api/manage/connections/no-such-connection", expect: 404);
        await host.AdminJsonAsync(HttpMethod.Put, "/api/manage/items/AUDIT-2", new { stock = "seven" }, 400);

        var expected = new (string Action, string Target, string Credential, string? Detail)[]
        {
            ("connection.create", custom.Id, "default", "custom 'Audit custom shop'"),
            ("connection.create", shop.Id, "default", "shopify 'Audit shopify shop'"),
            ("connection.rename", custom.Id, "ops", "renamed 'Renamed shop'"),
            ("connection.webhook-secret", shop.Id, "default", "set"),
            ("connection.sale-on", shop.Id, "default", "saleOn paid"),
            ("connection.webhook-secret", shop.Id, "default", "cleared"),
            ("connection.rotate", custom.Id, "ops", null),
            ("item.put", "AUDIT-1", "default", "name 'Audited item', stock 7"),
            ("sku-map.set", shop.Id + "/EXT/1", "ops", "maps to item AUDIT-1"),
            ("activity.replay", shop.Id + "/" + activityKey, "default", "answer unprocessable"),
            ("poison.replay", "connector-events-poison", "default", "moved 0 message(s)"),
            ("connection.test-event", custom.Id, "default", $"order {test.GetProperty("externalId").GetString()}, answered 200, vouchers {TestVoucher(test)}"),
            ("connection.revoke", shop.Id, "ops", null),
        };
        var audit = await AuditAsync();
        var ours = audit.Where(e => e.GetProperty("target").GetString()!.StartsWith(custom.Id) || e.GetProperty("target").GetString()!.StartsWith(shop.Id)
                                    || e.GetProperty("target").GetString() is "AUDIT-1" or "AUDIT-2" or "connector-events-poison").ToList();
        // Newest first: the reverse of the order the actions were made in.
        Assert.Equal(expected.Reverse().Select(x => $"{x.Action} {x.Target} by {x.Credential}"),
            ours.Select(e => $"{e.GetProperty("action").GetString()} {e.GetProperty("target").GetString()} by {e.GetProperty("credential").GetString()}"));
        foreach (var (x, e) in expected.Reverse().Zip(ours))
        {
            if (x.Detail is not null && x.Action != "connection.rotate") Assert.Equal(x.Detail, e.GetProperty("detail").GetString());
            Assert.True(e.GetProperty("at").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5));
        }
        var times = ours.Select(e => e.GetProperty("at").GetDateTimeOffset()).ToList();
        Assert.Equal(times.OrderDescending(), times);

        // Never a secret, a token or a key: not in the answer, not in the table.
        var secrets = new[] { webhookSecret, custom.SigningSecret!, rotated.GetProperty("signingSecret").GetString()!, new Uri(shop.DeliveryUrl).Segments[^1], HostFixture.AdminKey, OpsKey };
        var raw = (await host.AdminJsonAsync(HttpMethod.Get, "/api/manage/audit?limit=1000")).GetRawText();
        var rows = string.Join("\n", await host.Storage.Table(TableNames.Audit).QueryAsync<TableEntity>().Select(e => string.Join(";", e.Select(p => $"{p.Key}={p.Value}"))).ToListAsync());
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, raw);
            Assert.DoesNotContain(secret, rows);
        }
    }

    [Fact]
    public async Task Pages_follow_each_other_newest_first_and_bad_paging_values_are_refused_naming_them()
    {
        for (var i = 0; i < 5; i++) await host.AdminJsonAsync(HttpMethod.Put, $"/api/manage/items/PAGE-{i}", new { stock = i });
        var all = await AuditAsync();
        var first = await host.AdminJsonAsync(HttpMethod.Get, "/api/manage/audit?limit=2");
        var next = first.GetProperty("next").GetString()!;
        var second = await host.AdminJsonAsync(HttpMethod.Get, $"/api/manage/audit?limit=2&after={next}");
        var keys = first.GetProperty("entries").EnumerateArray().Concat(second.GetProperty("entries").EnumerateArray()).Select(e => e.GetProperty("key").GetString()).ToList();
        Assert.Equal(all.Take(4).Select(e => e.GetProperty("key").GetString()), keys);

        var last = await host.AdminJsonAsync(HttpMethod.Get, $"/api/manage/audit?limit=1000&after={all[^2].GetProperty("key").GetString()}");
        Assert.Single(last.GetProperty("entries").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, last.GetProperty("next").ValueKind);

        Assert.Contains("limit", (await host.AdminJsonAsync(HttpMethod.Get, "/api/manage/audit?limit=0", expect: 400)).GetProperty("error").GetString());
        Assert.Contains("after", (await host.AdminJsonAsync(HttpMethod.Get, "/api/manage/audit?after=x'or'1", expect: 400)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task The_audit_log_is_behind_the_admin_key()
    {
        using var response = await host.Http.GetAsync("/api/manage/audit");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    /// <summary>The voucher the test event's answer names (it waited for posting).</summary>
    static string TestVoucher(System.Text.Json.JsonElement sent) =>
        System.Text.Json.JsonDocument.Parse(sent.GetProperty("answer").GetString()!).RootElement.GetProperty("vouchers")[0].GetString()!;
}
