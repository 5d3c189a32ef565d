namespace Connectors.Connections;

/// <summary>
/// A shop wired to the books. Holds the secrets that authenticate its deliveries; none of them is ever
/// returned by a GET or logged (see ConnectionView).
/// </summary>
public sealed record Connection
{
    public required string Id { get; init; }
    public required string Platform { get; init; }
    public required string Name { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? RevokedAt { get; init; }

    /// <summary>Custom connections: the secret we generated and the shop signs with.</summary>
    public string? SigningSecret { get; init; }
    /// <summary>After a rotation the previous signing secret keeps working until this time.</summary>
    public string? PreviousSigningSecret { get; init; }
    public DateTimeOffset? PreviousSigningSecretUntil { get; init; }

    /// <summary>The platform's own webhook secret (Shopify/WooCommerce signing secret, Jumpseller hooks token, bookto signing secret).</summary>
    public string? WebhookSecret { get; init; }
    /// <summary>Jumpseller: the store code sent in Jumpseller-Store-Code.</summary>
    public string? StoreCode { get; init; }
    /// <summary>Shopify: which topic creates the sale, "create" (orders/create) or "paid" (orders/paid).</summary>
    public string? SaleOn { get; init; }

    public bool IsRevoked => RevokedAt is not null;

    /// <summary>The signing secrets a delivery may be signed with right now (current, and the previous one during its grace period).</summary>
    public IEnumerable<string> SigningSecretsAt(DateTimeOffset now)
    {
        if (!string.IsNullOrEmpty(SigningSecret)) yield return SigningSecret;
        if (!string.IsNullOrEmpty(PreviousSigningSecret) && PreviousSigningSecretUntil > now) yield return PreviousSigningSecret;
    }
}

/// <summary>What admin GETs return: no secret, only whether one is set.</summary>
public sealed record ConnectionView(string Id, string Platform, string Name, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt,
    bool HasWebhookSecret, string? StoreCode, string? SaleOn, string? DeliveryUrl)
{
    public static ConnectionView Of(Connection c, string? deliveryUrl) =>
        new(c.Id, c.Platform, c.Name, c.CreatedAt, c.RevokedAt, !string.IsNullOrEmpty(c.WebhookSecret), c.StoreCode, c.SaleOn, deliveryUrl);
}
