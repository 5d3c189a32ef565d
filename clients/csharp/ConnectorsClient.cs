// Connectors client for custom-coded sites: send orders, edits and refunds, signed, with retries.
// BCL only (.NET 8+: System.Net.Http, System.Security.Cryptography, System.Text.Json). Contract: docs/custom-source.md.
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Connectors.Client;

/// <summary>A sale or edit line: sku, description, quantity, rate (unit price), tax_rate (percent).</summary>
public sealed record OrderLine(string Sku, string Description, decimal Quantity, decimal Rate, decimal TaxRate)
{
    /// <summary>A gift card sold: a liability, no tax, no stock.</summary>
    public bool? GiftCard { get; init; }
}

/// <summary>order.created: a new order, posted as a sales voucher.</summary>
public sealed record Order(string ExternalId, string CustomerName, DateOnly OrderDate, IReadOnlyList<OrderLine> Lines)
{
    /// <summary>Two-digit GST state code of the buyer ("29"; "96" outside India).</summary>
    public string? BuyerStateCode { get; init; }
    /// <summary>ISO 4217 code; must be the books' currency when given.</summary>
    public string? Currency { get; init; }
}

/// <summary>order.updated: the order's full new line set; a note posts for the difference.</summary>
/// <param name="UpdatedAt">When the edit was made: the edit's version (send it, so a late retry of an older edit is stale).</param>
public sealed record OrderUpdate(string ExternalId, DateTimeOffset? UpdatedAt, IReadOnlyList<OrderLine> Lines)
{
    public string? CustomerName { get; init; }
    public string? BuyerStateCode { get; init; }
    public string? Currency { get; init; }
}

/// <summary>A refund line: sku, quantity, rate; description optional.</summary>
public sealed record RefundLine(string Sku, decimal Quantity, decimal Rate)
{
    public string? Description { get; init; }
    /// <summary>May credit more per unit than the unit was sold for.</summary>
    public bool? Compensation { get; init; }
}

/// <summary>order.refunded: a refund of part or all of an order, posted as a credit note.</summary>
public sealed record Refund(string ExternalId, string RefundId, DateOnly RefundDate, IReadOnlyList<RefundLine> Lines)
{
    /// <summary>When the refund was made, to order it against an edit of the same day.</summary>
    public DateTimeOffset? RefundedAt { get; init; }
    public string? Currency { get; init; }
}

/// <summary>A delivery the server took: 2xx, or 409 (already received: a re-send, nothing duplicated).</summary>
/// <param name="Status">accepted, posted, held, stale or duplicate.</param>
/// <param name="Vouchers">The voucher numbers posted (with <see cref="ConnectorsClientOptions.Wait"/>).</param>
public sealed record DeliveryResult(int StatusCode, string? Status, string? EventId, IReadOnlyList<string> Vouchers, string? Error, int Attempts)
{
    public bool Duplicate => StatusCode == 409;
}

/// <summary>The server refused the event (4xx), or every attempt failed (5xx or network error).</summary>
public sealed class ConnectorsException(int? statusCode, string? status, string error, int attempts, Exception? inner = null)
    : Exception($"Connectors did not accept the event ({(statusCode is { } c ? $"HTTP {c} {status}".Trim() : "network error")}) after {attempts} attempt(s): {error}", inner)
{
    /// <summary>The HTTP status; null after network errors only.</summary>
    public int? StatusCode { get; } = statusCode;
    /// <summary>The server's status word: invalid, unauthorized, not_found, failed, unavailable, ...</summary>
    public string? Status { get; } = status;
    /// <summary>The server's explanation (its JSON answer's error).</summary>
    public string Error { get; } = error;
    public int Attempts { get; } = attempts;
}

public sealed class ConnectorsClientOptions
{
    public int MaxAttempts { get; init; } = 5;
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(500);
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>1-10 s: the server answers once the voucher is posted (Prefer: wait=N); null answers on receipt.</summary>
    public int? Wait { get; init; }
}

/// <summary>
/// Sends order.created / order.updated / order.refunded to one connection's Delivery URL. Retries 5xx answers and
/// network errors with exponential back-off and jitter (never 4xx); 409 counts as success.
/// </summary>
public sealed class ConnectorsClient : IDisposable
{
    public const string Version = "1.0.0";
    readonly Uri _url;
    readonly byte[] _secret;
    readonly ConnectorsClientOptions _options;
    readonly HttpClient _http;
    readonly bool _ownsHttp;

    /// <param name="http">An HttpClient to share (its own Timeout should be longer than the options'); null creates one.</param>
    public ConnectorsClient(string webhookUrl, string webhookSecret, ConnectorsClientOptions? options = null, HttpClient? http = null)
    {
        if (string.IsNullOrEmpty(webhookUrl) || string.IsNullOrEmpty(webhookSecret))
            throw new ArgumentException("webhookUrl and webhookSecret are required (both are on the connection's page).");
        _options = options ?? new ConnectorsClientOptions();
        if (_options.MaxAttempts < 1) throw new ArgumentOutOfRangeException(nameof(options), "MaxAttempts must be at least 1.");
        _url = new Uri(webhookUrl);
        _secret = Encoding.UTF8.GetBytes(webhookSecret);
        _ownsHttp = http is null;
        _http = http ?? new HttpClient { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
    }

    public Task<DeliveryResult> SendOrderAsync(Order order, CancellationToken ct = default) =>
        SendAsync("order.created", JsonSerializer.SerializeToUtf8Bytes(order, ClientJson.Default.Order), ct);

    public Task<DeliveryResult> SendUpdateAsync(OrderUpdate update, CancellationToken ct = default) =>
        SendAsync("order.updated", JsonSerializer.SerializeToUtf8Bytes(update, ClientJson.Default.OrderUpdate), ct);

    public Task<DeliveryResult> SendRefundAsync(Refund refund, CancellationToken ct = default) =>
        SendAsync("order.refunded", JsonSerializer.SerializeToUtf8Bytes(refund, ClientJson.Default.Refund), ct);

    /// <summary>Sends one event's exact body bytes, signed over those bytes.</summary>
    public async Task<DeliveryResult> SendAsync(string eventName, byte[] body, CancellationToken ct = default)
    {
        var signature = Convert.ToHexString(HMACSHA256.HashData(_secret, body)).ToLowerInvariant();
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, _url) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Add("X-Connectors-Event", eventName);
            request.Headers.Add("X-Connectors-Signature", signature);
            request.Headers.UserAgent.ParseAdd("connectors-client-dotnet/" + Version);
            if (_options.Wait is { } wait) request.Headers.Add("Prefer", $"wait={wait}");
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(_options.Timeout);
            int code;
            Answer answer;
            try
            {
                using var response = await _http.SendAsync(request, timeout.Token).ConfigureAwait(false);
                code = (int)response.StatusCode;
                answer = Read(await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false));
            }
            catch (Exception e) when (e is HttpRequestException or IOException || (e is OperationCanceledException && !ct.IsCancellationRequested))
            {
                // Refused, reset, timed out: nothing is known to have arrived, and a re-send is safe (409 if it had).
                if (attempt >= _options.MaxAttempts) throw new ConnectorsException(null, null, e.Message, attempt, e);
                await Task.Delay(Delay(attempt), ct).ConfigureAwait(false);
                continue;
            }
            if (code is >= 200 and < 300 or 409)
                return new DeliveryResult(code, answer.Status, answer.EventId, answer.Vouchers ?? [], answer.Error, attempt);
            if (code < 500 || attempt >= _options.MaxAttempts)
                throw new ConnectorsException(code, answer.Status, answer.Error ?? "(no error in the answer)", attempt);
            await Task.Delay(Delay(attempt), ct).ConfigureAwait(false);
        }
    }

    /// <summary>Exponential back-off with jitter: base * 2^(n-1), capped, then a random half to full of it.</summary>
    TimeSpan Delay(int attempt)
    {
        var ceiling = Math.Min(_options.MaxDelay.TotalMilliseconds, _options.BaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1));
        return TimeSpan.FromMilliseconds(ceiling * (0.5 + Random.Shared.NextDouble() / 2));
    }

    static Answer Read(byte[] data)
    {
        if (data.Length == 0) return new Answer();
        try { return JsonSerializer.Deserialize(data, ClientJson.Default.Answer) ?? new Answer(); }
        catch (JsonException) { return new Answer { Error = Encoding.UTF8.GetString(data, 0, Math.Min(data.Length, 200)) }; }
    }

    public void Dispose()
    {
        if (_ownsHttp) _http.Dispose();
    }
}

/// <summary>The server's JSON answer: {"status", "eventId"?, "error"?, "vouchers"?}.</summary>
sealed class Answer
{
    [JsonPropertyName("status")] public string? Status { get; init; }
    [JsonPropertyName("eventId")] public string? EventId { get; init; }
    [JsonPropertyName("error")] public string? Error { get; init; }
    [JsonPropertyName("vouchers")] public List<string>? Vouchers { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(Order))]
[JsonSerializable(typeof(OrderUpdate))]
[JsonSerializable(typeof(Refund))]
[JsonSerializable(typeof(Answer))]
sealed partial class ClientJson : JsonSerializerContext;
