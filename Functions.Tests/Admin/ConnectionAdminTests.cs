using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Connectors.Tests.Fixtures;

namespace Connectors.Tests.Admin;

public sealed class ConnectionAdminTests(IngestOnlyHostFixture host) : IClassFixture<IngestOnlyHostFixture>
{
    [Fact]
    public async Task Admin_routes_need_the_admin_key_in_the_header_or_code_query()
    {
        using var none = await host.Http.GetAsync("/api/manage/connections");
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Contains("x-functions-key", await none.Content.ReadAsStringAsync());

        var wrong = new HttpRequestMessage(HttpMethod.Get, "/api/manage/connections");
        wrong.Headers.Add("x-functions-key", HostFixture.AdminKey + "x");
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Http.SendAsync(wrong)).StatusCode);

        using var byCode = await host.Http.GetAsync($"/api/manage/connections?code={HostFixture.AdminKey}");
        Assert.Equal(HttpStatusCode.OK, byCode.StatusCode);
    }

    [Fact]
    public async Task A_custom_connection_shows_its_secret_once_and_never_again()
    {
        var c = await host.CreateConnectionAsync("custom", "My main store");
        Assert.Equal($"{host.BaseUrl}/api/custom/{c.Id}", c.DeliveryUrl);
        Assert.True(c.SigningSecret!.Length >= 6 + 43, "264-bit secret: whsec_ and 44 base64 letters and digits");

        var one = await host.AdminJsonAsync(HttpMethod.Get, $"/api/manage/connections/{c.Id}");
        Assert.Equal("My main store", one.GetProperty("name").GetString());
        Assert.Equal("custom", one.GetProperty("platform").GetString());
        Assert.Equal(c.DeliveryUrl, one.GetProperty("deliveryUrl").GetString());
        var list = await host.AdminJsonAsync(HttpMethod.Get, "/api/manage/connections");
        Assert.Contains(list.EnumerateArray(), e => e.GetProperty("id").GetString() == c.Id);
        Assert.DoesNotContain(c.SigningSecret, one.GetRawText() + list.GetRawText());
    }

    [Fact]
    public async Task Token_platforms_get_a_delivery_url_with_a_token_that_is_stored_only_as_a_hash()
    {
        var json = await host.AdminJsonAsync(HttpMethod.Post, "/api/manage/connections", new { platform = "woocommerce", name = "Woo" }, 201);
        var url = json.GetProperty("deliveryUrl").GetString()!;
        var token = url.Split('/').Last();
        Assert.True(token.Length >= 22, "at least 128 bits");
        Assert.Equal(url + "/producto", json.GetProperty("productDeliveryUrl").GetString());

        var keys = host.Storage.Table(Connectors.Storage.TableNames.ConnectionKeys);
        var rows = new List<string>();
        await foreach (var e in keys.QueryAsync<Azure.Data.Tables.TableEntity>()) rows.Add(JsonSerializer.Serialize(e));
        Assert.DoesNotContain(rows, r => r.Contains(token));
        var one = await host.AdminJsonAsync(HttpMethod.Get, $"/api/manage/connections/{json.GetProperty("id").GetString()}");
        Assert.DoesNotContain(token, one.GetRawText());
    }

    [Theory]
    [InlineData("""{"name":"x"}""", "platform is required")]
    [InlineData("""{"platform":"magento","name":"x"}""", "Unknown platform 'magento'")]
    [InlineData("""{"platform":"custom"}""", "name is required")]
    [InlineData("""{"platform":"custom","name":5}""", "name must be a string")]
    [InlineData("""{"platform":"jumpseller","name":"x","hooksToken":"t"}""", "storeCode is required")]
    [InlineData("""{"platform":"jumpseller","name":"x","storeCode":"s"}""", "hooksToken is required")]
    [InlineData("""{"platform":"shopify","name":"x","saleOn":"shipped"}""", "saleOn must be")]
    [InlineData("""[1]""", "JSON object")]
    [InlineData("""{"platform":""", "not valid JSON")]
    public async Task Creating_with_a_bad_body_is_400_naming_the_field(string body, string error)
    {
        var request = host.Admin(HttpMethod.Post, "/api/manage/connections");
        request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        using var response = await host.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(error, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_jumpseller_store_code_belongs_to_one_live_connection()
    {
        var code = "store-" + Guid.NewGuid().ToString("N")[..8];
        var first = await host.AdminJsonAsync(HttpMethod.Post, "/api/manage/connections", new { platform = "jumpseller", name = "JS", storeCode = code, hooksToken = "hooks-secret" }, 201);
        Assert.Equal($"{host.BaseUrl}/api/jumpseller", first.GetProperty("deliveryUrl").GetString());
        var again = await host.AdminJsonAsync(HttpMethod.Post, "/api/manage/connections", new { platform = "jumpseller", name = "JS2", storeCode = code, hooksToken = "x" }, 409);
        Assert.Contains(code, again.GetProperty("error").GetString());
        // Revoked, the code can be connected again.
        await host.AdminJsonAsync(HttpMethod.Delete, $"/api/manage/connections/{first.GetProperty("id").GetString()}", expect: 204);
        await host.AdminJsonAsync(HttpMethod.Post, "/api/manage/connections", new { platform = "jumpseller", name = "JS3", storeCode = code, hooksToken = "y" }, 201);
        var one = await host.AdminJsonAsync(HttpMethod.Get, "/api/manage/connections");
        Assert.DoesNotContain("hooks-secret", one.GetRawText());
    }

    [Fact]
    public async Task The_platform_webhook_secret_is_write_only()
    {
        var json = await host.AdminJsonAsync(HttpMethod.Post, "/api/manage/connections", new { platform = "shopify", name = "Shop" }, 201);
        var id = json.GetProperty("id").GetString();
        Assert.False((await host.AdminJsonAsync(HttpMethod.Get, $"/api/manage/connections/{id}")).GetProperty("hasWebhookSecret").GetBoolean());
        var updated = await host.AdminJsonAsync(HttpMethod.Put, $"/api/manage/connections/{id}", new { webhookSecret = "shpss_very_secret" });
        Assert.True(updated.GetProperty("hasWebhookSecret").GetBoolean());
        Assert.DoesNotContain("shpss_very_secret", updated.GetRawText());
        Assert.Equal("create", updated.GetProperty("saleOn").GetString());
    }

    [Fact]
    public async Task Rotating_a_custom_connection_keeps_the_old_secret_working_during_the_grace_period()
    {
        var c = await host.CreateConnectionAsync("custom");
        var rotated = await host.AdminJsonAsync(HttpMethod.Post, $"/api/manage/connections/{c.Id}/rotate");
        var newSecret = rotated.GetProperty("signingSecret").GetString()!;
        Assert.NotEqual(c.SigningSecret, newSecret);
        using var old = await host.Http.SendAsync(SignedRequests.Custom(c.Path, c.SigningSecret!, "order.created", CustomOrders.Created("ROT-1")));
        Assert.Equal(HttpStatusCode.OK, old.StatusCode);
        using var fresh = await host.Http.SendAsync(SignedRequests.Custom(c.Path, newSecret, "order.created", CustomOrders.Created("ROT-2")));
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
    }

    [Fact]
    public async Task Unknown_routes_and_wrong_methods_answer_with_a_json_error()
    {
        using var missing = await host.Http.GetAsync("/api/nothing-here");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("not_found", (await missing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        using var wrongMethod = await host.Http.GetAsync("/api/custom/abc");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
        Assert.Contains("GET", (await wrongMethod.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
    }
}

/// <summary>A host with no AdminKey: admin routes are off.</summary>
public sealed class NoAdminKeyHostFixture : HostFixture
{
    protected override bool QueueTrigger => false;
    protected override void Settings(Dictionary<string, string?> settings) => settings["AdminKey"] = "";
}

public sealed class AdminOffTests(NoAdminKeyHostFixture host) : IClassFixture<NoAdminKeyHostFixture>
{
    [Fact]
    public async Task Without_an_AdminKey_setting_admin_routes_are_off_even_with_an_empty_key()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/manage/connections");
        request.Headers.Add("x-functions-key", "");
        using var response = await host.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("no AdminKey", await response.Content.ReadAsStringAsync());
    }
}
