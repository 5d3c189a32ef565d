using System.Globalization;
using Connectors.Tests.Fixtures;
using static Connectors.Tests.Sources.PlatformSamples;

namespace Connectors.Tests.Sources.Bookto;

/// <summary>bookto deliveries through the real host: timestamped signature, replay window, and the 200 answers.</summary>
public sealed class BooktoDeliveryTests(IngestOnlyHostFixture host) : IClassFixture<IngestOnlyHostFixture>
{
    const string Secret = "bookto-signing-secret-42";

    Task<CreatedConnection> ShopAsync() => host.CreateConnectionAsync("bookto", extra: new { webhookSecret = Secret });

    static string Order(string id) => Edit("bookto", "order.paid.json", o => o["order_id"] = id);

    async Task<(int Http, string Status)> SendAsync(HttpRequestMessage request)
    {
        using var response = await host.Http.SendAsync(request);
        var (http, status, _) = await AnswerAsync(response);
        return (http, status);
    }

    [Fact]
    public async Task A_signed_order_paid_is_accepted_once_then_duplicate()
    {
        var shop = await ShopAsync();
        Assert.EndsWith($"/api/bookto/{shop.Id}", shop.DeliveryUrl);
        var body = Order("ord_h1");
        Assert.Equal((200, "accepted"), await SendAsync(BooktoRequests.Signed(shop.Path, Secret, body, DateTimeOffset.UtcNow)));
        Assert.Equal((200, "duplicate"), await SendAsync(BooktoRequests.Signed(shop.Path, Secret, body, DateTimeOffset.UtcNow)));
    }

    [Fact]
    public async Task Bad_signatures_and_timestamps_are_401()
    {
        var shop = await ShopAsync();
        var body = Order("ord_h2");
        var now = DateTimeOffset.UtcNow;
        var ts = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var good = BooktoRequests.Sign(Secret, now.ToUnixTimeSeconds(), body);
        Assert.Equal(401, (await SendAsync(BooktoRequests.Signed(shop.Path, "wrong-secret", body, now))).Http);
        var changed = body.Replace("\"ORD-1001\"", "\"ORD-1009\"");
        Assert.NotEqual(body, changed);
        Assert.Equal(401, (await SendAsync(BooktoRequests.Raw(shop.Path, changed, ts, good))).Http);
        Assert.Equal(401, (await SendAsync(BooktoRequests.Raw(shop.Path, body, ts, null))).Http);
        Assert.Equal(401, (await SendAsync(BooktoRequests.Raw(shop.Path, body, null, good))).Http);
        Assert.Equal(401, (await SendAsync(BooktoRequests.Raw(shop.Path, body, "yesterday", good))).Http);
        Assert.Equal(401, (await SendAsync(BooktoRequests.Signed(shop.Path, Secret, body, now.AddMinutes(-6)))).Http);
        Assert.Equal(401, (await SendAsync(BooktoRequests.Signed(shop.Path, Secret, body, now.AddMinutes(6)))).Http);
        // Within the window it goes through.
        Assert.Equal((200, "accepted"), await SendAsync(BooktoRequests.Signed(shop.Path, Secret, body, now.AddMinutes(-4))));
    }

    [Fact]
    public async Task A_connection_without_a_secret_accepts_nothing_and_another_platform_id_is_404()
    {
        var bare = await host.CreateConnectionAsync("bookto");
        var body = Order("ord_h3");
        Assert.Equal(401, (await SendAsync(BooktoRequests.Signed(bare.Path, "", body, DateTimeOffset.UtcNow))).Http);
        var custom = await host.CreateConnectionAsync("custom");
        Assert.Equal(404, (await SendAsync(BooktoRequests.Signed($"/api/bookto/{custom.Id}", Secret, body, DateTimeOffset.UtcNow))).Http);
        Assert.Equal(404, (await SendAsync(BooktoRequests.Signed("/api/bookto/nosuchconnection", Secret, body, DateTimeOffset.UtcNow))).Http);
    }

    [Fact]
    public async Task Other_events_are_ignored_and_unreadable_orders_unprocessable()
    {
        var shop = await ShopAsync();
        Assert.Equal((200, "ignored"), await SendAsync(BooktoRequests.Signed(shop.Path, Secret, Order("ord_h4"), DateTimeOffset.UtcNow, "order.refunded")));
        var broken = Edit("bookto", "order.paid.json", o => { o["order_id"] = "ord_h5"; o["amount"]!["total_incl"] = 120.00m; });
        Assert.Equal((200, "unprocessable"), await SendAsync(BooktoRequests.Signed(shop.Path, Secret, broken, DateTimeOffset.UtcNow)));
    }
}
