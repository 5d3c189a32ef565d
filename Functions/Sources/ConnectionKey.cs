using Connectors.Connections;
using Microsoft.AspNetCore.Http;

namespace Connectors.Sources;

/// <summary>
/// How a delivery names its connection: by id in the route (custom, bookto), by a secret URL token issued by the admin
/// (shopify, woocommerce, selldone), or by a store code header (jumpseller). The key also fills the delivery URL the
/// admin shows and issues or claims what the delivery will carry. A connection of another platform is treated as
/// unknown, so one platform's URL never feeds another's parser.
/// </summary>
public abstract record ConnectionKey
{
    /// <summary>The route value {connectionId} is the connection's id: the URL is known at any time.</summary>
    public static readonly ConnectionKey RouteId = new ById("connectionId");
    /// <summary>The route value {token} is a secret token (stored hashed): its URL is shown only when issued (create, rotate).</summary>
    public static readonly ConnectionKey RouteToken = new ByToken("token");
    /// <summary>A header carries the store code claimed at creation (one live connection per code).</summary>
    public static ConnectionKey StoreCodeHeader(string header) => new ByStoreCode(header);

    /// <summary>The live connection of this platform the request is for, or null (the pipeline answers 404).</summary>
    public abstract Task<Connection?> FindAsync(HttpRequest request, ConnectionStore connections, string platform, CancellationToken ct);

    /// <summary>A route template with this key's value filled in; null when it cannot be known (a token not just issued).</summary>
    public abstract string? Fill(string template, Connection connection, string? token);

    /// <summary>Run before a new connection is stored: a token to show once, or a conflict (409).</summary>
    public virtual Task<Issued> IssueAsync(Connection connection, ConnectionRequest request, ConnectionStore connections, CancellationToken ct) => Task.FromResult(Issued.Nothing);

    /// <summary>A rotation: the new token (the old ones work until graceUntil), or null when the key has nothing to rotate.</summary>
    public virtual Task<string?> RotateAsync(Connection connection, ConnectionStore connections, DateTimeOffset graceUntil, CancellationToken ct) => Task.FromResult<string?>(null);

    public sealed record Issued(string? Token, string? Conflict)
    {
        public static readonly Issued Nothing = new(null, null);
    }

    public sealed record ById(string RouteValue) : ConnectionKey
    {
        public override async Task<Connection?> FindAsync(HttpRequest request, ConnectionStore connections, string platform, CancellationToken ct) =>
            request.RouteValues[RouteValue] is string id && await connections.GetLiveAsync(id, ct) is { } c && c.Platform == platform ? c : null;

        public override string? Fill(string template, Connection connection, string? token) => template.Replace("{" + RouteValue + "}", connection.Id);
    }

    public sealed record ByToken(string RouteValue) : ConnectionKey
    {
        public override async Task<Connection?> FindAsync(HttpRequest request, ConnectionStore connections, string platform, CancellationToken ct) =>
            request.RouteValues[RouteValue] is string token && await connections.FindByTokenAsync(token, ct) is { } c && c.Platform == platform ? c : null;

        public override string? Fill(string template, Connection connection, string? token) => token is null ? null : template.Replace("{" + RouteValue + "}", token);

        public override async Task<Issued> IssueAsync(Connection connection, ConnectionRequest request, ConnectionStore connections, CancellationToken ct)
        {
            var token = Secrets.NewUrlToken();
            await connections.AddTokenAsync(connection.Id, token, ct);
            return new Issued(token, null);
        }

        public override async Task<string?> RotateAsync(Connection connection, ConnectionStore connections, DateTimeOffset graceUntil, CancellationToken ct)
        {
            await connections.ExpireTokensAsync(connection.Id, graceUntil, ct);
            var token = Secrets.NewUrlToken();
            await connections.AddTokenAsync(connection.Id, token, ct);
            return token;
        }
    }

    public sealed record ByStoreCode(string Header) : ConnectionKey
    {
        public override async Task<Connection?> FindAsync(HttpRequest request, ConnectionStore connections, string platform, CancellationToken ct) =>
            request.Headers[Header] is { Count: 1 } code && await connections.FindByStoreCodeAsync(code[0], ct) is { } c && c.Platform == platform ? c : null;

        public override string? Fill(string template, Connection connection, string? token) => template;

        public override async Task<Issued> IssueAsync(Connection connection, ConnectionRequest request, ConnectionStore connections, CancellationToken ct) =>
            await connections.TryClaimStoreCodeAsync(request.StoreCode!, connection.Id, ct)
                ? Issued.Nothing
                : new Issued(null, $"Store code '{request.StoreCode}' already belongs to a live connection.");
    }
}
