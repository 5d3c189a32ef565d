using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Connectors.Activity;
using Connectors.Books;
using Connectors.Connections;
using Connectors.Hosting;
using Connectors.Sources;
using Connectors.Sources.Custom;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Connectors.Admin;

/// <summary>
/// POST /api/manage/connections/{id}/test-event {"event", "externalId"?}: a synthetic event, signed with the connection's
/// own secret, sent over HTTP to the connection's own delivery route (the path a real order takes); it posts in the TEST
/// series. order.created sends a new test order; order.updated (one more unit: a debit note) and order.refunded (one unit
/// back: a credit note) act on an earlier test order of this connection, named by externalId.
/// </summary>
public static class TestEvent
{
    public const string Created = "order.created";
    public const string Updated = "order.updated";
    public const string Refunded = "order.refunded";
    const string Sku = "TEST-ITEM";
    const string RefundPrefix = CustomSource.TestPrefix + "R-";
    const decimal Rate = 100m, TaxRate = 18m;

    public sealed record Sent(int HttpStatus, long Ms, string ExternalId, string? Answer)
    {
        public string Event { get; init; } = Created;

        /// <summary>The voucher numbers the delivery's answer names (none if it did not post or is not JSON): for the audit entry.</summary>
        public IReadOnlyList<string> Vouchers()
        {
            try { return JsonSerializer.Deserialize(Answer ?? "", SourceJson.Default.DeliveryAnswer)?.Vouchers ?? []; }
            catch (JsonException) { return []; }
        }
    }

    public static async Task<IResult> SendAsync(string id, HttpRequest request, ConnectionStore connections, OrderStore orders, IHttpClientFactory http, HostJson hostJson,
        IOptions<BooksOptions> books, CancellationToken ct)
    {
        if (await connections.GetLiveAsync(id, ct) is not { } connection) return AdminResults.Error(404, $"No live connection '{id}'.");
        var eventName = Created;
        string? externalId = null;
        // No body (the first version of this route) is order.created, as is {"event":"order.created"}.
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            var (doc, error) = await AdminBody.ReadAsync(request, ct);
            if (doc is null) return error!;
            using var _ = doc;
            if (!AdminBody.TryString(doc.RootElement, "event", out var given, out var err, 50)) return AdminResults.Error(400, err!);
            if (!AdminBody.TryString(doc.RootElement, "externalId", out externalId, out err, 100)) return AdminResults.Error(400, err!);
            eventName = string.IsNullOrEmpty(given) ? eventName : given;
            if (externalId is { Length: 0 }) externalId = null;
        }
        if (eventName is not (Created or Updated or Refunded))
            return AdminResults.Error(400, $"Test event '{eventName}' is not supported: send \"{Created}\", \"{Updated}\" or \"{Refunded}\".");
        if (connection.Platform != Platform.Custom || string.IsNullOrEmpty(connection.SigningSecret))
            return AdminResults.Error(400, $"Test events are not supported for this platform yet ({connection.Platform}).");

        Dictionary<string, object?> payload;
        var now = DateTimeOffset.UtcNow;
        var today = now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        if (eventName == Created)
        {
            if (externalId is not null)
                return AdminResults.Error(400, $"externalId is only for {Updated} and {Refunded}: {Created} sends a new test order of its own.");
            externalId = CustomSource.TestPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5));
            var state = books.Value.HomeState is { Length: 2 } s && s.All(char.IsAsciiDigit) ? s : null;
            payload = new()
            {
                ["external_id"] = externalId,
                ["customer_name"] = "Test customer",
                ["order_date"] = today,
                ["buyer_state_code"] = state,
                ["lines"] = new[] { Line(1, withTax: true) },
            };
        }
        else
        {
            if (externalId is null)
                return AdminResults.Error(400, $"externalId is required for {eventName}: the external id (TEST-...) of a test order this connection sent with {Created}. Send {Created} first.");
            if (!externalId.StartsWith(CustomSource.TestPrefix, StringComparison.OrdinalIgnoreCase))
                return AdminResults.Error(400, $"externalId '{externalId}' is not a test order: test events act only on orders whose id starts with {CustomSource.TestPrefix}, never on real ones.");
            var (order, _) = await orders.GetAsync(connection.Id, externalId, ct);
            if (order is null || !order.IsTest)
                return AdminResults.Error(400, $"externalId '{externalId}' is not a test order of connection '{connection.Id}': send {Created} first and use the externalId it answers.");
            if (!order.SalePosted || order.Pending is not null || order.Held.Count > 0)
                return AdminResults.Error(409, $"Test order '{externalId}' is still posting (its last test event is not done yet): wait until Recent activity shows it posted, then send again.");
            // An edit replaces the order's whole line set: only the card's own one-line orders can be edited by it safely.
            if (order.Lines.Keys.Any(k => k != Sku))
                return AdminResults.Error(400, $"Test order '{externalId}' was not sent by this card (it has lines other than {Sku}): test follow-ups act only on orders sent with {Created} here.");
            var billed = order.Lines.TryGetValue(Sku, out var line) ? line.Quantity : 0m;
            if (eventName == Updated)
                // One unit more than the order bills now (net of refunds, as the contract asks): a debit note for one unit.
                payload = new()
                {
                    ["external_id"] = externalId,
                    ["updated_at"] = Timestamp(now),
                    ["lines"] = new[] { Line(billed + 1, withTax: true) },
                };
            else if (billed < 1)
                return AdminResults.Error(400, $"Test order '{externalId}' has no unit left to refund ({billed.ToString(CultureInfo.InvariantCulture)} billed): send {Updated} first, or a new {Created}.");
            else
                payload = new()
                {
                    ["external_id"] = externalId,
                    // From the order's facts, not random: a repeat of the same refund (a retry, a second tab) is a duplicate, not a second refund.
                    ["refund_id"] = RefundPrefix + (order.Facts.Refunds.Count + 1).ToString(CultureInfo.InvariantCulture),
                    ["refund_date"] = today,
                    ["refunded_at"] = Timestamp(now),
                    ["lines"] = new[] { Line(1, withTax: false) },
                };
        }

        var body = JsonSerializer.SerializeToUtf8Bytes(payload);
        var prefix = hostJson.RoutePrefix.Length > 0 ? "/" + hostJson.RoutePrefix : "";
        var url = $"{request.Scheme}://{request.Host}{request.PathBase}{prefix}/{Routes.Custom.Replace("{connectionId}", Uri.EscapeDataString(connection.Id))}";
        using var message = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        message.Content.Headers.ContentType = new("application/json");
        message.Headers.Add(CustomSource.EventHeader, eventName);
        message.Headers.Add(CustomSource.SignatureHeader, Convert.ToHexStringLower(Secrets.HmacSha256(connection.SigningSecret, body)));
        // Waits for posting (at most 10 s), so the answer says posted with its voucher, and a follow-up finds the order.
        message.Headers.Add(PostingWait.Header, $"wait={PostingWait.Max.TotalSeconds:0}");
        var watch = Stopwatch.StartNew();
        using var response = await http.CreateClient(nameof(TestEvent)).SendAsync(message, ct);
        var answer = await response.Content.ReadAsStringAsync(ct);
        watch.Stop();
        return Results.Json(new Sent((int)response.StatusCode, watch.ElapsedMilliseconds, externalId, Clip.To(answer, 2000)) { Event = eventName });
    }

    static string Timestamp(DateTimeOffset at) => at.ToString("yyyy-MM-dd'T'HH:mm:ss.fffK", CultureInfo.InvariantCulture);

    static Dictionary<string, object> Line(decimal quantity, bool withTax)
    {
        var line = new Dictionary<string, object> { ["sku"] = Sku, ["description"] = "Test item", ["quantity"] = quantity, ["rate"] = Rate };
        if (withTax) line["tax_rate"] = TaxRate;
        return line;
    }
}
