using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Connectors.Activity;
using Connectors.Books;
using Connectors.Connections;
using Connectors.Hosting;
using Connectors.Sources.Custom;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Connectors.Admin;

/// <summary>
/// POST /api/manage/connections/{id}/test-event: a synthetic order, signed with the connection's own secret, sent over
/// HTTP to the connection's own delivery route (the path a real order takes); it posts in the TEST series.
/// </summary>
public static class TestEvent
{
    public sealed record Sent(int HttpStatus, long Ms, string ExternalId, string? Answer);

    public static async Task<IResult> SendAsync(string id, HttpRequest request, ConnectionStore connections, IHttpClientFactory http, HostJson hostJson,
        IOptions<BooksOptions> books, CancellationToken ct)
    {
        if (await connections.GetLiveAsync(id, ct) is not { } connection) return AdminResults.Error(404, $"No live connection '{id}'.");
        var eventName = "order.created";
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            var (doc, error) = await AdminBody.ReadAsync(request, ct);
            if (doc is null) return error!;
            using var _ = doc;
            if (!AdminBody.TryString(doc.RootElement, "event", out var given, out var err, 50)) return AdminResults.Error(400, err!);
            eventName = given ?? eventName;
        }
        if (eventName != "order.created") return AdminResults.Error(400, $"Test event '{eventName}' is not supported: send \"order.created\".");
        if (connection.Platform != Platform.Custom || string.IsNullOrEmpty(connection.SigningSecret))
            return AdminResults.Error(400, $"Test events are not supported for this platform yet ({connection.Platform}).");

        var externalId = CustomSource.TestPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5));
        var state = books.Value.HomeState is { Length: 2 } s && s.All(char.IsAsciiDigit) ? s : null;
        var body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object?>
        {
            ["external_id"] = externalId,
            ["customer_name"] = "Test customer",
            ["order_date"] = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["buyer_state_code"] = state,
            ["lines"] = new[] { new Dictionary<string, object> { ["sku"] = "TEST-ITEM", ["description"] = "Test item", ["quantity"] = 1, ["rate"] = 100, ["tax_rate"] = 18 } },
        });
        var prefix = hostJson.RoutePrefix.Length > 0 ? "/" + hostJson.RoutePrefix : "";
        var url = $"{request.Scheme}://{request.Host}{request.PathBase}{prefix}/{Routes.Custom.Replace("{connectionId}", Uri.EscapeDataString(connection.Id))}";
        using var message = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        message.Content.Headers.ContentType = new("application/json");
        message.Headers.Add(CustomSource.EventHeader, eventName);
        message.Headers.Add(CustomSource.SignatureHeader, Convert.ToHexStringLower(Secrets.HmacSha256(connection.SigningSecret, body)));
        var watch = Stopwatch.StartNew();
        using var response = await http.CreateClient(nameof(TestEvent)).SendAsync(message, ct);
        var answer = await response.Content.ReadAsStringAsync(ct);
        watch.Stop();
        return Results.Json(new Sent((int)response.StatusCode, watch.ElapsedMilliseconds, externalId, Clip.To(answer, 2000)));
    }
}
