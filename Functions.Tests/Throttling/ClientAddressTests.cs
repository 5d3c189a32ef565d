using System.Net;
using Connectors.Throttling;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Connectors.Tests.Throttling;

/// <summary>Which address failures count against: the socket's, X-Forwarded-For only behind configured proxies, IPv6 per /64.</summary>
public sealed class ClientAddressTests
{
    static HttpContext Request(string remote, params string[] forwardedFor)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(remote);
        if (forwardedFor.Length > 0) context.Request.Headers["X-Forwarded-For"] = forwardedFor;
        return context;
    }

    [Fact]
    public void Without_trusted_proxies_X_Forwarded_For_is_ignored() =>
        Assert.Equal("10.0.0.9", ClientAddress.Of(Request("10.0.0.9", "203.0.113.7"), trustedProxies: 0));

    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("203.0.113.7:50123", "203.0.113.7")]
    [InlineData("spoofed-by-client, 198.51.100.4, 203.0.113.7:443", "203.0.113.7")]
    [InlineData("[2001:db8:1:2:3:4:5:6]:443", "20010db800010002::/64")]
    public void Behind_one_proxy_the_rightmost_entry_is_the_client(string header, string expected) =>
        Assert.Equal(expected, ClientAddress.Of(Request("127.0.0.1", header), trustedProxies: 1));

    [Fact]
    public void Behind_two_proxies_the_second_entry_from_the_right_counts_and_a_short_header_falls_back_to_the_socket()
    {
        Assert.Equal("198.51.100.4", ClientAddress.Of(Request("127.0.0.1", "1.1.1.1, 198.51.100.4", "10.1.1.1"), trustedProxies: 2));
        Assert.Equal("127.0.0.1", ClientAddress.Of(Request("127.0.0.1", "198.51.100.4"), trustedProxies: 2));
    }

    [Fact]
    public void IPv6_addresses_of_one_64_block_share_a_partition_and_mapped_IPv4_is_IPv4()
    {
        Assert.Equal(ClientAddress.Partition(IPAddress.Parse("2001:db8::1")), ClientAddress.Partition(IPAddress.Parse("2001:db8::ffff:1234")));
        Assert.NotEqual(ClientAddress.Partition(IPAddress.Parse("2001:db8::1")), ClientAddress.Partition(IPAddress.Parse("2001:db8:0:1::1")));
        Assert.Equal("192.0.2.1", ClientAddress.Partition(IPAddress.Parse("::ffff:192.0.2.1")));
    }

    [Theory]
    [InlineData("ConnectionFailures", "0")]
    [InlineData("AddressFailuresPerHour", "-5")]
    [InlineData("TrustedProxies", "11")]
    public async Task A_bad_limit_stops_the_host_naming_the_setting(string setting, string value)
    {
        await using var app = Connectors.Hosting.ConnectorsHost.Build(["--urls", "http://127.0.0.1:0"], new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true", ["AdminKey"] = "k", ["Throttle:" + setting] = value,
        }, useLocalSettings: false);
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
        Assert.Contains("Throttle:" + setting, e.Message);
        Assert.Contains(value, e.Message);
    }
}

/// <summary>Behind a trusted proxy, each forwarded client address has its own budget.</summary>
public sealed class ForwardedAddressTests(ForwardedAddressTests.BehindOneProxy host) : IClassFixture<ForwardedAddressTests.BehindOneProxy>
{
    public sealed class BehindOneProxy : Connectors.Tests.Fixtures.HostFixture
    {
        protected override void Settings(Dictionary<string, string?> settings)
        {
            settings["Throttle:TrustedProxies"] = "1";
            settings["Throttle:AddressFailures"] = "3";
        }
    }

    static HttpRequestMessage Guess(string forwardedFor)
    {
        var request = Connectors.Tests.Fixtures.SignedRequests.Json($"/api/selldone/{Connectors.Connections.Secrets.NewUrlToken()}", "{}");
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", forwardedFor);
        return request;
    }

    [Fact]
    public async Task One_forwarded_address_is_throttled_and_another_is_not()
    {
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.NotFound, (await host.SendAsync(Guess("203.0.113.7:1000"))).Status);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await host.SendAsync(Guess("203.0.113.7:2000"))).Status);
        // A client cannot escape by writing its own entries to the left: the proxy's rightmost entry is what counts.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await host.SendAsync(Guess("198.51.100.1, 203.0.113.7"))).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await host.SendAsync(Guess("198.51.100.1"))).Status);
    }
}
