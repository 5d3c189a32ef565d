using System.Security.Cryptography;
using System.Text.Json;
using Azure;
using Connectors.Activity;
using Connectors.Admin;
using Connectors.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Connectors.Connections;

/// <summary>The admin routes of connections: create (secrets shown once), list, read, update, rotate, revoke, activity.</summary>
public static class ConnectionAdmin
{
    public sealed record Created(string Id, string Platform, string Name, string DeliveryUrl)
    {
        public string? ProductDeliveryUrl { get; init; }
        public string? SigningSecret { get; init; }
    }

    public static RouteGroupBuilder MapConnectionAdmin(this RouteGroupBuilder admin)
    {
        admin.MapPost(Routes.AdminConnections, CreateAsync);
        admin.MapGet(Routes.AdminConnections, ListAsync);
        admin.MapGet(Routes.AdminConnection, GetAsync);
        admin.MapPut(Routes.AdminConnection, UpdateAsync);
        admin.MapDelete(Routes.AdminConnection, RevokeAsync);
        admin.MapPost(Routes.AdminConnectionRotate, RotateAsync);
        admin.MapGet(Routes.AdminConnectionActivity, ActivityAsync);
        admin.MapPost(Routes.AdminConnectionActivityReplay, ReplayAsync);
        return admin;
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
        if (string.IsNullOrEmpty(platform)) return AdminResults.Error(400, $"platform is required: one of {string.Join(", ", Platform.All)}.");
        platform = platform.ToLowerInvariant();
        if (!Platform.IsKnown(platform)) return AdminResults.Error(400, $"Unknown platform '{platform}': expected one of {string.Join(", ", Platform.All)}.");
        if (string.IsNullOrEmpty(name)) return AdminResults.Error(400, "name is required.");
        if (saleOn is not null && saleOn is not ("create" or "paid")) return AdminResults.Error(400, "saleOn must be \"create\" or \"paid\".");
        if (platform == Platform.Jumpseller)
        {
            if (string.IsNullOrEmpty(storeCode)) return AdminResults.Error(400, "storeCode is required for a jumpseller connection (the Jumpseller-Store-Code your store sends).");
            if (string.IsNullOrEmpty(hooksToken)) return AdminResults.Error(400, "hooksToken is required for a jumpseller connection (Admin Panel > Config > Notifications > Webhooks).");
            webhookSecret = hooksToken;
        }

        var connection = new Connection
        {
            Id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)),
            Platform = platform,
            Name = name,
            CreatedAt = store.Now,
            SigningSecret = platform == Platform.Custom ? Secrets.NewSigningSecret() : null,
            WebhookSecret = string.IsNullOrEmpty(webhookSecret) ? null : webhookSecret,
            StoreCode = platform == Platform.Jumpseller ? storeCode!.ToLowerInvariant() : null,
            SaleOn = platform == Platform.Shopify ? saleOn ?? "create" : null,
        };
        if (platform == Platform.Jumpseller && !await store.TryClaimStoreCodeAsync(storeCode!, connection.Id, ct))
            return AdminResults.Error(409, $"Store code '{storeCode}' already belongs to a live connection.");
        string? token = null;
        if (Platform.UsesUrlToken(platform))
        {
            token = Secrets.NewUrlToken();
            await store.AddTokenAsync(connection.Id, token, ct);
        }
        await store.CreateAsync(connection, ct);
        var url = DeliveryUrl(request, options.Value, hostJson, connection, token);
        return Results.Json(new Created(connection.Id, connection.Platform, connection.Name, url!)
        {
            SigningSecret = connection.SigningSecret,
            ProductDeliveryUrl = platform == Platform.WooCommerce ? url + "/producto" : null,
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
        if (saleOn is not null && (c.Platform != Platform.Shopify || saleOn is not ("create" or "paid")))
            return AdminResults.Error(400, "saleOn applies to shopify connections and must be \"create\" or \"paid\".");
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
        var graceUntil = store.Now + options.Value.RotationGrace;
        string? token = null;
        if (Platform.UsesUrlToken(c.Platform))
        {
            await store.ExpireTokensAsync(c.Id, graceUntil, ct);
            token = Secrets.NewUrlToken();
            await store.AddTokenAsync(c.Id, token, ct);
        }
        if (c.Platform == Platform.Custom)
        {
            c = c with { PreviousSigningSecret = c.SigningSecret, PreviousSigningSecretUntil = graceUntil, SigningSecret = Secrets.NewSigningSecret() };
            await store.SaveAsync(c, ct);
        }
        if (token is null && c.Platform != Platform.Custom)
            return AdminResults.Error(400, $"A {c.Platform} connection has no token or secret of ours to rotate: change the platform's secret with PUT /api/manage/connections/{{id}}.");
        var url = DeliveryUrl(request, options.Value, hostJson, c, token);
        return Results.Json(new Created(c.Id, c.Platform, c.Name, url!)
        {
            SigningSecret = c.Platform == Platform.Custom ? c.SigningSecret : null,
            ProductDeliveryUrl = c.Platform == Platform.WooCommerce ? url + "/producto" : null,
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

    /// <summary>The URL to paste into the shop; token routes only know theirs when it is issued (it is stored hashed).</summary>
    public static string? DeliveryUrl(HttpRequest request, ConnectorOptions options, HostJson hostJson, Connection c, string? token)
    {
        var root = (options.PublicBase?.AbsoluteUri ?? $"{request.Scheme}://{request.Host}/") + (hostJson.RoutePrefix.Length > 0 ? hostJson.RoutePrefix + "/" : "");
        return c.Platform switch
        {
            Platform.Custom => root + Routes.Custom.Replace("{connectionId}", c.Id),
            Platform.Bookto => root + Routes.Bookto.Replace("{connectionId}", c.Id),
            Platform.Jumpseller => root + Routes.Jumpseller,
            _ when token is not null => root + c.Platform + "/" + token,
            _ => null,
        };
    }
}
