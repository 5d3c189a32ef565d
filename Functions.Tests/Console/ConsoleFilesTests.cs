using System.IO.Compression;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Connectors.AdminConsole;
using Connectors.Tests.Fixtures;

// Not Connectors.Tests.Console: that namespace would hide System.Console from every Connectors.Tests.* file.
namespace Connectors.Tests.AdminConsole;

/// <summary>The admin page's files over HTTP through the real host: headers, content types, CSP, no inline code, SDK zips.</summary>
public sealed partial class ConsoleFilesTests(HostFixture host) : IClassFixture<HostFixture>
{
    [Fact]
    public async Task The_page_is_served_with_a_strict_policy_and_the_books_settings()
    {
        using var redirect = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(host.BaseUrl) };
        using (var r = await redirect.GetAsync("/api/console"))
        {
            Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
            Assert.Equal("/api/console/", r.Headers.Location!.OriginalString);
        }

        using var index = await host.Http.GetAsync("/api/console/");
        Assert.Equal(HttpStatusCode.OK, index.StatusCode);
        Assert.Equal("text/html", index.Content.Headers.ContentType!.MediaType);
        var csp = string.Join(";", index.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'self'", csp);
        Assert.Contains("script-src 'self'", csp);
        Assert.Contains("style-src 'self'", csp);
        Assert.DoesNotContain("unsafe", csp);
        Assert.Equal("nosniff", index.Headers.GetValues("X-Content-Type-Options").Single());
        var html = await index.Content.ReadAsStringAsync();
        Assert.Contains("content=\"INR\"", html); // Books__Currency's default
        Assert.Contains("content=\"86400\"", html); // RotationGrace 24 h
        Assert.DoesNotContain("__", html);

        foreach (var (path, type) in new[] { ("app.js", "text/javascript"), ("app.css", "text/css"), ("screens/connection.js", "text/javascript") })
        {
            using var r = await host.Http.GetAsync("/api/console/" + path);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal(type, r.Content.Headers.ContentType!.MediaType);
            Assert.Equal("nosniff", r.Headers.GetValues("X-Content-Type-Options").Single());
            var etag = r.Headers.ETag!;
            using var again = new HttpRequestMessage(HttpMethod.Get, "/api/console/" + path);
            again.Headers.IfNoneMatch.Add(etag);
            using var cached = await host.Http.SendAsync(again);
            Assert.Equal(HttpStatusCode.NotModified, cached.StatusCode);
        }
    }

    [Fact]
    public async Task An_unknown_file_is_a_JSON_404()
    {
        foreach (var path in new[] { "nope.js", "../manage/connections", "screens/../../host.json" })
        {
            using var r = await host.Http.GetAsync("/api/console/" + path);
            if (r.RequestMessage!.RequestUri!.AbsolutePath.StartsWith("/api/console/", StringComparison.Ordinal))
            {
                Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
                Assert.Equal("application/json", r.Content.Headers.ContentType!.MediaType);
                var body = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;
                Assert.Equal("not_found", body.GetProperty("status").GetString());
                Assert.Contains("console file", body.GetProperty("error").GetString());
            }
            else Assert.NotEqual(HttpStatusCode.OK, r.StatusCode); // the client normalised the dots away: an admin route without a key
        }
    }

    [Fact]
    public void No_file_has_inline_code_or_loads_anything_from_elsewhere()
    {
        var names = ConsoleFiles.Names.ToList();
        Assert.Contains("index.html", names);
        Assert.Contains("app.js", names);
        Assert.Contains("app.css", names);
        foreach (var name in names)
        {
            var text = System.Text.Encoding.UTF8.GetString(ConsoleFiles.Get(name)!.Bytes);
            Assert.False(ExternalUrl().IsMatch(text), $"{name} names an external URL: {ExternalUrl().Match(text).Value}");
            if (!name.EndsWith(".html", StringComparison.Ordinal)) continue;
            Assert.False(InlineScript().IsMatch(text), $"{name} has an inline <script>.");
            Assert.False(InlineHandlerOrStyle().IsMatch(text), $"{name} has an inline handler or style: {InlineHandlerOrStyle().Match(text).Value}");
        }
    }

    [Fact]
    public async Task Each_SDK_zip_holds_exactly_its_clients_folder()
    {
        foreach (var language in new[] { "python", "php", "node", "csharp" })
        {
            var folder = Path.Combine(Repository.Root, "clients", language);
            var expected = Directory.Exists(folder)
                ? Directory.GetFiles(folder, "*", SearchOption.AllDirectories)
                    .Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/'))
                    .Where(f => !Regex.IsMatch(f, @"(^|/)(bin|obj|__pycache__|node_modules|vendor)/") && !f.EndsWith(".pyc", StringComparison.Ordinal))
                    .ToDictionary(f => f, f => File.ReadAllBytes(Path.Combine(folder, f)))
                : [];
            using var r = await host.Http.GetAsync($"/api/console/sdk/{language}.zip");
            if (expected.Count == 0)
            {
                Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
                Assert.Contains($"No SDK '{language}'", await r.Content.ReadAsStringAsync());
                continue;
            }
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal("application/zip", r.Content.Headers.ContentType!.MediaType);
            Assert.Equal($"connectors-{language}.zip", r.Content.Headers.ContentDisposition!.FileName?.Trim('"'));
            using var zip = new ZipArchive(new MemoryStream(await r.Content.ReadAsByteArrayAsync()));
            var entries = zip.Entries.ToDictionary(e => e.FullName, e => { using var s = e.Open(); using var m = new MemoryStream(); s.CopyTo(m); return m.ToArray(); });
            Assert.Equal(expected.Keys.Select(k => $"connectors-{language}/{k}").Order(), entries.Keys.Order());
            foreach (var (k, bytes) in expected) Assert.Equal(bytes, entries[$"connectors-{language}/{k}"]);
        }
    }

    [GeneratedRegex(@"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}/", RegexOptions.IgnoreCase)]
    private static partial Regex ExternalUrl();

    [GeneratedRegex(@"<script(?![^>]*\bsrc=)[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();

    [GeneratedRegex(@"<[^>]+\s(on[a-z]+|style)\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex InlineHandlerOrStyle();
}
