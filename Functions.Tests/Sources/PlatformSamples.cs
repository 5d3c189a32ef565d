using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Connectors.Sources;

namespace Connectors.Tests.Sources;

/// <summary>The sample payloads under samples/ (copied next to the tests), and small edits of them for the edge cases.</summary>
public static class PlatformSamples
{
    public static byte[] Bytes(string platform, string file) => File.ReadAllBytes(System.IO.Path.Combine(AppContext.BaseDirectory, "samples", platform, file));

    public static string Text(string platform, string file) => Encoding.UTF8.GetString(Bytes(platform, file));

    /// <summary>The sample with one edit applied to its JSON (e.g. a new order id so a test has its own order).</summary>
    public static string Edit(string platform, string file, Action<JsonNode> edit)
    {
        var node = JsonNode.Parse(Text(platform, file))!;
        edit(node);
        return node.ToJsonString();
    }

    /// <summary>Reads a source route's answer: HTTP status and the "status" word.</summary>
    public static async Task<(int Http, string Status, JsonElement Body)> AnswerAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        var json = JsonDocument.Parse(text).RootElement.Clone();
        return ((int)response.StatusCode, json.GetProperty("status").GetString()!, json);
    }

    public static SourceMapping.Events Events(SourceMapping mapping) =>
        mapping as SourceMapping.Events ?? throw new Xunit.Sdk.XunitException($"Expected events, got {mapping}");
}
