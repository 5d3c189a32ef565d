using System.Text.Json;

namespace Connectors.Hosting;

/// <summary>
/// Reads Functions/local.settings.json "Values" the way func does: each value becomes a setting,
/// "__" in a name stands for the ":" of a configuration section. Environment variables win, as with func.
/// </summary>
public static class LocalSettings
{
    public static IReadOnlyDictionary<string, string?> Load(string path)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (!File.Exists(path)) return values;
        using var doc = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        if (!doc.RootElement.TryGetProperty("Values", out var v) || v.ValueKind != JsonValueKind.Object) return values;
        foreach (var p in v.EnumerateObject())
            values[p.Name.Replace("__", ":")] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText();
        return values;
    }

    public static string? Locate()
    {
        foreach (var dir in new[] { Directory.GetCurrentDirectory(), Path.Combine(Directory.GetCurrentDirectory(), "Functions"), AppContext.BaseDirectory })
        {
            var p = Path.Combine(dir, "local.settings.json");
            if (File.Exists(p)) return Path.GetFullPath(p);
        }
        return null;
    }
}
