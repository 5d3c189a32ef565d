using System.Text;
using Connectors.Reliability.Malformed;

namespace Connectors.Reliability.Routes;

/// <summary>
/// Bad requests for every admin route: no or wrong key, wrong method, unknown ids, bad query values, bad bodies.
/// Each entry of the table is one route with the bad bodies only it can get wrong; the posting routes join when mapped.
/// </summary>
public sealed class AdminRoutes(string adminKey, string existingConnectionId, bool posting)
{
    sealed record Route(string Name, HttpMethod Method, Func<Random, string> Path, Func<Random, (string Kind, string Json, string Mentions)>? BadFields, bool Body, bool PostingOnly = false);

    static readonly string TooLong = new('N', 300);

    IReadOnlyList<Route> Table => _table ??= Build().Where(t => posting || !t.PostingOnly).ToList();
    IReadOnlyList<Route>? _table;

    IEnumerable<Route> Build() =>
    [
        new("POST connections", HttpMethod.Post, _ => "/api/manage/connections", r => Pick(r,
            ("{\"platform\": 5, \"name\": \"x\"}", "platform"), ("{\"platform\": \"custom\", \"name\": [\"x\"]}", "name"),
            ("{\"platform\": \"NaN\", \"name\": \"Infinity\"}", "platform"), ("{\"platform\": \"custom\"}", "name"),
            ("{\"platform\": 1e400, \"name\": \"x\"}", "platform"), ("{\"platform\": \"shopify\", \"name\": \"x\", \"saleOn\": \"later\"}", "saleOn"),
            ("{\"platform\": \"jumpseller\", \"name\": \"x\"}", "storeCode"), ("{\"platform\": \"custom\", \"name\": \"x\\u0001\"}", "name"),
            ($"{{\"platform\": \"custom\", \"name\": \"{TooLong}\"}}", "name"), ("{\"name\": \"x\"}", "platform"), ("{\"platform\": -1, \"name\": -1}", "platform")), Body: true),
        new("PUT connection", HttpMethod.Put, _ => $"/api/manage/connections/{existingConnectionId}", r => Pick(r,
            ("{\"name\": 5}", "name"), ("{\"saleOn\": \"paid\"}", "saleOn"), ("{\"webhookSecret\": 12}", "webhookSecret"),
            ("{\"hooksToken\": []}", "hooksToken"), ($"{{\"name\": \"{TooLong}\"}}", "name"), ("{\"name\": \"Infinity\", \"saleOn\": \"NaN\"}", "saleOn")), Body: true),
        new("GET unknown connection", HttpMethod.Get, r => $"/api/manage/connections/{Unknown(r)}", null, Body: false),
        new("PUT unknown connection", HttpMethod.Put, r => $"/api/manage/connections/{Unknown(r)}", null, Body: false),
        new("DELETE unknown connection", HttpMethod.Delete, r => $"/api/manage/connections/{Unknown(r)}", null, Body: false),
        new("POST rotate unknown", HttpMethod.Post, r => $"/api/manage/connections/{Unknown(r)}/rotate", null, Body: false),
        new("GET activity unknown", HttpMethod.Get, r => $"/api/manage/connections/{Unknown(r)}/activity", null, Body: false),
        new("GET activity bad top", HttpMethod.Get, r => $"/api/manage/connections/{existingConnectionId}/activity?top=" + Pick(r, "0", "-1", "1001", "abc", "1e3", "NaN", "99999999999"), null, Body: false),
        new("POST replay unknown", HttpMethod.Post, r => $"/api/manage/connections/{Unknown(r)}/activity/{r.Next()}/replay", null, Body: false),
        new("POST replay unknown entry", HttpMethod.Post, r => $"/api/manage/connections/{existingConnectionId}/activity/{Unknown(r)}/replay", null, Body: false),
        new("PUT item", HttpMethod.Put, r => "/api/manage/items/ITEM-" + r.Next(1000), r => Pick(r,
            ("{\"stock\": \"abc\"}", "stock"), ("{\"stock\": \"NaN\"}", "stock"), ("{\"stock\": 1e400}", "stock"), ("{\"stock\": true}", "stock"),
            ("{\"name\": 5}", "name"), ("{\"stock\": \"Infinity\"}", "stock"), ($"{{\"name\": \"{TooLong}\"}}", "name")), Body: true, PostingOnly: true),
        new("PUT item long sku", HttpMethod.Put, _ => "/api/manage/items/" + new string('S', 101), null, Body: false, PostingOnly: true),
        new("GET vouchers no query", HttpMethod.Get, r => Pick(r, "/api/manage/vouchers", "/api/manage/vouchers?connection=x", "/api/manage/vouchers?order=1"), null, Body: false, PostingOnly: true),
        new("GET voucher bad number", HttpMethod.Get, r => "/api/manage/vouchers/" + Pick(r, "garbage", "SV", "SV%2F26-27", "SV%2F99-99%2Fabc"), null, Body: false, PostingOnly: true),
        new("PUT sku-map", HttpMethod.Put, r => $"/api/manage/connections/{existingConnectionId}/sku-map/EXT-{r.Next(1000)}", r => Pick(r,
            ("{\"itemSku\": 5}", "itemSku"), ("{}", "itemSku"), ($"{{\"itemSku\": \"NOPE-{r.Next(100000)}\"}}", "item")), Body: true, PostingOnly: true),
        new("PUT sku-map unknown", HttpMethod.Put, r => $"/api/manage/connections/{Unknown(r)}/sku-map/EXT-1", null, Body: false, PostingOnly: true),
        new("GET unmapped unknown", HttpMethod.Get, r => $"/api/manage/connections/{Unknown(r)}/unmapped", null, Body: false, PostingOnly: true),
        new("GET trial-balance bad flag", HttpMethod.Get, r => "/api/manage/trial-balance?includeTest=" + Pick(r, "maybe", "2", "NaN"), null, Body: false, PostingOnly: true),
    ];

    static string Unknown(Random r) => Convert.ToHexStringLower(BitConverter.GetBytes(r.NextInt64())) + Pick(r, "", "'", "%27", "%23", "%2F", "%E2%98%83", "%25");
    static T Pick<T>(Random r, params T[] options) => options[r.Next(options.Length)];

    /// <summary>Wrong methods on admin routes (the routing answers 405).</summary>
    static readonly (HttpMethod Method, string Path)[] WrongMethods =
    [
        (HttpMethod.Patch, "/api/manage/connections"), (HttpMethod.Delete, "/api/manage/connections"), (HttpMethod.Get, "/api/manage/poison/replay"),
        (HttpMethod.Post, "/api/manage/connections/abc/activity"), (HttpMethod.Patch, "/api/manage/connections/abc"), (HttpMethod.Get, "/api/manage/connections/abc/rotate"),
    ];

    public MalformedRequest Next(Random r)
    {
        var route = Table[r.Next(Table.Count)];
        var path = route.Path(r);
        List<(string, string)> headers = [("x-functions-key", adminKey)];
        switch (r.Next(10))
        {
            case 0:
                // No admin key, or a wrong one (a prefix of the right one, a guess): 401, and the answer says nothing more.
                List<(string, string)> wrong = r.Next(3) switch { 0 => [], 1 => [("x-functions-key", adminKey[..^1])], _ => [("x-functions-key", Guid.NewGuid().ToString("N"))] };
                // Query values bind before the key is checked (a binding error would answer first): the bare path here.
                return new("admin-key", route.Name, route.Method, path.Split('?')[0], "{}"u8.ToArray(), "application/json", wrong, Transport.Sized, new([401], "unauthorized", "admin key", null));
            case 1:
            {
                var (method, wrongPath) = WrongMethods[r.Next(WrongMethods.Length)];
                return new("admin-wrong-method", wrongPath, method, wrongPath, "{}"u8.ToArray(), "application/json", headers, Transport.Sized, new([405], null, "not allowed", null));
            }
        }
        if (!route.Body)
        {
            // Routes without a body: the id, query value or number is what is wrong.
            var status = route.Name.Contains("unknown", StringComparison.Ordinal) ? 404 : 400;
            var mentions = route.Name switch
            {
                "POST replay unknown entry" => "activity entry",
                var n when n.Contains("unknown", StringComparison.Ordinal) => "connection",
                "GET activity bad top" => "top",
                "GET vouchers no query" => "connection",
                "GET voucher bad number" => "voucher number",
                "GET trial-balance bad flag" => "includeTest",
                _ => "sku",
            };
            return new("admin-bad-value", route.Name, route.Method, path, ReadOnlyMemory<byte>.Empty, null, headers, Transport.Sized, new([status], null, mentions, null));
        }
        switch (r.Next(8))
        {
            case 0: return Body("admin-over-limit", route, path, headers, BadBodies.Oversized.AsMemory(0, 64 * 1024 + 1 + r.Next(10_000)), "application/json", new([413], null, "larger", null));
            case 1: return Body("admin-wrong-content-type", route, path, headers, "{}"u8.ToArray(), Pick(r, "text/plain", "application/xml", "application/x-www-form-urlencoded"), new([415], null, "Content-Type", null));
            case 2: return Body("admin-empty", route, path, headers, ReadOnlyMemory<byte>.Empty, "application/json", new([400], null, "required", null));
            case 3 or 4:
            {
                var (kind, body, mentions) = BadBodies.Generic(r, Encoding.UTF8.GetBytes("{\"platform\":\"custom\",\"name\":\"x\"}"));
                // "{}" is a valid empty update on some routes: only structurally broken bodies here.
                if (kind == "empty-object" || kind == "unreadable-number") (kind, body, mentions) = ("nesting-10000", Encoding.ASCII.GetBytes(new string('[', 10_000) + new string(']', 10_000)), null);
                return Body("admin-" + kind, route, path, headers, body, "application/json", new([400], null, mentions ?? "JSON", null));
            }
            default:
            {
                var (json, mentions) = route.BadFields!(r) switch { var x => (x.Json, x.Mentions) };
                return Body("admin-bad-field", route, path, headers, Encoding.UTF8.GetBytes(json), "application/json", new([400, 404], null, mentions, null));
            }
        }
    }

    static MalformedRequest Body(string kind, Route route, string path, List<(string, string)> headers, ReadOnlyMemory<byte> body, string? contentType, Expectation expect) =>
        new(kind, route.Name, route.Method, path, body, contentType, headers, Transport.Sized, expect);

    static (string Kind, string Json, string Mentions) Pick(Random r, params (string Json, string Mentions)[] options)
    {
        var (json, mentions) = options[r.Next(options.Length)];
        return ("field", json, mentions);
    }
}
