using System.Net;
using Connectors.Tests.Fixtures;

namespace Connectors.Tests.Sources.Shopify;

/// <summary>The host with a two-second rotation grace, so a rotated token can be seen to stop.</summary>
public sealed class ShortGraceHostFixture : IngestOnlyHostFixture
{
    protected override void Settings(Dictionary<string, string?> settings) => settings["RotationGrace"] = "00:00:02";
}

/// <summary>POST /api/manage/connections/{id}/rotate: the old URL keeps working for the grace period, then gets 404.</summary>
public sealed class TokenRotationTests(ShortGraceHostFixture host) : IClassFixture<ShortGraceHostFixture>
{
    async Task<HttpStatusCode> DeliverAsync(string platform, string path, byte[] body, string topic)
    {
        using var request = platform == "shopify" ? ShopSamples.Shopify(path, topic, body) : ShopSamples.Woo(path, topic, body);
        using var response = await host.Http.SendAsync(request);
        return response.StatusCode;
    }

    [Theory]
    [InlineData("shopify", "orders-create.json", "orders/create")]
    [InlineData("woocommerce", "order-created.json", "order.created")]
    public async Task The_old_token_works_within_the_grace_and_stops_after_it(string platform, string file, string topic)
    {
        var c = await host.CreateConnectionAsync(platform);
        var rotated = await host.AdminJsonAsync(HttpMethod.Post, $"/api/manage/connections/{c.Id}/rotate");
        var newPath = new Uri(rotated.GetProperty("deliveryUrl").GetString()!).PathAndQuery;
        Assert.NotEqual(c.Path, newPath);
        var body = ShopSamples.Bytes(platform, file);

        Assert.Equal(HttpStatusCode.OK, await DeliverAsync(platform, c.Path, body, topic));
        Assert.Equal(HttpStatusCode.OK, await DeliverAsync(platform, newPath, body, topic));

        await HostFixture.Eventually(async () => await DeliverAsync(platform, c.Path, body, topic) == HttpStatusCode.NotFound, "the old token to expire", TimeSpan.FromSeconds(15));
        Assert.Equal(HttpStatusCode.OK, await DeliverAsync(platform, newPath, body, topic));
    }
}
