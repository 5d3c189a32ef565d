using System.Text;
using System.Text.Json.Nodes;
using Connectors.Connections;
using Microsoft.AspNetCore.Http;

namespace Connectors.Tests.Fixtures;

/// <summary>The sample deliveries under samples/ (copied next to the tests), and helpers to map them without a host.</summary>
public static class ShopSamples
{
    public static string PathOf(string platform, string file) => Path.Combine(AppContext.BaseDirectory, "samples", platform, file);

    public static byte[] Bytes(string platform, string file) => File.ReadAllBytes(PathOf(platform, file));

    /// <summary>A sample with some fields changed (JSON paths as property chains), for the edge cases the samples do not show.</summary>
    public static byte[] Edited(string platform, string file, Action<JsonObject> edit)
    {
        var node = JsonNode.Parse(Bytes(platform, file))!.AsObject();
        edit(node);
        return Encoding.UTF8.GetBytes(node.ToJsonString());
    }

    public static Connection Connection(string platform, string? secret = null, string? saleOn = null) =>
        new() { Id = "c1", Platform = platform, Name = "test", WebhookSecret = secret, SaleOn = saleOn };

    public static HeaderDictionary Headers(params (string Name, string Value)[] headers)
    {
        var h = new HeaderDictionary();
        foreach (var (name, value) in headers) h[name] = value;
        return h;
    }

    /// <summary>A delivery as Shopify sends it: topic, webhook id, and (with a secret) X-Shopify-Hmac-Sha256 over the raw bytes.</summary>
    public static HttpRequestMessage Shopify(string path, string topic, byte[] body, string? secret = null, string? webhookId = null)
    {
        var headers = new List<(string, string)> { ("X-Shopify-Topic", topic), ("X-Shopify-Webhook-Id", webhookId ?? Guid.NewGuid().ToString()), ("X-Shopify-Shop-Domain", "example.myshopify.com"), ("X-Shopify-API-Version", "2025-01") };
        if (secret is not null) headers.Add(("X-Shopify-Hmac-Sha256", SignedRequests.Base64Hmac(secret, body)));
        return SignedRequests.Json(path, body, [.. headers]);
    }

    /// <summary>A delivery as WooCommerce sends it: topic (unless null), delivery id, and (with a secret) X-WC-Webhook-Signature.</summary>
    public static HttpRequestMessage Woo(string path, string? topic, byte[] body, string? secret = null, string? deliveryId = null)
    {
        var headers = new List<(string, string)> { ("X-WC-Webhook-Delivery-ID", deliveryId ?? Guid.NewGuid().ToString("N")), ("X-WC-Webhook-ID", "17"), ("User-Agent", "WooCommerce/9.0 Hookshot (WordPress/6.5)") };
        if (topic is not null) headers.Add(("X-WC-Webhook-Topic", topic));
        if (secret is not null) headers.Add(("X-WC-Webhook-Signature", SignedRequests.Base64Hmac(secret, body)));
        return SignedRequests.Json(path, body, [.. headers]);
    }
}
