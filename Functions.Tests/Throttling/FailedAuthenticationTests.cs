using System.Net;
using System.Text.Json;
using Connectors.Tests.Fixtures;
using Connectors.Tests.Posting;

namespace Connectors.Tests.Throttling;

/// <summary>A burst of bad signatures on a real connection: 401 up to the limit, then 429 with Retry-After; its signed deliveries still post.</summary>
public sealed class BadSignatureBurstTests(HostFixture host) : IClassFixture<HostFixture>
{
    [Fact]
    public async Task A_burst_of_bad_signatures_gets_429_with_Retry_After_while_the_connections_signed_deliveries_still_post()
    {
        var books = new BooksClient(host);
        var c = await books.CustomConnectionAsync();
        var statuses = new List<int>();
        for (var i = 0; i < 40; i++)
        {
            var body = CustomOrders.Created($"FORGED-{i}");
            using var forged = SignedRequests.Json(c.Path, body, ("X-Connectors-Event", "order.created"), ("X-Connectors-Signature", new string('0', 64)));
            using var response = await host.Http.SendAsync(forged);
            statuses.Add((int)response.StatusCode);
            if ((int)response.StatusCode == 429)
            {
                Assert.True(response.Headers.RetryAfter?.Delta is { TotalSeconds: >= 1 }, "429 without a Retry-After in seconds");
                var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
                Assert.Equal("throttled", answer.GetProperty("status").GetString());
                Assert.Contains("retry after", answer.GetProperty("error").GetString());
            }
            // Every fourth request is the real site's: signed, never refused by the limiter, whatever the forger did.
            if (i % 4 == 3) Assert.Equal(200, await books.OrderAsync(c, $"REAL-{i}", "29", "2026-05-25", BooksClient.Line("WIDGET-1", 1, 100, 18)));
        }
        // The default limit (Throttle:ConnectionFailures = 20): the first 20 forgeries are told why, the rest are throttled.
        Assert.Equal(Enumerable.Repeat(401, 20).Concat(Enumerable.Repeat(429, 20)), statuses);
        foreach (var i in new[] { 3, 39 })
            Assert.NotEmpty(await books.VouchersAsync(c.Id, $"REAL-{i}", 1));

        // Throttled forgeries are not written to the activity log (that is the cost the limiter saves); the 401s are.
        var activity = await host.AdminJsonAsync(HttpMethod.Get, $"/api/manage/connections/{c.Id}/activity?top=200");
        Assert.Equal(20, activity.EnumerateArray().Count(e => e.GetProperty("httpStatus").GetInt32() == 401));
        Assert.Equal(0, activity.EnumerateArray().Count(e => e.GetProperty("httpStatus").GetInt32() == 429));
    }

    [Fact]
    public async Task Another_connections_signed_deliveries_and_its_first_failures_are_not_affected_by_a_throttled_neighbour()
    {
        var books = new BooksClient(host);
        var attacked = await books.CustomConnectionAsync();
        var neighbour = await books.CustomConnectionAsync();
        for (var i = 0; i < 25; i++)
        {
            using var forged = SignedRequests.Json(attacked.Path, CustomOrders.Created($"F-{i}"), ("X-Connectors-Event", "order.created"), ("X-Connectors-Signature", new string('1', 64)));
            using var _ = await host.Http.SendAsync(forged);
        }
        using (var again = SignedRequests.Json(attacked.Path, CustomOrders.Created("F-last"), ("X-Connectors-Event", "order.created"), ("X-Connectors-Signature", new string('1', 64))))
            Assert.Equal(HttpStatusCode.TooManyRequests, (await host.SendAsync(again)).Status);
        // The neighbour shares the client address but has its own connection budget: its bad signature is still a 401 with its reason.
        using (var bad = SignedRequests.Json(neighbour.Path, CustomOrders.Created("N-bad"), ("X-Connectors-Event", "order.created"), ("X-Connectors-Signature", new string('2', 64))))
            Assert.Equal(HttpStatusCode.Unauthorized, (await host.SendAsync(bad)).Status);
        Assert.Equal(200, await books.OrderAsync(neighbour, "N-1", "29", "2026-05-25", BooksClient.Line("WIDGET-1", 1, 100, 18)));
        Assert.Equal(200, await books.OrderAsync(attacked, "A-1", "29", "2026-05-25", BooksClient.Line("WIDGET-1", 1, 100, 18)));
    }
}

/// <summary>Guessed connection tokens from one address: 404 up to the address limit, then 429; the real connection keeps posting.</summary>
public sealed class GuessedTokenBurstTests(GuessedTokenBurstTests.SmallAddressLimit host) : IClassFixture<GuessedTokenBurstTests.SmallAddressLimit>
{
    public sealed class SmallAddressLimit : HostFixture
    {
        protected override void Settings(Dictionary<string, string?> settings) => settings["Throttle:AddressFailures"] = "30";
    }

    [Fact]
    public async Task Guessed_tokens_get_404_then_429_and_a_real_shopify_delivery_from_the_same_address_is_still_accepted()
    {
        var shop = await host.CreateConnectionAsync("shopify");
        var body = ShopSamples.Bytes("shopify", "orders-create.json");
        var statuses = new List<int>();
        for (var i = 0; i < 45; i++)
        {
            using var guess = ShopSamples.Shopify($"/api/shopify/{Connectors.Connections.Secrets.NewUrlToken()}", "orders/create", body);
            using var response = await host.Http.SendAsync(guess);
            statuses.Add((int)response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests) Assert.NotNull(response.Headers.RetryAfter);
        }
        Assert.Equal(Enumerable.Repeat(404, 30).Concat(Enumerable.Repeat(429, 15)), statuses);

        using var real = ShopSamples.Shopify(shop.Path, "orders/create", body);
        var (status, answer) = await host.SendAsync(real);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("accepted", answer.GetProperty("status").GetString());
    }
}

/// <summary>Wrong admin keys from one address: 401 up to the limit, then 429 with Retry-After, even for the right key.</summary>
public sealed class WrongAdminKeyBurstTests(HostFixture host) : IClassFixture<HostFixture>
{
    [Fact]
    public async Task A_burst_of_wrong_admin_keys_gets_429_with_Retry_After_and_then_the_address_waits_even_with_the_right_key()
    {
        Assert.Equal(200, (int)(await host.Http.SendAsync(host.Admin(HttpMethod.Get, "/api/manage/connections"))).StatusCode);
        var statuses = new List<int>();
        for (var i = 0; i < 15; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/manage/connections");
            request.Headers.Add("x-functions-key", "guess-" + i);
            using var response = await host.Http.SendAsync(request);
            statuses.Add((int)response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.True(response.Headers.RetryAfter?.Delta is { TotalSeconds: >= 1 }, "429 without a Retry-After in seconds");
                var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
                Assert.Equal("throttled", answer.GetProperty("status").GetString());
                Assert.Contains("admin key", answer.GetProperty("error").GetString());
            }
        }
        // Throttle:AdminFailures = 10 by default.
        Assert.Equal(Enumerable.Repeat(401, 10).Concat(Enumerable.Repeat(429, 5)), statuses);
        // Locked out: the answer must not tell a guesser that this key was the right one.
        using var right = await host.Http.SendAsync(host.Admin(HttpMethod.Get, "/api/manage/connections"));
        Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
    }
}

/// <summary>A lock-out ends: once Retry-After has passed the bucket has refilled and the right key works again.</summary>
public sealed class ThrottleRefillTests(ThrottleRefillTests.FastRefill host) : IClassFixture<ThrottleRefillTests.FastRefill>
{
    public sealed class FastRefill : HostFixture
    {
        protected override void Settings(Dictionary<string, string?> settings)
        {
            settings["Throttle:AdminFailures"] = "2";
            settings["Throttle:AdminFailuresPerHour"] = "3600"; // one a second
        }
    }

    [Fact]
    public async Task After_Retry_After_the_address_is_answered_again()
    {
        for (var i = 0; i < 2; i++)
        {
            using var wrong = new HttpRequestMessage(HttpMethod.Get, "/api/manage/connections");
            wrong.Headers.Add("x-functions-key", "wrong-" + i);
            Assert.Equal(HttpStatusCode.Unauthorized, (await host.Http.SendAsync(wrong)).StatusCode);
        }
        using var third = new HttpRequestMessage(HttpMethod.Get, "/api/manage/connections");
        third.Headers.Add("x-functions-key", "wrong-3");
        using var throttled = await host.Http.SendAsync(third);
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        var wait = throttled.Headers.RetryAfter!.Delta!.Value;
        Assert.InRange(wait.TotalSeconds, 1, 2);

        await Task.Delay(wait + TimeSpan.FromMilliseconds(300));
        using var right = await host.Http.SendAsync(host.Admin(HttpMethod.Get, "/api/manage/connections"));
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
    }
}
