using System.Net.Http.Json;
using System.Text.Json;

namespace Connectors.Reliability;

/// <summary>A connection as the admin API created it: the secret and token are only ever in this answer.</summary>
public sealed record CreatedConnection(string Id, string Platform, string DeliveryUrl, string? SigningSecret, string? WebhookSecret, string? StoreCode)
{
    public string Path => new Uri(DeliveryUrl).PathAndQuery;
    /// <summary>The URL token of shopify/woocommerce/selldone connections.</summary>
    public string? Token => Platform is "shopify" or "woocommerce" or "selldone" ? Path.TrimEnd('/').Split('/')[^1] : null;
}

/// <summary>The admin routes the scenarios use, with the JSON shapes of Functions/Admin/Connections/ConnectionAdmin.cs and Functions/Admin/Books/BooksAdmin.cs.</summary>
public sealed class AdminApi(HttpClient http, string adminKey)
{
    public const string KeyHeader = "x-functions-key";

    public HttpRequestMessage Request(HttpMethod method, string path, object? body = null)
    {
        var r = new HttpRequestMessage(method, path);
        r.Headers.Add(KeyHeader, adminKey);
        if (body is not null) r.Content = JsonContent.Create(body);
        return r;
    }

    public async Task<(int Status, JsonElement Body)> SendAsync(HttpMethod method, string path, object? body = null, CancellationToken ct = default)
    {
        using var response = await http.SendAsync(Request(method, path, body), ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        return ((int)response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    public async Task<JsonElement> JsonAsync(HttpMethod method, string path, object? body = null, int expect = 200, CancellationToken ct = default)
    {
        var (status, json) = await SendAsync(method, path, body, ct);
        if (status != expect) throw new ScenarioException($"{method} {path}: expected {expect}, got {status}: {json}");
        return json;
    }

    public async Task<CreatedConnection> CreateConnectionAsync(string platform, string? webhookSecret = null, string? storeCode = null, string? name = null)
    {
        var body = new Dictionary<string, object?> { ["platform"] = platform, ["name"] = name ?? $"{platform} reliability shop" };
        if (platform == "jumpseller") { body["storeCode"] = storeCode; body["hooksToken"] = webhookSecret; }
        else if (webhookSecret is not null) body["webhookSecret"] = webhookSecret;
        var json = await JsonAsync(HttpMethod.Post, "/api/manage/connections", body, 201);
        return new CreatedConnection(json.GetProperty("id").GetString()!, platform, json.GetProperty("deliveryUrl").GetString()!,
            json.TryGetProperty("signingSecret", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null, webhookSecret, storeCode);
    }

    public async Task<IReadOnlyList<JsonElement>> ActivityAsync(string connectionId, int top = 1000) =>
        (await JsonAsync(HttpMethod.Get, $"/api/manage/connections/{Uri.EscapeDataString(connectionId)}/activity?top={top}")).EnumerateArray().ToList();

    /// <summary>The vouchers of one order (posting engine); empty when the order is unknown.</summary>
    public async Task<IReadOnlyList<JsonElement>> VouchersAsync(string connectionId, string externalId)
    {
        var (status, json) = await SendAsync(HttpMethod.Get, $"/api/manage/vouchers?connection={Uri.EscapeDataString(connectionId)}&order={Uri.EscapeDataString(externalId)}");
        if (status == 404) return [];
        if (status != 200) throw new ScenarioException($"GET vouchers of {externalId}: {status} {json}");
        return json.EnumerateArray().ToList();
    }

    public async Task<int> SaleCountAsync(string connectionId, string externalId) =>
        (await VouchersAsync(connectionId, externalId)).Count(v => v.GetProperty("type").GetString() == "sales");

    public Task PutItemAsync(string sku, decimal stock) => JsonAsync(HttpMethod.Put, $"/api/manage/items/{Uri.EscapeDataString(sku)}", new { name = "Item " + sku, stock });

    public async Task<decimal> StockAsync(string sku) =>
        (await JsonAsync(HttpMethod.Get, $"/api/manage/items/{Uri.EscapeDataString(sku)}")).GetProperty("stock").GetDecimal();

    /// <summary>How many vouchers the books hold (test series included), or null when the posting routes are not there.</summary>
    public async Task<int?> VoucherCountAsync()
    {
        var (status, json) = await SendAsync(HttpMethod.Get, "/api/manage/trial-balance?includeTest=true");
        return status == 200 ? json.GetProperty("vouchers").GetInt32() : null;
    }

    /// <summary>Whether the posting engine's admin routes are mapped on this host.</summary>
    public async Task<bool> HasPostingAsync() => await VoucherCountAsync() is not null;

    public async Task<int> ReplayPoisonAsync() => (await JsonAsync(HttpMethod.Post, "/api/manage/poison/replay")).GetProperty("moved").GetInt32();

    /// <summary>The health request: the host answers and storage works.</summary>
    public async Task<bool> HealthyAsync()
    {
        try { return (await SendAsync(HttpMethod.Get, "/api/manage/connections")).Status == 200; }
        catch (HttpRequestException) { return false; }
        catch (TaskCanceledException) { return false; }
    }
}

/// <summary>A scenario could not run as designed (setup failed); distinct from a finding, which goes in the result.</summary>
public sealed class ScenarioException(string message) : Exception(message);
