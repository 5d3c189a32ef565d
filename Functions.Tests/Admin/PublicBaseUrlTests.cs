using Connectors.Hosting;
using Connectors.Tests.Fixtures;
using Microsoft.Extensions.Options;

namespace Connectors.Tests.Admin;

/// <summary>The sample settings ship PublicBaseUrl blank: delivery URLs must still be absolute, ready to paste into a shop.</summary>
public sealed class PublicBaseUrlTests(PublicBaseUrlTests.BlankBaseUrlHost host) : IClassFixture<PublicBaseUrlTests.BlankBaseUrlHost>
{
    public sealed class BlankBaseUrlHost : IngestOnlyHostFixture
    {
        protected override void Settings(Dictionary<string, string?> settings) => settings["PublicBaseUrl"] = "";
    }

    [Fact]
    public async Task A_blank_setting_gives_the_requests_own_base()
    {
        var c = await host.CreateConnectionAsync("custom");
        Assert.Equal($"{host.BaseUrl}/api/custom/{c.Id}", c.DeliveryUrl);
        Assert.True(Uri.IsWellFormedUriString(c.DeliveryUrl, UriKind.Absolute), c.DeliveryUrl);
    }

    [Theory]
    [InlineData("https://connectors.example.com", "https://connectors.example.com/api/custom/c1")]
    [InlineData("https://connectors.example.com/", "https://connectors.example.com/api/custom/c1")]
    [InlineData(" https://example.com/shop-hooks/ ", "https://example.com/shop-hooks/api/custom/c1")]
    public void A_set_base_is_used_as_given(string setting, string expected)
    {
        var options = new ConnectorOptions { PublicBaseUrl = setting };
        Assert.Null(options.Problem());
        var request = new Microsoft.AspNetCore.Http.DefaultHttpContext().Request;
        request.Scheme = "http";
        request.Host = new("127.0.0.1", 7071);
        var url = Connectors.Admin.ConnectionAdmin.DeliveryUrl(request, options, HostJson.Load(HostJson.Locate()), new Connectors.Connections.Connection { Id = "c1", Platform = "custom", Name = "Shop" }, null);
        Assert.Equal(expected, url);
    }

    [Theory]
    [InlineData("connectors.example.com")]
    [InlineData("ftp://connectors.example.com")]
    [InlineData("https://connectors.example.com/?code=1")]
    public void A_base_that_is_not_an_http_url_stops_the_host_naming_the_setting(string setting)
    {
        var e = Assert.Throws<OptionsValidationException>(() => ConnectorsHost.Build(["--urls", "http://127.0.0.1:0"], new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true", ["AdminKey"] = "k", ["PublicBaseUrl"] = setting,
        }, useLocalSettings: false));
        Assert.Contains("PublicBaseUrl", e.Message);
        Assert.Contains(setting, e.Message);
    }
}
