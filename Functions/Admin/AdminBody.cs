using System.Text.Json;
using Connectors.Http;
using Microsoft.AspNetCore.Http;

namespace Connectors.Admin;

/// <summary>Reads a small JSON object from an admin request, with errors that say what is wrong.</summary>
public static class AdminBody
{
    const int MaxBytes = 64 * 1024;

    public static async Task<(JsonDocument? Doc, IResult? Error)> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        if (await BoundedBody.ReadAsync(request, MaxBytes, ct) is not { } body) return (null, AdminResults.Error(413, $"The body is larger than {MaxBytes} bytes."));
        if (request.ContentType is { } type && !type.Split(';')[0].Trim().Equals("application/json", StringComparison.OrdinalIgnoreCase))
            return (null, AdminResults.Error(415, "Content-Type must be application/json."));
        if (body.Length == 0) return (null, AdminResults.Error(400, "A JSON object body is required."));
        // JsonDocument only checks string bytes when a string is read; refuse invalid UTF-8 here rather than fail later.
        if (!System.Text.Unicode.Utf8.IsValid(body.Span)) return (null, AdminResults.Error(400, "The body is not valid JSON: it is not UTF-8."));
        try
        {
            var doc = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 16 });
            if (doc.RootElement.ValueKind != JsonValueKind.Object) { doc.Dispose(); return (null, AdminResults.Error(400, "The body must be a JSON object.")); }
            return (doc, null);
        }
        catch (JsonException e) { return (null, AdminResults.Error(400, "The body is not valid JSON: " + e.Message)); }
    }

    /// <summary>An optional string property; a present value of another type is an error naming the field.</summary>
    public static bool TryString(JsonElement o, string name, out string? value, out string? error, int max = 500)
    {
        value = null; error = null;
        if (!o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return true;
        if (v.ValueKind != JsonValueKind.String) { error = $"{name} must be a string."; return false; }
        value = v.GetString()!.Trim();
        if (value.Length > max) { error = $"{name} must be at most {max} characters."; return false; }
        if (value.Any(char.IsControl)) { error = $"{name} must not contain control characters."; return false; }
        return true;
    }
}
