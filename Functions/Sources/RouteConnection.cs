using Connectors.Connections;
using Microsoft.AspNetCore.Http;

namespace Connectors.Sources;

/// <summary>How a delivery's URL names its connection: by id (custom, bookto) or by secret token (shopify, woocommerce, selldone).
/// A connection of another platform is treated as unknown, so one platform's URL never feeds another's parser.</summary>
public static class RouteConnection
{
    public static async Task<Connection?> ByIdAsync(HttpRequest request, ConnectionStore connections, string platform, CancellationToken ct) =>
        request.RouteValues["connectionId"] is string id && await connections.GetLiveAsync(id, ct) is { } c && c.Platform == platform ? c : null;

    public static async Task<Connection?> ByTokenAsync(HttpRequest request, ConnectionStore connections, string platform, CancellationToken ct) =>
        request.RouteValues["token"] is string token && await connections.FindByTokenAsync(token, ct) is { } c && c.Platform == platform ? c : null;
}
