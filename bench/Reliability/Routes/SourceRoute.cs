using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using HostRoutes = Connectors.Hosting.Routes;

namespace Connectors.Reliability.Routes;

/// <summary>
/// What a scenario needs to know about one source route: how to create its connection, where to send, how the platform
/// signs, which header names the event. SourceRoutes.All is the table; a route that is not mapped on the host is skipped.
/// </summary>
public sealed record SourceRoute
{
    public required string Name { get; init; }
    public required string Platform { get; init; }
    /// <summary>The Routes constant, for the record.</summary>
    public required string Template { get; init; }
    /// <summary>Strict (custom): 400 for a bad payload; otherwise 200 "unprocessable" once authenticated.</summary>
    public bool Strict { get; init; }
    /// <summary>The header naming the event; null when the body names it (Selldone).</summary>
    public string? EventHeader { get; init; }
    /// <summary>An event name this route posts, for bodies that should get as far as the mapper.</summary>
    public required string PostedEvent { get; init; }
    /// <summary>True when the route has a signature to get wrong (Selldone's URL token is its only credential).</summary>
    public bool Signed { get; init; } = true;
    /// <summary>Whether a new connection needs a platform webhook secret of ours (webhookSecret / hooksToken).</summary>
    public bool NeedsWebhookSecret { get; init; }
    public bool NeedsStoreCode { get; init; }
    public Func<CreatedConnection, string> PathOf { get; init; } = c => c.Path;
    /// <summary>A path that names no connection (random id or token).</summary>
    public required Func<Random, string> UnknownPath { get; init; }
    /// <summary>Headers that find the connection (Jumpseller's store code).</summary>
    public Func<CreatedConnection, IEnumerable<(string, string)>> Locator { get; init; } = _ => [];
    /// <summary>The headers that sign this body for this connection.</summary>
    public Func<CreatedConnection, byte[], IEnumerable<(string, string)>> Sign { get; init; } = (_, _) => [];
    /// <summary>A body that names an event the route does not post (for routes whose event is in the body).</summary>
    public Func<string, byte[]> UnknownEventBody { get; init; } = _ => "{}"u8.ToArray();

    public IEnumerable<(string, string)> EventHeaders(string eventName) => EventHeader is null ? [] : [(EventHeader, eventName)];
}

/// <summary>The table of source routes. Adding a source is one entry here.</summary>
public static class SourceRoutes
{
    public static readonly IReadOnlyList<SourceRoute> All =
    [
        new()
        {
            Name = "custom", Platform = "custom", Template = HostRoutes.Custom, Strict = true, EventHeader = "X-Connectors-Event", PostedEvent = "order.created",
            UnknownPath = r => "/api/custom/" + RandomId(r),
            Sign = (c, body) => [("X-Connectors-Signature", Hex(c.SigningSecret!, body))],
        },
        new()
        {
            Name = "shopify", Platform = "shopify", Template = HostRoutes.Shopify, EventHeader = "X-Shopify-Topic", PostedEvent = "orders/create", NeedsWebhookSecret = true,
            UnknownPath = r => "/api/shopify/" + RandomToken(r),
            Sign = (c, body) => [("X-Shopify-Hmac-Sha256", Base64(c.WebhookSecret!, body))],
        },
        new()
        {
            Name = "woocommerce", Platform = "woocommerce", Template = HostRoutes.WooCommerce, EventHeader = "X-WC-Webhook-Topic", PostedEvent = "order.created", NeedsWebhookSecret = true,
            UnknownPath = r => "/api/woocommerce/" + RandomToken(r),
            Sign = (c, body) => [("X-WC-Webhook-Signature", Base64(c.WebhookSecret!, body))],
        },
        new()
        {
            Name = "woocommerce/producto", Platform = "woocommerce", Template = HostRoutes.WooCommerceProducto, EventHeader = "X-WC-Webhook-Topic", PostedEvent = "product.updated", NeedsWebhookSecret = true,
            PathOf = c => c.Path.TrimEnd('/') + "/producto",
            UnknownPath = r => "/api/woocommerce/" + RandomToken(r) + "/producto",
            Sign = (c, body) => [("X-WC-Webhook-Signature", Base64(c.WebhookSecret!, body))],
        },
        new()
        {
            Name = "jumpseller", Platform = "jumpseller", Template = HostRoutes.Jumpseller, EventHeader = "Jumpseller-Event", PostedEvent = "order_paid", NeedsWebhookSecret = true, NeedsStoreCode = true,
            // Jumpseller's route is shared: the store code header finds the connection, so "unknown" is a store code no one claimed.
            UnknownPath = _ => "/api/jumpseller",
            Locator = c => [("Jumpseller-Store-Code", c.StoreCode!)],
            Sign = (c, body) => [("Jumpseller-Hmac-Sha256", Base64(c.WebhookSecret!, body))],
        },
        new()
        {
            Name = "selldone", Platform = "selldone", Template = HostRoutes.Selldone, PostedEvent = "OnlineOrder", Signed = false,
            UnknownPath = r => "/api/selldone/" + RandomToken(r),
            UnknownEventBody = name => Encoding.UTF8.GetBytes("{\"event\":\"" + name + "\",\"action\":\"PaymentOrder\",\"basket\":{}}"),
        },
        new()
        {
            Name = "bookto", Platform = "bookto", Template = HostRoutes.Bookto, EventHeader = "X-Bookto-Event", PostedEvent = "order.paid", NeedsWebhookSecret = true,
            UnknownPath = r => "/api/bookto/" + RandomId(r),
            Sign = (c, body) => BooktoSignature(c.WebhookSecret!, body, DateTimeOffset.UtcNow),
        },
    ];

    public static string Hex(string key, byte[] body) => Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), body));
    public static string Base64(string key, byte[] body) => Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), body));

    /// <summary>bookto: "sha256=" + hex HMAC of "&lt;timestamp&gt;.&lt;body&gt;".</summary>
    public static IEnumerable<(string, string)> BooktoSignature(string secret, byte[] body, DateTimeOffset at)
    {
        var ts = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var message = Encoding.ASCII.GetBytes(ts + ".").Concat(body).ToArray();
        return [("X-Bookto-Timestamp", ts), ("X-Bookto-Signature", "sha256=" + Hex(secret, message))];
    }

    static string RandomId(Random r) => Convert.ToHexStringLower(RandomBytes(r, 8));
    static string RandomToken(Random r) => Convert.ToBase64String(RandomBytes(r, 20)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    static byte[] RandomBytes(Random r, int n) { var b = new byte[n]; r.NextBytes(b); return b; }
}
