using System.Globalization;
using System.Text.Json;
using Connectors.Activity;

namespace Connectors.Sources.Fields;

/// <summary>A field of a platform payload that is missing or not what the platform promises; the message names it.</summary>
public sealed class PayloadException(string message) : FormatException(message);

/// <summary>
/// Field-by-field readers for platform JSON, so every error names its field. Money is read as decimal from JSON
/// numbers (or numeric strings), never through double.
/// </summary>
public static class PayloadFields
{
    const decimal MaxAmount = 1_000_000_000_000m;

    public static JsonElement Object(JsonElement o, string name, string at)
    {
        if (!o.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.Object) throw new PayloadException($"{Path(at, name)} is required and must be an object.");
        return v;
    }

    public static JsonElement? OptionalObject(JsonElement o, string name) =>
        o.ValueKind == JsonValueKind.Object && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object ? v : null;

    public static JsonElement.ArrayEnumerator Array(JsonElement o, string name, string at)
    {
        if (!o.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.Array) throw new PayloadException($"{Path(at, name)} is required and must be an array.");
        return v.EnumerateArray();
    }

    /// <summary>An id given as a string or an integer number.</summary>
    public static string Id(JsonElement o, string name, string at)
    {
        var id = OptionalId(o, name, at) ?? throw new PayloadException($"{Path(at, name)} is required.");
        return id;
    }

    public static string? OptionalId(JsonElement o, string name, string at)
    {
        if (o.ValueKind != JsonValueKind.Object || !o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        var s = v.ValueKind switch
        {
            JsonValueKind.String => v.GetString()!.Trim(),
            JsonValueKind.Number when v.TryGetInt64(out var n) => n.ToString(CultureInfo.InvariantCulture),
            _ => throw new PayloadException($"{Path(at, name)} must be a string or an integer."),
        };
        if (s.Length == 0) throw new PayloadException($"{Path(at, name)} must not be empty.");
        if (s.Length > 100 || s.Any(char.IsControl)) throw new PayloadException($"{Path(at, name)} must be at most 100 printable characters.");
        return s;
    }

    /// <summary>Optional text, trimmed and clipped; null when absent, null or empty.</summary>
    public static string? Text(JsonElement o, string name, int max = 500)
    {
        if (o.ValueKind != JsonValueKind.Object || !o.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.String) return null;
        var s = v.GetString()!.Trim();
        if (s.Length == 0) return null;
        return s.Length <= max ? s : s[..max];
    }

    public static decimal Decimal(JsonElement o, string name, string at) =>
        OptionalDecimal(o, name, at) ?? throw new PayloadException($"{Path(at, name)} is required.");

    public static decimal? OptionalDecimal(JsonElement o, string name, string at)
    {
        if (o.ValueKind != JsonValueKind.Object || !o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        decimal d;
        var ok = v.ValueKind switch
        {
            JsonValueKind.Number => v.TryGetDecimal(out d),
            JsonValueKind.String => decimal.TryParse(v.GetString(), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out d),
            _ => (d = 0) == 1,
        };
        if (!ok) throw new PayloadException($"{Path(at, name)} must be a number.");
        if (Math.Abs(d) > MaxAmount) throw new PayloadException($"{Path(at, name)} is too large.");
        return d;
    }

    public static bool Bool(JsonElement o, string name) =>
        o.ValueKind == JsonValueKind.Object && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;

    /// <summary>
    /// The calendar date written in a timestamp: "2023-02-10 13:56:35 UTC" (Jumpseller), ISO-8601 with or without
    /// offset, or a bare date: the date as written. A timestamp written in UTC is also kept as a moment (UtcInstant), which
    /// posting dates in Books:TimeZone when that is set.
    /// </summary>
    public static DateOnly Date(JsonElement o, string name, string at) =>
        OptionalDate(o, name, at) ?? throw new PayloadException($"{Path(at, name)} is required.");

    public static DateOnly? OptionalDate(JsonElement o, string name, string at)
    {
        if (o.ValueKind != JsonValueKind.Object || !o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.String) throw new PayloadException($"{Path(at, name)} must be a date string.");
        var s = v.GetString()!.Trim();
        if (s.Length >= 10 && DateOnly.TryParseExact(s[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            && (s.Length == 10 || s[10] is ' ' or 'T' or 't'))
            return d;
        throw new PayloadException($"{Path(at, name)} must be a date such as 2023-02-10 or 2023-02-10 13:56:35 UTC, not '{Clip.To(s, 40)}'.");
    }

    /// <summary>The first of these fields that is present: its date as written, and its moment when written in UTC.</summary>
    public static (DateOnly Date, DateTimeOffset? Utc) When(JsonElement o, string at, params string[] names)
    {
        foreach (var name in names)
            if (OptionalDate(o, name, at) is { } date) return (date, UtcInstant(o, name));
        throw new PayloadException($"{Path(at, names[^1])} is required.");
    }

    /// <summary>
    /// The moment a timestamp names when it is written in UTC ("2023-02-10 13:56:35 UTC", "...Z", "...+00:00"), so posting
    /// can date it in the books' time zone; null for a bare date, a local offset (already the shop's own date) or none.
    /// </summary>
    public static DateTimeOffset? UtcInstant(JsonElement o, string name)
    {
        if (o.ValueKind != JsonValueKind.Object || !o.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.String) return null;
        return UtcInstant(v.GetString());
    }

    /// <summary>
    /// A timestamp as a moment, for ordering a platform's versions: its own offset, UTC when it gives none ("2023-02-10
    /// 13:56:35 UTC", WooCommerce's *_gmt fields); null for a bare date or anything that is not a timestamp.
    /// </summary>
    public static DateTimeOffset? Moment(string? timestamp)
    {
        var s = timestamp?.Trim() ?? "";
        if (s.Length <= 10) return null;
        if (s.EndsWith(" UTC", StringComparison.OrdinalIgnoreCase)) s = s[..^4];
        return DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at) ? at : null;
    }

    public static DateTimeOffset? UtcInstant(string? timestamp)
    {
        var s = timestamp?.Trim() ?? "";
        if (s.Length <= 10) return null;
        if (s.EndsWith(" UTC", StringComparison.OrdinalIgnoreCase))
            return DateTime.TryParse(s[..^4], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var utc) ? new DateTimeOffset(utc, TimeSpan.Zero) : null;
        return (s.EndsWith('Z') || s.EndsWith('z') || s.EndsWith("+00:00", StringComparison.Ordinal))
            && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at) && at.Offset == TimeSpan.Zero ? at : null;
    }

    static string Path(string at, string name) => at.Length == 0 ? name : at + "." + name;
}
