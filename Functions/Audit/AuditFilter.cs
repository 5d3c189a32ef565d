using Connectors.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Connectors.Audit;

/// <summary>The local host's side of AdminAudit: after AdminAuth, buffers an audited request's body, runs the handler, records.</summary>
public sealed class AuditFilter(AdminAudit audit, HostJson hostJson) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var template = Template(http);
        if (template is null || !AdminAudit.IsAudited(http.Request.Method, template)) return await next(context);
        http.Request.EnableBuffering(AdminAudit.MaxBody);
        var result = await next(context);
        if (result is IResult answer)
            await audit.RecordAsync(http, template, name => http.Request.RouteValues[name] as string, answer, http.RequestAborted);
        return result;
    }

    /// <summary>The Routes template of the endpoint: its pattern without the host.json route prefix.</summary>
    string? Template(HttpContext http)
    {
        if (http.GetEndpoint() is not RouteEndpoint { RoutePattern.RawText: { } raw }) return null;
        raw = raw.TrimStart('/');
        var prefix = hostJson.RoutePrefix.Trim('/');
        return prefix.Length > 0 && raw.StartsWith(prefix + "/", StringComparison.Ordinal) ? raw[(prefix.Length + 1)..] : raw;
    }
}
