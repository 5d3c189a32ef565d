using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.Json;
using System.Text.RegularExpressions;
using Connectors.Audit;
using Connectors.Hosting;
using Connectors.Hosting.AzureFunctions;
using Connectors.Tests.Fixtures;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Connectors.Tests.Hosting;

/// <summary>
/// The functions.metadata the Worker SDK wrote for the build under test (what the Functions host indexes) against the
/// local host: the same methods on the same routes, admin routes and only they behind the function key, the same
/// queue trigger, and no route that can take another's requests under the Functions host's router.
/// </summary>
public sealed partial class FunctionsMetadataTests(HostFixture host) : IClassFixture<HostFixture>
{
    internal sealed record HttpFunction(string Name, string AuthLevel, IReadOnlyList<string> Methods, string Route);
    internal sealed record QueueFunction(string Name, string QueueName, string Connection);
    internal sealed record Metadata(IReadOnlyList<string> Names, IReadOnlyList<HttpFunction> Http, IReadOnlyList<QueueFunction> Queues);

    /// <summary>The Functions project's output folder of this build configuration, where functions.metadata sits beside the assembly.</summary>
    static string OutputFolder()
    {
        var configuration = typeof(FunctionsMetadataTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        return Path.Combine(Repository.Root, "Functions", "bin", configuration, "net10.0");
    }

    internal static Metadata Read()
    {
        var path = Path.Combine(OutputFolder(), "functions.metadata");
        Assert.True(File.Exists(path), $"{path} is missing: the Worker SDK writes it on build.");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var names = new List<string>();
        var http = new List<HttpFunction>();
        var queues = new List<QueueFunction>();
        foreach (var function in doc.RootElement.EnumerateArray())
        {
            var name = function.GetProperty("name").GetString()!;
            names.Add(name);
            foreach (var binding in function.GetProperty("bindings").EnumerateArray())
            {
                switch (binding.GetProperty("type").GetString())
                {
                    case "httpTrigger":
                        http.Add(new HttpFunction(name, binding.GetProperty("authLevel").GetString()!,
                            [.. binding.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!.ToUpperInvariant())], binding.GetProperty("route").GetString()!));
                        break;
                    case "queueTrigger":
                        queues.Add(new QueueFunction(name, binding.GetProperty("queueName").GetString()!, binding.GetProperty("connection").GetString()!));
                        break;
                }
            }
        }
        return new Metadata(names, http, queues);
    }

    [Fact]
    public void The_metadata_is_the_one_written_for_the_assembly_under_test()
    {
        // The same build: the assembly beside functions.metadata has the module version id of the one these tests load.
        using var stream = File.OpenRead(Path.Combine(OutputFolder(), "Connectors.Functions.dll"));
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        Assert.Equal(typeof(Routes).Assembly.ManifestModule.ModuleVersionId, reader.GetGuid(reader.GetModuleDefinition().Mvid));

        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(OutputFolder(), "worker.config.json")));
        var description = config.RootElement.GetProperty("description");
        Assert.Equal("dotnet-isolated", description.GetProperty("language").GetString());
        Assert.Equal("Connectors.Functions.dll", description.GetProperty("defaultWorkerPath").GetString());
    }

    [Fact]
    public void Every_function_has_a_unique_name_and_one_trigger()
    {
        var metadata = Read();
        var duplicates = metadata.Names.GroupBy(n => n, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(duplicates.Count == 0, "Function names used twice (the Functions host requires unique names): " + string.Join(", ", duplicates));
        Assert.Equal(metadata.Names.Count, metadata.Http.Count + metadata.Queues.Count);
    }

    [Fact]
    public void The_functions_serve_exactly_the_local_hosts_routes()
    {
        var azure = Read().Http.SelectMany(f => f.Methods.Select(m => $"{m} {f.Route}")).ToList();
        var twice = azure.GroupBy(r => r).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(twice.Count == 0, "Method and route served by two functions: " + string.Join("; ", twice));
        var local = LocalRoutes().Select(r => $"{r.Method} {r.Template}").ToHashSet();

        var missingInAzure = local.Except(azure).Order().ToList();
        var missingLocally = azure.Except(local).Order().ToList();
        Assert.True(missingInAzure.Count == 0, "Served by the local host but by no function in functions.metadata (Functions/Hosting/Azure): " + string.Join("; ", missingInAzure));
        Assert.True(missingLocally.Count == 0, "Functions for routes the local host does not serve (FunctionMap): " + string.Join("; ", missingLocally));
    }

    [Fact]
    public void The_worker_audits_the_functions_of_every_route_the_local_host_audits()
    {
        // Locally AuditFilter audits by route; in Azure AdminAuditMiddleware by function name: the same actions either way.
        var local = LocalRoutes().Where(r => AdminAudit.IsAudited(r.Method, r.Template)).Select(r => $"{r.Method} {r.Template}").Order().ToList();
        Assert.True(local.Count >= 9, "The local host audits the admin changes: " + string.Join("; ", local));
        var functions = Read().Http.Where(f => AdminAuditMiddleware.Audited.ContainsKey(f.Name)).ToList();
        Assert.Equal(AdminAuditMiddleware.Audited.Count, functions.Count);
        var worker = functions.SelectMany(f => f.Methods.Select(m => m.ToUpperInvariant()).Where(m => AdminAudit.IsAudited(m, f.Route)).Select(m => $"{m} {f.Route}")).Order().ToList();
        Assert.Equal(local, worker);
    }

    [Fact]
    public void No_route_starts_with_a_prefix_the_Functions_host_reserves()
    {
        // The host refuses a function whose route starts with "admin" or "runtime" (azure-functions-host ScriptHost
        // ValidateHttpFunction: "The specified route conflicts with one or more built in routes."), whatever routePrefix
        // says, and the function then answers 404.
        var reserved = Read().Http.Where(f => f.Route.StartsWith("admin", StringComparison.OrdinalIgnoreCase) || f.Route.StartsWith("runtime", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.True(reserved.Count == 0, "Routes the Functions host would refuse: " + string.Join(", ", reserved.Select(f => $"{f.Name} = {f.Route}")));
    }

    [Fact]
    public async Task Sources_are_anonymous_and_admin_routes_need_the_function_key_as_the_local_host_needs_the_admin_key()
    {
        var levels = Read().Http.SelectMany(f => f.Methods.Select(m => (Key: $"{m} {f.Route}", f.AuthLevel, f.Name))).ToDictionary(x => x.Key);
        var checkedRoutes = 0;
        foreach (var (method, template) in LocalRoutes())
        {
            // Ask the local host itself whether the route is behind the admin key: without a key, an admin route says so with 401.
            using var request = new HttpRequestMessage(new HttpMethod(method), "/" + host.Service<HostJson>().RoutePrefix + "/" + Placeholders().Replace(template, "x"));
            if (method is "POST" or "PUT") request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
            using var response = await host.Http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            var admin = (int)response.StatusCode == 401 && body.Contains("admin key", StringComparison.OrdinalIgnoreCase);
            var key = $"{method} {template}";
            Assert.True(levels.TryGetValue(key, out var function), $"{key}: no function (see The_functions_serve_exactly_the_local_hosts_routes).");
            Assert.True(function.AuthLevel == (admin ? "Function" : "Anonymous"),
                $"{function.Name} ({key}): the local host {(admin ? "requires" : "does not require")} the admin key, but its authLevel is {function.AuthLevel}.");
            Assert.True(admin == template.StartsWith("manage/", StringComparison.Ordinal), $"{key}: admin routes live under manage/, and only they.");
            checkedRoutes++;
        }
        Assert.Equal(levels.Count, checkedRoutes);
    }

    [Fact]
    public void The_queue_trigger_is_the_local_hosts_under_the_same_function_name()
    {
        var queues = Read().Queues;
        var local = host.App.Services.GetServices<IHostedService>().OfType<QueueTriggerListener>().Select(l => l.QueueName).ToList();
        Assert.NotEmpty(local);
        Assert.Equal(local.Order(), queues.Select(q => q.QueueName).Order());
        var trigger = Assert.Single(queues);
        // AzureWebJobs.<name>.Disabled switches it off in both hosts only if the names agree.
        Assert.Equal(ConnectorsHost.PostEventFunctionName, trigger.Name);
        Assert.Equal(QueueNames.Events, trigger.QueueName);
        Assert.Equal("AzureWebJobsStorage", trigger.Connection);
    }

    [Fact]
    public void No_route_can_take_the_requests_of_another()
    {
        // For every pair of distinct templates, URLs of one (each parameter filled with every literal segment of any route,
        // and a plain value; a catch-all also empty and with a '/') must not match the other, constraints included: the
        // Functions host picks one function per URL, and an overlap sends requests to the wrong one
        // (manage/vouchers/{*number} took GET manage/vouchers with an empty number).
        var templates = Read().Http.Select(f => f.Route).Distinct().ToList();
        var literals = templates.SelectMany(t => TemplateParser.Parse(t).Segments).SelectMany(s => s.Parts).Where(p => p.IsLiteral).Select(p => p.Text!).Distinct().Append("x1").ToList();
        var constraints = host.Service<IInlineConstraintResolver>();
        var overlaps = new List<string>();
        foreach (var own in templates)
        {
            var urls = SampleUrls(TemplateParser.Parse(own), literals).Where(u => Matches(own, u, constraints)).ToList();
            Assert.True(urls.Count > 0, $"{own}: none of its sample URLs matches it.");
            foreach (var other in templates.Where(t => t != own))
                overlaps.AddRange(urls.Where(u => Matches(other, u, constraints)).Take(1).Select(u => $"{other} takes {u}, a URL of {own}"));
        }
        Assert.True(overlaps.Count == 0, string.Join("\n", overlaps));
    }

    [Fact]
    public void The_overlap_check_sees_an_empty_catch_all()
    {
        // The check above would have caught the overlap the real Functions host hit: an unconstrained catch-all takes its prefix.
        var constraints = host.Service<IInlineConstraintResolver>();
        Assert.True(Matches("manage/vouchers/{*number}", "/manage/vouchers", constraints));
        Assert.False(Matches(Routes.AdminVoucher, "/manage/vouchers", constraints));
        Assert.True(Matches(Routes.AdminVoucher, "/manage/vouchers/SV/26-27/000001", constraints));
    }

    /// <summary>URLs of a template: every combination of sample values for its parameters.</summary>
    static IEnumerable<string> SampleUrls(RouteTemplate template, IReadOnlyList<string> literals)
    {
        IEnumerable<string> paths = [""];
        foreach (var segment in template.Segments)
        {
            var part = Assert.Single(segment.Parts); // one literal or one parameter per segment keeps the sampling exact
            IEnumerable<string> values = part.IsLiteral ? [part.Text!] : part.IsCatchAll ? [.. literals, "", "a/b"] : literals;
            paths = paths.SelectMany(p => values.Select(v => v.Length == 0 ? p : p + "/" + v)).ToList();
        }
        return paths.Select(p => p.Length == 0 ? "/" : p);
    }

    /// <summary>Whether the template matches the path with the ASP.NET Core router the Functions host uses, inline constraints included.</summary>
    static bool Matches(string template, string path, IInlineConstraintResolver resolver)
    {
        var parsed = TemplateParser.Parse(template);
        var values = new RouteValueDictionary();
        if (!new TemplateMatcher(parsed, new RouteValueDictionary()).TryMatch(path, values)) return false;
        foreach (var parameter in parsed.Parameters)
            foreach (var inline in parameter.InlineConstraints)
                if (resolver.ResolveConstraint(inline.Constraint) is { } constraint && !constraint.Match(null, null, parameter.Name!, values, RouteDirection.IncomingRequest))
                    return false;
        return true;
    }

    /// <summary>(METHOD, template without the routePrefix) of every endpoint the local host maps.</summary>
    List<(string Method, string Template)> LocalRoutes()
    {
        var prefix = host.RoutePrefix;
        var mapped = host.MappedRoutes();
        Assert.NotEmpty(mapped);
        return [.. mapped.SelectMany(r =>
        {
            Assert.True(r.Pattern.StartsWith(prefix, StringComparison.Ordinal), $"Local route {r.Pattern} is outside the {prefix} route prefix.");
            Assert.True(r.Methods.Count > 0, $"Local route {r.Pattern} accepts any method; a function must name its methods.");
            return r.Methods.Select(m => (m.ToUpperInvariant(), r.Pattern[prefix.Length..]));
        })];
    }

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex Placeholders();
}
