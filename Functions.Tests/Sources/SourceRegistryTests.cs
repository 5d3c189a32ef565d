using System.Net;
using Connectors.Hosting;
using Connectors.Sources;
using Connectors.Tests.Fixtures;
using Microsoft.AspNetCore.Routing;

namespace Connectors.Tests.Sources;

/// <summary>
/// Each source describes itself (SourceRegistry): the local host must serve every route a description names, and the
/// admin's create and rotate must answer the URLs the description fills, URLs that reach the new connection.
/// </summary>
public sealed class SourceRegistryTests(IngestOnlyHostFixture host) : IClassFixture<IngestOnlyHostFixture>
{
    [Fact]
    public void Every_registered_sources_routes_are_mapped_with_their_methods()
    {
        var prefix = host.RoutePrefix;
        var mapped = host.MappedRoutes().SelectMany(r => r.Methods.Select(m => $"{m} {r.Pattern}")).ToHashSet();
        Assert.Equal(6, SourceRegistry.All.Count);
        foreach (var d in SourceRegistry.All)
        {
            Assert.NotEmpty(d.Routes);
            foreach (var r in d.Routes)
                Assert.Contains($"{r.Method} {prefix}{r.Template}", mapped);
        }
        // Each platform once, and no two sources claim the same route.
        Assert.Equal(SourceRegistry.All.Count, SourceRegistry.Platforms.Distinct().Count());
        var templates = SourceRegistry.All.SelectMany(d => d.Routes.Select(r => $"{r.Method} {r.Template}")).ToList();
        Assert.Equal(templates.Count, templates.Distinct().Count());
    }

    public static TheoryData<string> Platforms() => [.. SourceRegistry.Platforms];

    [Theory]
    [MemberData(nameof(Platforms))]
    public async Task Create_and_rotate_answer_the_urls_the_description_fills_and_they_reach_the_connection(string platform)
    {
        var d = SourceRegistry.Find(platform)!;
        var storeCode = "store-" + Guid.NewGuid().ToString("N")[..8];
        var created = await host.AdminJsonAsync(HttpMethod.Post, "/api/manage/connections",
            new { platform, name = platform + " shop", storeCode, hooksToken = "hooks-" + storeCode }, 201);
        var id = created.GetProperty("id").GetString()!;
        var url = created.GetProperty("deliveryUrl").GetString()!;
        var token = Token(d, url);
        AssertUrls(d, id, token, created);
        await AssertReachesAsync(d, url, storeCode);
        if (d.ProductRoute is not null) await AssertReachesAsync(d, created.GetProperty("productDeliveryUrl").GetString()!, storeCode);

        // GET shows the URL when it can be known without the secret token.
        var one = await host.AdminJsonAsync(HttpMethod.Get, $"/api/manage/connections/{id}");
        Assert.Equal(token is null ? url : null, one.GetProperty("deliveryUrl").GetString());

        var rotating = host.Admin(HttpMethod.Post, $"/api/manage/connections/{id}/rotate");
        var (status, rotated) = await host.SendAsync(rotating);
        if (token is null && !d.SignsWithOurSecret)
        {
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Contains("no token or secret of ours to rotate", rotated.GetProperty("error").GetString());
            return;
        }
        Assert.Equal(HttpStatusCode.OK, status);
        var rotatedUrl = rotated.GetProperty("deliveryUrl").GetString()!;
        var newToken = Token(d, rotatedUrl);
        if (token is not null) Assert.NotEqual(token, newToken);
        AssertUrls(d, id, newToken, rotated);
        Assert.Equal(d.SignsWithOurSecret, rotated.TryGetProperty("signingSecret", out var secret) && secret.GetString() is { Length: > 0 });
        await AssertReachesAsync(d, rotatedUrl, storeCode);
    }

    void AssertUrls(SourceDescription d, string id, string? token, System.Text.Json.JsonElement answer)
    {
        var root = $"{host.BaseUrl}/{host.Service<HostJson>().RoutePrefix}/";
        Assert.Equal(root + d.Routes[0].Template.Replace("{connectionId}", id).Replace("{token}", token), answer.GetProperty("deliveryUrl").GetString());
        if (d.ProductRoute is null) Assert.False(answer.TryGetProperty("productDeliveryUrl", out var p) && p.ValueKind != System.Text.Json.JsonValueKind.Null);
        else Assert.Equal(root + d.ProductRoute.Replace("{token}", token), answer.GetProperty("productDeliveryUrl").GetString());
    }

    /// <summary>The token in a token route's URL (its last segment), or null for other keys.</summary>
    static string? Token(SourceDescription d, string url) => d.FoundBy is ConnectionKey.ByToken ? url.Split('/').Last() : null;

    /// <summary>An unsigned empty delivery to the URL finds the connection: anything but the pipeline's 404 (401, 200 unprocessable...).</summary>
    async Task AssertReachesAsync(SourceDescription d, string url, string storeCode)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(url).PathAndQuery) { Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json") };
        if (d.FoundBy is ConnectionKey.ByStoreCode { Header: var header }) request.Headers.Add(header, storeCode);
        var (status, body) = await host.SendAsync(request);
        Assert.True(status != HttpStatusCode.NotFound, $"{url}: {(int)status} {body}");
        Assert.NotEqual("not_found", body.GetProperty("status").GetString());
    }
}
