using Connectors.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Connectors.Activity;

/// <summary>
/// Requests that never reach a source's pipeline (a wrong method on a source route, a path no route matches) are logged
/// in the "_unrouted" activity partition too, so every refused delivery attempt leaves a trace. Admin paths are not
/// deliveries and are left out; the path itself is never logged (it may carry a URL token).
/// </summary>
public sealed partial class UnroutedRequests(ActivityLog activity, HostJson hostJson, ILogger<UnroutedRequests> log) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextMiddleware) =>
        {
            await nextMiddleware(context);
            var status = context.Response.StatusCode;
            if (status is not (404 or 405) || (status == 404 && context.GetEndpoint() is not null)) return;
            var segments = (context.Request.Path.Value ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
            var prefixed = hostJson.RoutePrefix.Length == 0 ? segments : segments.Length > 0 && segments[0] == hostJson.RoutePrefix ? segments[1..] : null;
            if (prefixed is null || prefixed.Length == 0 || prefixed[0] == "manage") return;
            var source = Connections.Platform.IsKnown(prefixed[0]) ? prefixed[0] : "(unknown route)";
            var reason = status == 405 ? $"Method {Clip.To(context.Request.Method, 20)} is not allowed on this route." : "No such route.";
            try
            {
                await activity.RecordAsync(new ActivityEntry { ConnectionId = ActivityLog.Unrouted, Event = source, HttpStatus = status, Status = ActivityStatus.Rejected, Reason = reason }, CancellationToken.None);
            }
            catch (Exception e) { LogNotRecorded(log, e, status); }
        });
        next(app);
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record an unrouted {Status} request in the activity log")]
    static partial void LogNotRecorded(ILogger logger, Exception e, int status);
}
