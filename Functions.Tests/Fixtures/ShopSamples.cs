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
}
