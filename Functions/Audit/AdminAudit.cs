using System.Text.Json;
using Connectors.Admin;
using Connectors.Connections;
using Connectors.Hosting;
using Connectors.Posting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Connectors.Audit;

/// <summary>
/// Turns a successful admin request into audit entries: which route (method and Routes template), its route values, the
/// JSON body it was sent and the answer. Both hosts call it after the handler (AuditFilter locally, the worker's
/// AdminAuditMiddleware in Azure), so the handlers stay as they are. Secrets and tokens in bodies and answers are never
/// copied: a webhook secret is "set" or "cleared", a created connection is its id, platform and name.
/// </summary>
public sealed partial class AdminAudit(AuditLog log, ILogger<AdminAudit> logger)
{
    public const int MaxBody = 64 * 1024;

    /// <summary>Whether the route changes something the audit log records.</summary>
    public static bool IsAudited(string method, string template) => (method.ToUpperInvariant(), template) switch
    {
        ("POST", Routes.AdminConnections) or ("PUT", Routes.AdminConnection) or ("DELETE", Routes.AdminConnection) or ("POST", Routes.AdminConnectionRotate)
            or ("POST", Routes.AdminConnectionTestEvent) or ("PUT", Routes.AdminConnectionSkuMap) or ("PUT", Routes.AdminItem)
            or ("POST", Routes.AdminConnectionActivityReplay) or ("POST", Routes.AdminPoisonReplay) => true,
        _ => false,
    };

    /// <summary>Records what the request did when it succeeded (2xx); a failed write is logged, the answer stands (the action happened).</summary>
    public async Task RecordAsync(HttpContext http, string template, Func<string, string?> routeValue, IResult result, CancellationToken ct)
    {
        var status = result is IStatusCodeHttpResult { StatusCode: { } code } ? code : 200;
        var method = http.Request.Method.ToUpperInvariant();
        if (status is < 200 or >= 300 || !IsAudited(method, template)) return;
        var value = (result as IValueHttpResult)?.Value;
        var credential = AdminCredentials.Of(http);
        string Route(string name) => Uri.UnescapeDataString(routeValue(name) ?? "");
        using var body = await BodyAsync(http.Request, ct);
        var o = body?.RootElement;
        var entries = new List<(string Action, string Target, string? Detail)>();
        switch (method, template)
        {
            case ("POST", Routes.AdminConnections) when value is ConnectionAdmin.Created c:
                entries.Add((AuditActions.ConnectionCreate, c.Id, $"{c.Platform} '{c.Name}'"));
                break;
            case ("PUT", Routes.AdminConnection):
                if (Text(o, "name") is { Length: > 0 } name) entries.Add((AuditActions.ConnectionRename, Route("id"), $"renamed '{name}'"));
                if ((Text(o, "hooksToken") ?? Text(o, "webhookSecret")) is { } secret) entries.Add((AuditActions.ConnectionWebhookSecret, Route("id"), secret.Length == 0 ? "cleared" : "set"));
                if (Text(o, "saleOn") is { } saleOn) entries.Add((AuditActions.ConnectionSaleOn, Route("id"), "saleOn " + saleOn));
                break;
            case ("DELETE", Routes.AdminConnection):
                entries.Add((AuditActions.ConnectionRevoke, Route("id"), null));
                break;
            case ("POST", Routes.AdminConnectionRotate):
                entries.Add((AuditActions.ConnectionRotate, Route("id"), "new token or signing secret; the old one works for RotationGrace"));
                break;
            case ("POST", Routes.AdminConnectionTestEvent):
                entries.Add((AuditActions.ConnectionTestEvent, Route("id"), value is TestEvent.Sent t ? TestEventDetail(t) : null));
                break;
            case ("PUT", Routes.AdminConnectionSkuMap):
                entries.Add((AuditActions.SkuMapSet, Route("id") + "/" + Route("externalSku"), Text(o, "itemSku") is { } item ? "maps to item " + item : null));
                break;
            case ("PUT", Routes.AdminItem):
                entries.Add((AuditActions.ItemPut, Route("sku"), ItemDetail(o)));
                break;
            case ("POST", Routes.AdminConnectionActivityReplay):
                entries.Add((AuditActions.ActivityReplay, Route("id") + "/" + Route("key"), value is Sources.DeliveryAnswer a ? "answer " + a.Status : null));
                break;
            case ("POST", Routes.AdminPoisonReplay):
                entries.Add((AuditActions.PoisonReplay, Hosting.QueueNames.EventsPoison, value is PoisonAdmin.Replayed r ? $"moved {r.Moved} message(s)" : null));
                break;
        }
        foreach (var (action, target, detail) in entries)
        {
            try { await log.RecordAsync(action, target, credential, detail, CancellationToken.None); }
            catch (Exception e) { LogNotRecorded(logger, e, action, target); }
        }
    }

    /// <summary>The request's JSON body, read again (the host buffered it), or null.</summary>
    static async Task<JsonDocument?> BodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (!request.Body.CanSeek || request.Body.Length is 0 or > MaxBody) return null;
        request.Body.Position = 0;
        try { return await JsonDocument.ParseAsync(request.Body, new JsonDocumentOptions { MaxDepth = 16 }, ct); }
        catch (JsonException) { return null; }
    }

    static string? Text(JsonElement? o, string name) =>
        o is { ValueKind: JsonValueKind.Object } e && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()!.Trim() : null;

    /// <summary>"order.refunded of order TEST-…, answered 200, vouchers TCN/26-27/000001": the entry ties to what it posted.</summary>
    static string TestEventDetail(TestEvent.Sent t) =>
        (t.Event == TestEvent.Created ? "" : t.Event + " of ") + $"order {t.ExternalId}, answered {t.HttpStatus}"
        + (t.Vouchers() is { Count: > 0 } v ? ", vouchers " + string.Join(", ", v) : "");

    static string? ItemDetail(JsonElement? o)
    {
        var parts = new List<string>();
        if (Text(o, "name") is { Length: > 0 } name) parts.Add($"name '{name}'");
        if (o is { ValueKind: JsonValueKind.Object } e && e.TryGetProperty("stock", out var s) && s.ValueKind == JsonValueKind.Number) parts.Add("stock " + s.GetRawText());
        return parts.Count == 0 ? null : string.Join(", ", parts);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Admin action {Action} on {Target} succeeded but could not be written to the audit log")]
    static partial void LogNotRecorded(ILogger logger, Exception e, string action, string target);
}
