using System.Globalization;
using System.Text;
using Connectors.Admin;
using Connectors.Books;
using Connectors.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Connectors.AdminConsole;

/// <summary>
/// GET /api/console/...: the admin page (anonymous: it holds no data; every call it makes goes to the admin routes with
/// the key the user types) and the SDK zips. Strict CSP: only this origin's scripts and styles, nothing inline.
/// </summary>
public static class ConsolePage
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static RouteGroupBuilder MapConsole(this RouteGroupBuilder api)
    {
        api.MapGet(Routes.Console, Serve);
        api.MapGet(Routes.ConsoleFile, Serve);
        return api;
    }

    public static IResult Serve(string? path, HttpContext context, IOptions<BooksOptions> books, IOptions<ConnectorOptions> options)
    {
        var response = context.Response;
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.XFrameOptions = "DENY";
        response.Headers["Referrer-Policy"] = "no-referrer";
        path ??= "";
        // /api/console without the slash: relative URLs in the page would resolve one level up.
        if (path.Length == 0 && !context.Request.Path.Value!.EndsWith('/'))
            return Results.Redirect(context.Request.PathBase + context.Request.Path + "/" + context.Request.QueryString);
        if (path.Length == 0) path = "index.html";

        if (path.StartsWith("sdk/", StringComparison.Ordinal) && path.EndsWith(".zip", StringComparison.Ordinal))
        {
            var language = path[4..^4];
            if (ConsoleFiles.SdkZip(language) is not { } zip)
                return AdminResults.Error(404, $"No SDK '{language}' in this build: bundled are {(ConsoleFiles.SdkLanguages.Count == 0 ? "none (clients/ was empty at build time)" : string.Join(", ", ConsoleFiles.SdkLanguages.Order()))}.");
            response.Headers.CacheControl = "no-cache";
            return Results.File(zip, "application/zip", $"connectors-{language}.zip");
        }

        if (ConsoleFiles.Get(path) is not { } file) return AdminResults.Error(404, $"No console file '{path}'.");
        response.Headers.CacheControl = "no-cache";
        if (path == "index.html") return Results.Bytes(Index(file.Bytes, books.Value, options.Value), file.ContentType);
        response.Headers.ETag = file.ETag;
        if (context.Request.Headers.IfNoneMatch == file.ETag) return Results.StatusCode(304);
        return Results.Bytes(file.Bytes, file.ContentType);
    }

    /// <summary>The page learns the books' currency and the rotation grace from its own HTML, not from another API.</summary>
    static byte[] Index(byte[] template, BooksOptions books, ConnectorOptions options) =>
        Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(template)
            .Replace("__BOOKS_CURRENCY__", books.Currency.Trim().ToUpperInvariant(), StringComparison.Ordinal)
            .Replace("__ROTATION_GRACE_SECONDS__", ((long)options.RotationGrace.TotalSeconds).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
}
