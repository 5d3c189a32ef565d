using System.Reflection;
using System.Text.Json;
using Connectors.Hosting;
using Connectors.Hosting.AzureFunctions;
using Connectors.Tests.Fixtures;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace Connectors.Tests.Hosting.AzureFunctions;

/// <summary>
/// Every HTTP entry point whose route has values, called as the Functions host may call it with one of them missing or
/// empty (an empty catch-all binds null): a JSON 404, never an exception.
/// </summary>
public sealed class EntryPointRouteValuesTests(HostFixture host) : IClassFixture<HostFixture>
{
    sealed record EntryPoint(Type Class, MethodInfo Method, string HttpMethod, string Route)
    {
        public override string ToString() => $"{Class.Name}.{Method.Name} ({HttpMethod} {Route})";
    }

    static List<EntryPoint> EntryPoints() =>
        [.. typeof(Worker).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(Worker).Namespace)
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly).Select(m => (t, m)))
            .Where(x => x.m.GetCustomAttribute<FunctionAttribute>() is not null)
            .SelectMany(x => x.m.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).OfType<HttpTriggerAttribute>()
                .Select(trigger => new EntryPoint(x.t, x.m, trigger.Methods![0].ToUpperInvariant(), trigger.Route!)))
            .Where(e => e.Route.Contains('{'))];

    [Fact]
    public void There_are_entry_points_with_route_values_to_check()
    {
        var entryPoints = EntryPoints();
        Assert.Contains(entryPoints, e => e.Route == Routes.AdminVoucher);
        Assert.Contains(entryPoints, e => e.Route == Routes.Custom);
        // Every function of functions.metadata whose route has values is found here.
        var withValues = FunctionsMetadataTests.Read().Http.Where(f => f.Route.Contains('{')).Select(f => f.Name).Order();
        Assert.Equal(withValues, entryPoints.Select(e => e.Method.GetCustomAttribute<FunctionAttribute>()!.Name).Order());
    }

    [Fact]
    public async Task A_missing_or_empty_route_value_is_a_json_404()
    {
        var failures = new List<string>();
        foreach (var entry in EntryPoints())
        {
            var values = entry.Method.GetParameters().Where(p => p.ParameterType == typeof(string)).ToList();
            // A source reads its values from the request (RouteConnection); the admin functions take them as parameters.
            var cases = values.Count == 0 ? [(Missing: "(all)", Value: (string?)null)] : values.SelectMany(v => new[] { (Missing: v.Name!, Value: (string?)null), (Missing: v.Name!, Value: "") });
            foreach (var (missing, value) in cases)
            {
                var (status, body) = await CallAsync(entry, values.Select(v => v.Name == missing ? value : "x1").ToArray());
                if (status != 404 || body?.GetProperty("status").GetString() != "not_found" || body?.GetProperty("error").GetString() is not { Length: > 0 })
                    failures.Add($"{entry} with {missing} = {(value is null ? "null" : "\"\"")}: {status} {body}");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>Calls the entry point as the worker does (a request with its HttpContext, route values as arguments) and runs its answer.</summary>
    async Task<(int Status, JsonElement? Body)> CallAsync(EntryPoint entry, string?[] values)
    {
        await using var scope = host.App.Services.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.Method = entry.HttpMethod;
        context.Request.ContentType = "application/json";
        context.Request.Body = new MemoryStream("{}"u8.ToArray());
        context.Response.Body = new MemoryStream();
        var function = ActivatorUtilities.CreateInstance(scope.ServiceProvider, entry.Class);
        var next = 0;
        var arguments = entry.Method.GetParameters().Select(p => p.ParameterType == typeof(HttpRequest) ? context.Request : (object?)values[next++]).ToArray();
        var returned = entry.Method.Invoke(function, arguments);
        var result = returned as IResult ?? await (Task<IResult>)returned!;
        await result.ExecuteAsync(context);
        context.Response.Body.Position = 0;
        var text = await new StreamReader(context.Response.Body).ReadToEndAsync();
        return (context.Response.StatusCode, text.Length == 0 ? null : JsonDocument.Parse(text).RootElement.Clone());
    }
}
