using System.Collections.Frozen;
using System.IO.Compression;
using System.Reflection;
using System.Security.Cryptography;

// Not Connectors.Console: that namespace would hide System.Console from every Connectors.* file.
namespace Connectors.AdminConsole;

/// <summary>
/// The admin page's static files and the custom-site SDKs, embedded in the assembly at build time (Functions.csproj:
/// Console/Static/** as "console/...", ../clients/** as "sdk/..."), so the page is the same under the local host,
/// func start and Azure, with nothing to deploy beside the worker.
/// </summary>
public static class ConsoleFiles
{
    const string StaticPrefix = "console/";
    const string SdkPrefix = "sdk/";

    public sealed record File(string Name, byte[] Bytes, string ContentType, string ETag);

    static readonly Lazy<FrozenDictionary<string, File>> Static = new(() => Load(StaticPrefix));
    static readonly Lazy<FrozenDictionary<string, File>> Sdk = new(() => Load(SdkPrefix));
    static readonly Lazy<FrozenDictionary<string, byte[]>> Zips = new(() =>
        Sdk.Value.Values.GroupBy(f => f.Name.Split('/')[0], StringComparer.Ordinal).ToFrozenDictionary(g => g.Key, g => Zip(g.Key, g), StringComparer.Ordinal));

    /// <summary>A static file of the page by its path under /console/ ("app.js", "screens/books.js"), or null.</summary>
    public static File? Get(string path) => Static.Value.GetValueOrDefault(path);

    /// <summary>Every static file's path under /console/.</summary>
    public static IEnumerable<string> Names => Static.Value.Keys;

    /// <summary>The SDK languages bundled in this build (the folders of clients/ that existed when it was built).</summary>
    public static IReadOnlyCollection<string> SdkLanguages => Zips.Value.Keys;

    /// <summary>clients/{language}/ as a zip (entries under "connectors-{language}/"), or null when it was not bundled.</summary>
    public static byte[]? SdkZip(string language) => Zips.Value.GetValueOrDefault(language);

    /// <summary>The files a language's zip holds, by path inside clients/{language}/.</summary>
    public static IReadOnlyDictionary<string, byte[]> SdkFiles(string language) =>
        Sdk.Value.Values.Where(f => f.Name.StartsWith(language + "/", StringComparison.Ordinal)).ToDictionary(f => f.Name[(language.Length + 1)..], f => f.Bytes);

    static FrozenDictionary<string, File> Load(string prefix)
    {
        var assembly = typeof(ConsoleFiles).Assembly;
        var files = new Dictionary<string, File>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            // RecursiveDir gives '\' on Windows builds.
            var name = resource.Replace('\\', '/');
            if (!name.StartsWith(prefix, StringComparison.Ordinal)) continue;
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var bytes = buffer.ToArray();
            var relative = name[prefix.Length..];
            files[relative] = new File(relative, bytes, ContentType(relative), "\"" + Convert.ToHexStringLower(SHA256.HashData(bytes)[..12]) + "\"");
        }
        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }

    static byte[] Zip(string language, IEnumerable<File> files)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var f in files.OrderBy(f => f.Name, StringComparer.Ordinal))
            {
                // A fixed time stamp: the same build always serves the same bytes.
                var entry = zip.CreateEntry($"connectors-{language}/{f.Name[(language.Length + 1)..]}", CompressionLevel.Optimal);
                entry.LastWriteTime = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
                using var s = entry.Open();
                s.Write(f.Bytes);
            }
        }
        return buffer.ToArray();
    }

    public static string ContentType(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" or ".mjs" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        ".json" => "application/json; charset=utf-8",
        ".ico" => "image/x-icon",
        _ => "application/octet-stream",
    };
}
