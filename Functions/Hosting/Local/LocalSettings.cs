using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.CommandLine;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Memory;

namespace Connectors.Hosting;

/// <summary>
/// Reads Functions/local.settings.json "Values" the way func does: each value becomes a setting,
/// "__" in a name stands for the ":" of a configuration section. Environment variables and the command line win, as with func.
/// </summary>
public static class LocalSettings
{
    /// <summary>
    /// The setting (environment or command line) naming the file to read instead of searching for one, or "none" to read
    /// none: the tests and the benchmark start the shipped host with "none", so a developer's file cannot change their runs.
    /// </summary>
    public const string Setting = "LocalSettings";

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

    /// <summary>The file to read: the one the setting names, none for "none", else the first found in the working folder, its Functions/ subfolder or next to the app.</summary>
    public static string? Locate(string? setting = null)
    {
        if (string.Equals(setting?.Trim(), "none", StringComparison.OrdinalIgnoreCase)) return null;
        if (!string.IsNullOrWhiteSpace(setting))
            return File.Exists(setting) ? Path.GetFullPath(setting) : throw new FileNotFoundException($"The {Setting} setting names '{Path.GetFullPath(setting)}', which does not exist (give a local.settings.json path, or none).", setting);
        foreach (var dir in new[] { Directory.GetCurrentDirectory(), Path.Combine(Directory.GetCurrentDirectory(), "Functions"), AppContext.BaseDirectory })
        {
            var p = Path.Combine(dir, "local.settings.json");
            if (File.Exists(p)) return Path.GetFullPath(p);
        }
        return null;
    }

    /// <summary>
    /// Adds the file's values beneath the environment variables (and so beneath the command line after them): func sets a
    /// local.settings.json value only where the environment has none, and a scenario's own storage and admin key must win.
    /// </summary>
    public static void AddBeneathEnvironment(IConfigurationBuilder configuration, string path)
    {
        var source = new MemoryConfigurationSource { InitialData = Load(path) };
        var sources = configuration.Sources;
        var list = sources.ToList();
        var beneath = list.FindIndex(s => s is EnvironmentVariablesConfigurationSource { Prefix: null or "" });
        if (beneath < 0) beneath = list.FindIndex(s => s is CommandLineConfigurationSource);
        sources.Insert(beneath < 0 ? sources.Count : beneath, source);
    }
}
