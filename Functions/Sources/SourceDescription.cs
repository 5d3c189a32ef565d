using Connectors.Connections;

namespace Connectors.Sources;

/// <summary>
/// Everything the hosts and the admin know about one platform besides how its deliveries are read (IWebhookSource):
/// the routes it serves, how a delivery finds its connection, the delivery URLs the admin shows, and what creating a
/// connection needs. Each platform's folder holds its own (Sources/&lt;Platform&gt;/&lt;Platform&gt;Platform.cs);
/// SourceRegistry lists them.
/// </summary>
/// <param name="Platform">The wire name: the connection's platform and the first segment of its routes.</param>
/// <param name="Source">The IWebhookSource type that reads its deliveries (registered as a singleton).</param>
public sealed record SourceDescription(string Platform, Type Source)
{
    /// <summary>Every route the platform's deliveries arrive on; the first is the delivery URL the admin shows.</summary>
    public required IReadOnlyList<DeliveryRoute> Routes { get; init; }
    /// <summary>A second URL the admin shows as productDeliveryUrl (WooCommerce's product webhooks), or null.</summary>
    public string? ProductRoute { get; init; }
    public required ConnectionKey FoundBy { get; init; }
    /// <summary>Deliveries are signed with a secret we generate (shown at creation and rotation), not the platform's own.</summary>
    public bool SignsWithOurSecret { get; init; }
    /// <summary>The saleOn a new connection gets when the request names none; null: the platform has no saleOn setting.</summary>
    public string? SaleOn { get; init; }
    /// <summary>What creating a connection needs beyond a name: the connection to store, or the 400 naming what is missing.</summary>
    public Func<ConnectionRequest, Connection, Prepared> Create { get; init; } = static (_, c) => Prepared.Ok(c);

    /// <summary>The delivery URL (under root, which ends in '/') of a connection; null for token routes unless the token was just issued.</summary>
    public string? DeliveryUrl(string root, Connection connection, string? token) =>
        FoundBy.Fill(Routes[0].Template, connection, token) is { } path ? root + path : null;

    public string? ProductDeliveryUrl(string root, Connection connection, string? token) =>
        ProductRoute is not null && FoundBy.Fill(ProductRoute, connection, token) is { } path ? root + path : null;
}

/// <summary>One route of a source (a template without the host.json route prefix) and its HTTP method.</summary>
public sealed record DeliveryRoute(string Template, string Method = "POST");

/// <summary>What a request to create a connection says, type-checked by the admin (the names are its JSON fields).</summary>
public sealed record ConnectionRequest(string Name, string? StoreCode, string? HooksToken, string? WebhookSecret, string? SaleOn);

/// <summary>A platform's creation rule's outcome: the connection to store, or the error (400) naming what is missing.</summary>
public sealed record Prepared(Connection? Connection, string? Error)
{
    public static Prepared Ok(Connection connection) => new(connection, null);
    public static Prepared Refused(string error) => new(null, error);
}
