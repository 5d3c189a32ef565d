using System.Net;
using System.Reflection;
using System.Text.RegularExpressions;
using Connectors.Hosting;
using Connectors.Tests.Fixtures;
using Microsoft.AspNetCore.Routing;

namespace Connectors.Tests.Admin;

/// <summary>Admin/AdminMap.cs is the admin's one home: every Routes.Admin* constant is mapped, all of them and only they behind the admin key.</summary>
public sealed partial class AdminMapTests(IngestOnlyHostFixture host) : IClassFixture<IngestOnlyHostFixture>
{
    [Fact]
    public void Every_admin_route_constant_is_mapped()
    {
        var mapped = Endpoints().Select(e => e.Template).ToHashSet();
        var admin = typeof(Routes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.Name.StartsWith("Admin", StringComparison.Ordinal)).Select(f => (string)f.GetRawConstantValue()!).ToList();
        Assert.NotEmpty(admin);
        Assert.All(admin, template => Assert.Contains(template, mapped));
    }

    [Fact]
    public async Task Every_route_under_manage_and_no_other_needs_the_admin_key()
    {
        foreach (var (method, template) in Endpoints())
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), $"/{host.Service<HostJson>().RoutePrefix}/{Placeholders().Replace(template, "x")}");
            if (method is "POST" or "PUT") request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
            using var response = await host.Http.SendAsync(request);
            var keyed = response.StatusCode == HttpStatusCode.Unauthorized && (await response.Content.ReadAsStringAsync()).Contains("admin key", StringComparison.OrdinalIgnoreCase);
            Assert.True(keyed == template.StartsWith("manage/", StringComparison.Ordinal), $"{method} {template}: answered {(int)response.StatusCode} without the admin key.");
        }
    }

    List<(string Method, string Template)> Endpoints()
    {
        var prefix = host.RoutePrefix;
        return [.. host.MappedRoutes().SelectMany(r => r.Methods.Select(m => (m, r.Pattern[prefix.Length..])))];
    }

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex Placeholders();
}
