using System.Security.Cryptography;
using System.Text.Json;
using Azure;
using Connectors.Activity;
using Connectors.Connections;
using Connectors.Hosting;
using Connectors.Sources;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Connectors.Admin;

/// <summary>The admin routes of connections: create (secrets shown once), list, read, update, rotate, revoke, activity.</summary>
public static class ConnectionAdmin
{
    public sealed record Created(string Id, string Platform, string Name, string DeliveryUrl)
    {
        public string? ProductDeliveryUrl { get; init; }
        public string? SigningSecret { get; init; }
    }

    public static async Task<IResult> CreateAsync(HttpRequest request, ConnectionStore store, IOptions<ConnectorOptions> options, HostJson hostJson, CancellationToken ct)
    {
        var (doc, error) = await AdminBody.ReadAsync(request, ct);
        if (doc is null) return error!;
        using var _ = doc;
        var o = doc.RootElement;
        if (!AdminBody.TryString(o, "platform", out var platform, out var err) || !AdminBody.TryString(o, "name", out var name, out err, 200)
            || !AdminBody.TryString(o, "storeCode", out var storeCode, out err, 100) || !AdminBody.TryString(o, "hooksToken", out var hooksToken, out err)
            || !AdminBody.TryString(o, "webhookSecret", out var webhookSecret, out err) || !AdminBody.TryString(o, "saleOn", out var saleOn, out err, 20))
            return AdminResults.Error(400, err!);
        if (string.IsNullOrEmpty(platform)) return AdminResults.Error(400, $"platform is required: one of {string.Join(", ", SourceRegistry.Platforms)}.");
        platform = platform.ToLowerInvariant();
        if (SourceRegistry.Find(platform) is not { } description) return AdminResults.Error(400, $"Unknown platform '{platform}': expected one of {string.Join(", ", SourceRegistry.Platforms)}.");
        if (string.IsNullOrEmpty(name)) return AdminResults.Error(400, "name is required.");
        // Checked for every platform (only those with a saleOn setting store it), as a value saleOn can never take.
        if (saleOn is not null && !SaleOn.IsValid(saleOn)) return AdminResults.Error(400, "saleOn must be \"create\" or \"paid\".");

        var asked = new ConnectionRequest(name, storeCode, hooksToken, webhookSecret, saleOn);
        var prepared = description.Create(asked, new Connection
        {
            Id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)),
            Platform = platform,
            Name = name,
            CreatedAt = store.Now,
            SigningSecret = description.SignsWithOurSecret ? Secrets.NewSigningSecret() : null,
            WebhookSecret = string.IsNullOrEmpty(webhookSecret) ? null : webhookSecret,
            SaleOn = description.SaleOn is null ? null : saleOn ?? description.SaleOn,
        });
        if (prepared.Connection is not { } connection) return AdminResults.Error(400, prepared.Error!);
        var issued = await description.FoundBy.IssueAsync(connection, asked, store, ct);
        if (issued.Conflict is not null) return AdminResults.Error(409, issued.Conflict);
        await store.CreateAsync(connection, ct);
        var root = Root(request, options.Value, hostJson);
        return Results.Json(new Created(connection.Id, connection.Platform, connection.Name, description.DeliveryUrl(root, connection, issued.Token)!)
        {
            SigningSecret = connection.SigningSecret,
            ProductDeliveryUrl = description.ProductDeliveryUrl(root, connection, issued.Token),
        }, statusCode: 201);
    }

    public static async Task<IResult> ListAsync(HttpRequest request, ConnectionStore store, IOptions<ConnectorOptions> options, HostJson hostJson, CancellationToken ct) =>
        Results.Json((await store.ListAsync(ct)).Select(c => ConnectionView.Of(c, DeliveryUrl(request, options.Value, hostJson, c, null))));

    public static async Task<IResult> GetAsync(string id, HttpRequest request, ConnectionStore store, IOptions<ConnectorOptions> options, HostJson hostJson, CancellationToken ct) =>
        await store.GetAsync(id, ct) is { } c ? Results.Json(ConnectionView.Of(c, DeliveryUrl(request, options.Value, hostJson, c, null))) : AdminResults.Error(404, $"No connection '{id}'.");

    /// <summary>Sets the platform's webhook secret (write-only), the name, or Shopify's saleOn.</summary>
    public static async Task<IResult> UpdateAsync(string id, HttpRequest request, ConnectionStore store, IOptions<ConnectorOptions> options, HostJson hostJson, CancellationToken ct)
    {
        if (await store.GetLiveAsync(id, ct) is not { } c) return AdminResults.Error(404, $"No live connection '{id}'.");
        var (doc, error) = await AdminBody.ReadAsync(request, ct);
        if (doc is null) return error!;
        using var _ = doc;
        var o = doc.RootElement;
        if (!AdminBody.TryString(o, "name", out var name, out var err, 200) || !AdminBody.TryString(o, "webhookSecret", out var secret, out err)
            || !AdminBody.TryString(o, "hooksToken", out var hooksToken, out err) || !AdminBody.TryString(o, "saleOn", out var saleOn, out err, 20))
            return AdminResults.Error(400, err!);
        if (saleOn is not null && (SourceRegistry.Find(c.Platform)?.SaleOn is null || !SaleOn.IsValid(saleOn)))
            return AdminResults.Error(400, $"saleOn applies to {string.Join(", ", SourceRegistry.All.Where(d => d.SaleOn is not null).Select(d => d.Platform))} connections and must be \"create\" or \"paid\".");
        // An empty string clears the platform secret; absent leaves it as it is.
        var newSecret = hooksToken ?? secret;
        c = c with
        {
            Name = string.IsNullOrEmpty(name) ? c.Name : name,
            WebhookSecret = newSecret is null ? c.WebhookSecret : newSecret.Length == 0 ? null : newSecret,
            SaleOn = saleOn ?? c.SaleOn,
        };
        await store.SaveAsync(c, ct);
        return Results.Json(ConnectionView.Of(c, DeliveryUrl(request, options.Value, hostJson, c, null)));
    }

    public static async Task<IResult> RevokeAsync(string id, ConnectionStore store, CancellationToken ct)
    {
        if (await store.GetAsync(id, ct) is not { } c) return AdminResults.Error(404, $"No connection '{id}'.");
        if (!c.IsRevoked) await store.SaveAsync(c with { RevokedAt = store.Now }, ct);
        return Results.NoContent();
    }

    /// <summary>New token (and, for custom, a new signing secret); the old ones keep working for RotationGrace.</summary>
    public static async Task<IResult> RotateAsync(string id, HttpRequest request, ConnectionStore store, IOptions<ConnectorOptions> options, HostJson hostJson, CancellationToken ct)
    {
        if (await store.GetLiveAsync(id, ct) is not { } c) return AdminResults.Error(404, $"No live connection '{id}'.");
        if (SourceRegistry.Find(c.Platform) is not { } description) return AdminResults.Error(400, $"No source handles platform '{c.Platform}'.");
        var graceUntil = store.Now + options.Value.RotationGrace;
        var token = await description.FoundBy.RotateAsync(c, store, graceUntil, ct);
        if (description.SignsWithOurSecret)
        {
            c = c with { PreviousSigningSecret = c.SigningSecret, PreviousSigningSecretUntil = graceUntil, SigningSecret = Secrets.NewSigningSecret() };
            await store.SaveAsync(c, ct);
        }
        if (token is null && !description.SignsWithOurSecret)
            return AdminResults.Error(400, $"A {c.Platform} connection has no token or secret of ours to rotate: change the platform's secret with PUT /api/manage/connections/{{id}}.");
        var root = Root(request, options.Value, hostJson);
        return Results.Json(new Created(c.Id, c.Platform, c.Name, description.DeliveryUrl(root, c, token)!)
        {
            SigningSecret = description.SignsWithOurSecret ? c.SigningSecret : null,
            ProductDeliveryUrl = description.ProductDeliveryUrl(root, c, token),
        });
    }

    public static async Task<IResult> ActivityAsync(string id, int? top, ConnectionStore store, ActivityLog activity, CancellationToken ct)
    {
        if (await store.GetAsync(id, ct) is null) return AdminResults.Error(404, $"No connection '{id}'.");
        if (top is < 1 or > 1000) return AdminResults.Error(400, "top must be between 1 and 1000.");
        return Results.Json(await activity.ListAsync(id, top ?? 50, ct));
    }

    /// <summary>Maps an archived delivery (e.g. one logged as unprocessable) again and accepts what it now yields.</summary>
    public static async Task<IResult> ReplayAsync(string id, string key, ConnectionStore store, ActivityLog activity, IEnumerable<Sources.IWebhookSource> sources, Sources.WebhookPipeline pipeline, CancellationToken ct)
    {
        if (await store.GetLiveAsync(id, ct) is not { } c) return AdminResults.Error(404, $"No live connection '{id}'.");
        if (await activity.GetAsync(id, key, ct) is not { } entry) return AdminResults.Error(404, $"No activity entry '{key}' on connection '{id}'.");
        if (string.IsNullOrEmpty(entry.RawBlob)) return AdminResults.Error(400, "This activity entry has no archived body to replay.");
        if (sources.FirstOrDefault(s => s.Platform == c.Platform) is not { } source) return AdminResults.Error(400, $"No source handles platform '{c.Platform}'.");
        return await pipeline.ReplayAsync(c, source, entry, ct);
    }

    /// <summary>The URL to paste into the shop, as the platform's description fills it; token routes only know theirs when it is issued (it is stored hashed).</summary>
    public static string? DeliveryUrl(HttpRequest request, ConnectorOptions options, HostJson hostJson, Connection c, string? token) =>
        SourceRegistry.Find(c.Platform)?.DeliveryUrl(Root(request, options, hostJson), c, token);

    /// <summary>PublicBaseUrl (or the request's own base) and host.json's route prefix, ending in '/'.</summary>
    static string Root(HttpRequest request, ConnectorOptions options, HostJson hostJson) =>
        (options.PublicBase?.AbsoluteUri ?? $"{request.Scheme}://{request.Host}/") + (hostJson.RoutePrefix.Length > 0 ? hostJson.RoutePrefix + "/" : "");
}
