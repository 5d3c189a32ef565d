using System.Reflection;
using System.Text.RegularExpressions;
using Connectors.Hosting;
using Connectors.Tests.Fixtures;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Connectors.Tests.Hosting;

/// <summary>
/// The Azure Functions entry points (Functions/Hosting/Azure, compiled only with -p:AzureFunctions=true) must serve
/// exactly what the local host serves: same methods on the same Routes constants, admin routes behind the function key,
/// and the posting queue trigger under the same function name. Read from their source, since they cannot be built here.
/// </summary>
public sealed partial class AzureEntryPointsTests(HostFixture host) : IClassFixture<HostFixture>
{
    [Fact]
    public void Every_route_and_queue_the_entry_points_name_is_a_constant()
    {
        var source = AzureSource.Read();
        var routes = Constants(typeof(Routes));
        var queues = Constants(typeof(QueueNames));
        Assert.True(source.TriggerAttributes == source.Http.Count + source.Queues.Count,
            $"{source.TriggerAttributes} trigger attributes but {source.Http.Count + source.Queues.Count} read as [Function(...)] public ... [XTrigger(...)]: keep each entry point in that shape.");
        Assert.NotEmpty(source.Http);
        foreach (var t in source.Http)
            Assert.True(routes.ContainsKey(t.RouteConstant), $"{t.File}: Routes.{t.RouteConstant} is not a const in Routes.");
        Assert.NotEmpty(source.Queues);
        foreach (var q in source.Queues)
            Assert.True(queues.ContainsKey(q.QueueConstant), $"{q.File}: QueueNames.{q.QueueConstant} is not a const in QueueNames.");
    }

    [Fact]
    public void No_route_starts_with_a_prefix_the_Functions_host_reserves()
    {
        // The host refuses a function whose route starts with "admin" or "runtime" (azure-functions-host ScriptHost
        // ValidateHttpFunction: "The specified route conflicts with one or more built in routes."), whatever routePrefix
        // says, and the function then answers 404: nothing but this test would notice before a deployment.
        var reserved = Constants(typeof(Routes)).Where(r => r.Value.StartsWith("admin", StringComparison.OrdinalIgnoreCase) || r.Value.StartsWith("runtime", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.True(reserved.Count == 0, "Routes the Azure Functions host would refuse: " + string.Join(", ", reserved.Select(r => $"{r.Key} = {r.Value}")));
    }

    [Fact]
    public void Every_entry_point_has_a_unique_function_name()
    {
        var source = AzureSource.Read();
        var names = source.FunctionNames;
        var duplicates = names.GroupBy(n => n, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(duplicates.Count == 0, "Function names used twice (Azure Functions requires unique names): " + string.Join(", ", duplicates));
        Assert.Equal(source.Http.Count + source.Queues.Count, names.Count);
    }

    [Fact]
    public void The_entry_points_serve_exactly_the_local_hosts_routes()
    {
        var routes = Constants(typeof(Routes));
        var azure = AzureSource.Read().Http
            .SelectMany(t => t.Methods.Select(m => $"{m.ToUpperInvariant()} {routes.GetValueOrDefault(t.RouteConstant, "Routes." + t.RouteConstant)}"))
            .ToHashSet();
        var local = LocalRoutes().Select(r => $"{r.Method} {r.Template}").ToHashSet();

        var missingInAzure = local.Except(azure).Order().ToList();
        var missingLocally = azure.Except(local).Order().ToList();
        Assert.True(missingInAzure.Count == 0, "Served by the local host but with no Azure entry point in Functions/Hosting/Azure: " + string.Join("; ", missingInAzure));
        Assert.True(missingLocally.Count == 0, "Azure entry points for routes the local host does not serve: " + string.Join("; ", missingLocally));
    }

    [Fact]
    public async Task Admin_routes_and_only_they_require_the_function_key()
    {
        var routes = Constants(typeof(Routes));
        var levels = AzureSource.Read().Http
            .SelectMany(t => t.Methods.Select(m => (Key: $"{m.ToUpperInvariant()} {routes.GetValueOrDefault(t.RouteConstant)}", t.Level)))
            .ToDictionary(x => x.Key, x => x.Level);
        foreach (var (method, template) in LocalRoutes())
        {
            // Ask the local host itself whether the route is behind the admin key: no key, an admin route says so with 401.
            using var request = new HttpRequestMessage(new HttpMethod(method), "/" + host.Service<HostJson>().RoutePrefix + "/" + Placeholders().Replace(template, "x"));
            if (method is "POST" or "PUT") request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
            using var response = await host.Http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            var admin = (int)response.StatusCode == 401 && body.Contains("admin key", StringComparison.OrdinalIgnoreCase);
            var key = $"{method} {template}";
            if (!levels.TryGetValue(key, out var level)) continue; // reported by The_entry_points_serve_exactly_the_local_hosts_routes
            Assert.True(level == (admin ? "Function" : "Anonymous"),
                $"{key}: the local host {(admin ? "requires" : "does not require")} the admin key, but its Azure entry point is AuthorizationLevel.{level}.");
        }
    }

    [Fact]
    public void The_queue_trigger_is_the_local_hosts_under_the_same_function_name()
    {
        var queues = Constants(typeof(QueueNames));
        var azure = AzureSource.Read().Queues;
        var local = host.App.Services.GetServices<IHostedService>().OfType<QueueTriggerListener>().Select(l => l.QueueName).ToHashSet();
        Assert.NotEmpty(local);
        Assert.Equal(local.Order(), azure.Select(q => queues.GetValueOrDefault(q.QueueConstant, "QueueNames." + q.QueueConstant)).Order());
        // AzureWebJobs.<name>.Disabled switches it off in both hosts only if the names agree.
        Assert.All(azure, q => Assert.Equal(nameof(ConnectorsHost) + "." + nameof(ConnectorsHost.PostEventFunctionName), q.FunctionName));
    }

    /// <summary>(METHOD, template without the routePrefix) of every endpoint the local host maps.</summary>
    List<(string Method, string Template)> LocalRoutes()
    {
        var prefix = "/" + host.Service<HostJson>().RoutePrefix + "/";
        var endpoints = host.Service<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        Assert.NotEmpty(endpoints);
        return endpoints.SelectMany(e =>
        {
            var raw = e.RoutePattern.RawText ?? "";
            Assert.True(raw.StartsWith(prefix, StringComparison.Ordinal), $"Local route {raw} is outside the {prefix} route prefix.");
            var methods = e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [];
            Assert.True(methods.Count > 0, $"Local route {raw} accepts any method; an Azure entry point must name its methods.");
            return methods.Select(m => (m.ToUpperInvariant(), raw[prefix.Length..]));
        }).ToList();
    }

    static Dictionary<string, string> Constants(Type type) =>
        type.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .ToDictionary(f => f.Name, f => (string)f.GetRawConstantValue()!);

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex Placeholders();
}
