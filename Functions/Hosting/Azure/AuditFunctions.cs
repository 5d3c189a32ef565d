using System.Reflection;
using Connectors.Admin;
using Connectors.Audit;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;

namespace Connectors.Hosting.AzureFunctions;

/// <summary>GET /api/manage/audit: the same handler as the local host (AuditAdmin), behind the function key.</summary>
public sealed class AuditFunctions(AuditLog log)
{
    [Function("Audit")]
    public Task<IResult> List([HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.AdminAudit)] HttpRequest req) =>
        AuditAdmin.ListAsync(QueryValues.Int(req, "limit"), QueryValues.String(req, "after"), log, req.HttpContext.RequestAborted);
}

/// <summary>
/// The worker's counterpart of the local AuditFilter: for the admin functions that change something, buffers the body,
/// runs the function and hands its IResult to AdminAudit (which records only 2xx answers). The credential is the
/// function key's name when the Functions host passes its key-id claim (AdminCredentials.Of).
/// </summary>
public sealed class AdminAuditMiddleware(AdminAudit audit) : IFunctionsWorkerMiddleware
{
    /// <summary>
    /// Function name → its Routes template, for the entry points in this folder whose method and route AdminAudit audits:
    /// read from their own attributes, so the list cannot drift from AdminAudit.IsAudited.
    /// </summary>
    internal static readonly IReadOnlyDictionary<string, string> Audited = typeof(AdminAuditMiddleware).Assembly.GetTypes()
        .Where(t => t.Namespace == typeof(AdminAuditMiddleware).Namespace)
        .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
        .Select(m => (Function: m.GetCustomAttribute<FunctionAttribute>(), Trigger: m.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(a => a is not null)))
        .Where(x => x.Function is not null && x.Trigger is { Route: { } route, Methods: { } methods } && methods.Any(m => AdminAudit.IsAudited(m, route)))
        .ToDictionary(x => x.Function!.Name, x => x.Trigger!.Route!, StringComparer.Ordinal);

    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        if (!Audited.TryGetValue(context.FunctionDefinition.Name, out var template) || context.GetHttpContext() is not { } http)
        {
            await next(context);
            return;
        }
        // The host's key-id claim, wherever the worker surfaces it (the request data's identities or HttpContext.User).
        var keyId = await context.GetHttpRequestDataAsync() is { } data
            ? data.Identities.SelectMany(i => i.Claims).FirstOrDefault(c => c.Type == AdminCredentials.FunctionsKeyIdClaim)?.Value
            : null;
        await AroundAsync(http, template, keyId, async () =>
        {
            await next(context);
            return context.GetInvocationResult().Value as IResult;
        }, name => context.BindingContext.BindingData.TryGetValue(name, out var v) ? v?.ToString() : http.Request.RouteValues[name] as string);
    }

    /// <summary>Around one audited function: keep its body readable again, note the credential, run it, record its answer.</summary>
    internal async Task AroundAsync(HttpContext http, string template, string? keyId, Func<Task<IResult?>> run, Func<string, string?> routeValue)
    {
        http.Request.EnableBuffering(AdminAudit.MaxBody);
        if (keyId is { Length: > 0 }) http.Items[AdminCredentials.ItemKey] = keyId;
        if (await run() is { } result) await audit.RecordAsync(http, template, routeValue, result, http.RequestAborted);
    }
}
