using Connectors.Tests.Fixtures;
using static Connectors.Tests.Sources.PlatformSamples;

namespace Connectors.Tests.Sources.Selldone;

/// <summary>Selldone deliveries through the real host: the secret URL token is the only way in; answers are always 200 once in.</summary>
public sealed class SelldoneDeliveryTests(IngestOnlyHostFixture host) : IClassFixture<IngestOnlyHostFixture>
{
    static string Basket(string file, int id) => Edit("selldone", file, o => o["basket"]!["id"] = id);

    async Task<(int Http, string Status)> SendAsync(string path, string body)
    {
        using var response = await host.Http.SendAsync(SignedRequests.Json(path, body));
        var (http, status, _) = await AnswerAsync(response);
        return (http, status);
    }

    [Fact]
    public async Task PaymentOrder_is_accepted_once_and_Selldone_retries_are_duplicates()
    {
        var shop = await host.CreateConnectionAsync("selldone");
        Assert.Matches("/api/selldone/[A-Za-z0-9_-]{20,}$", shop.DeliveryUrl);
        var body = Basket("PaymentOrder.json", 80001);
        Assert.Equal((200, "accepted"), await SendAsync(shop.Path, body));
        Assert.Equal((200, "duplicate"), await SendAsync(shop.Path, body));
    }

    [Fact]
    public async Task A_cancelled_item_is_credited_once()
    {
        var shop = await host.CreateConnectionAsync("selldone");
        var body = Basket("CancelProduct.json", 80002);
        Assert.Equal((200, "accepted"), await SendAsync(shop.Path, body));
        Assert.Equal((200, "duplicate"), await SendAsync(shop.Path, body));
    }

    [Fact]
    public async Task An_unknown_token_is_404_and_a_revoked_connection_too()
    {
        var body = Basket("PaymentOrder.json", 80003);
        Assert.Equal(404, (await SendAsync("/api/selldone/not-a-real-token-000000000", body)).Http);
        var shop = await host.CreateConnectionAsync("selldone");
        await host.AdminJsonAsync(HttpMethod.Delete, $"/api/manage/connections/{shop.Id}", expect: 204);
        await Task.Delay(Connectors.Connections.ConnectionStore.CacheTtl);
        Assert.Equal(404, (await SendAsync(shop.Path, body)).Http);
    }

    [Fact]
    public async Task Status_steps_are_recorded_unknown_actions_ignored_and_broken_baskets_unprocessable()
    {
        var shop = await host.CreateConnectionAsync("selldone");
        Assert.Equal((200, "recorded"), await SendAsync(shop.Path, Basket("SentOrder.json", 80004)));
        Assert.Equal((200, "ignored"), await SendAsync(shop.Path, Edit("selldone", "PaymentOrder.json", o => o["action"] = "SomethingNew")));
        Assert.Equal((200, "unprocessable"), await SendAsync(shop.Path, Edit("selldone", "PaymentOrder.json", o => o["basket"]!.AsObject().Remove("items"))));
    }
}
