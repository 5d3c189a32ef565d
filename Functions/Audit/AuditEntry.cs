namespace Connectors.Audit;

/// <summary>
/// One admin action: when, what (AuditActions), on what (a connection id, "id/externalSku", an item SKU, "id/activityKey"),
/// by which admin credential (a key's name, never the key) and a detail that names no secret.
/// </summary>
public sealed record AuditEntry(string Key, DateTimeOffset At, string Action, string Target, string Credential, string? Detail);

/// <summary>The action words of the audit log.</summary>
public static class AuditActions
{
    public const string ConnectionCreate = "connection.create";
    public const string ConnectionRename = "connection.rename";
    public const string ConnectionWebhookSecret = "connection.webhook-secret";
    public const string ConnectionSaleOn = "connection.sale-on";
    public const string ConnectionRotate = "connection.rotate";
    public const string ConnectionRevoke = "connection.revoke";
    public const string ConnectionTestEvent = "connection.test-event";
    public const string SkuMapSet = "sku-map.set";
    public const string ItemPut = "item.put";
    public const string ActivityReplay = "activity.replay";
    public const string PoisonReplay = "poison.replay";
}

/// <summary>GET /api/manage/audit's answer: newest first; <c>next</c> is the <c>after</c> of the following page (null: no more).</summary>
public sealed record AuditPage(IReadOnlyList<AuditEntry> Entries, string? Next);
