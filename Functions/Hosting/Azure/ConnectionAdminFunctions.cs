using Connectors.Admin;
using Connectors.Activity;
using Connectors.Connections;
using Connectors.Sources;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace Connectors.Hosting.AzureFunctions;

/// <summary>
/// /api/manage/connections...: the same handlers as the local host (ConnectionAdmin). AuthorizationLevel.Function:
/// the Functions host checks x-functions-key (or ?code=) against its keys before the handler runs.
/// </summary>
public sealed class ConnectionAdminFunctions(
    ConnectionStore store, ActivityLog activity, IOptions<ConnectorOptions> options, HostJson hostJson, IEnumerable<IWebhookSource> sources, WebhookPipeline pipeline)
{
    [Function("CreateConnection")]
    public Task<IResult> Create([HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.AdminConnections)] HttpRequest req) =>
        ConnectionAdmin.CreateAsync(req, store, options, hostJson, req.HttpContext.RequestAborted);

    [Function("ListConnections")]
    public Task<IResult> List([HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.AdminConnections)] HttpRequest req) =>
        ConnectionAdmin.ListAsync(req, store, options, hostJson, req.HttpContext.RequestAborted);

    [Function("GetConnection")]
    public Task<IResult> Get([HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.AdminConnection)] HttpRequest req, string? id) =>
        RouteValues.Missing(nameof(id), id).Or(() => ConnectionAdmin.GetAsync(id!, req, store, options, hostJson, req.HttpContext.RequestAborted));

    [Function("UpdateConnection")]
    public Task<IResult> Update([HttpTrigger(AuthorizationLevel.Function, "put", Route = Routes.AdminConnection)] HttpRequest req, string? id) =>
        RouteValues.Missing(nameof(id), id).Or(() => ConnectionAdmin.UpdateAsync(id!, req, store, options, hostJson, req.HttpContext.RequestAborted));

    [Function("RevokeConnection")]
    public Task<IResult> Revoke([HttpTrigger(AuthorizationLevel.Function, "delete", Route = Routes.AdminConnection)] HttpRequest req, string? id) =>
        RouteValues.Missing(nameof(id), id).Or(() => ConnectionAdmin.RevokeAsync(id!, store, req.HttpContext.RequestAborted));

    [Function("RotateConnection")]
    public Task<IResult> Rotate([HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.AdminConnectionRotate)] HttpRequest req, string? id) =>
        RouteValues.Missing(nameof(id), id).Or(() => ConnectionAdmin.RotateAsync(id!, req, store, options, hostJson, req.HttpContext.RequestAborted));

    [Function("ConnectionActivity")]
    public Task<IResult> Activity([HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.AdminConnectionActivity)] HttpRequest req, string? id) =>
        RouteValues.Missing(nameof(id), id).Or(() => ConnectionAdmin.ActivityAsync(id!, QueryValues.Int(req, "top"), store, activity, req.HttpContext.RequestAborted));

    [Function("ReplayDelivery")]
    public Task<IResult> Replay([HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.AdminConnectionActivityReplay)] HttpRequest req, string? id, string? key) =>
        RouteValues.Missing(nameof(id), id, nameof(key), key).Or(() => ConnectionAdmin.ReplayAsync(id!, key!, store, activity, sources, pipeline, req.HttpContext.RequestAborted));
}
