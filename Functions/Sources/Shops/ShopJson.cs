using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Connectors.Activity;

namespace Connectors.Sources.Shops;

/// <summary>
/// Shop platforms send money as strings ("409.94"), sometimes as numbers (WooCommerce line "price": 15) and sometimes
/// empty (""): all read as decimal, exactly, never through double. An empty string is zero.
/// </summary>
public sealed class LenientDecimalConverter : JsonConverter<decimal>
{
    public override decimal Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Number) return reader.GetDecimal();
        if (reader.TokenType == JsonTokenType.String)
        {
            var s = reader.GetString()!.Trim();
            if (s.Length == 0) return 0m;
            if (decimal.TryParse(s, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var d)) return d;
            throw new JsonException($"'{Clip.To(s, 30)}' is not a decimal amount.");
        }
        throw new JsonException($"Expected an amount (string or number), found {reader.TokenType}.");
    }

    public override void Write(Utf8JsonWriter writer, decimal value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString(CultureInfo.InvariantCulture));
}

/// <summary>Ids as 64-bit integers from numbers or numeric strings (Shopify ids exceed 2^53: never through double).</summary>
public sealed class LenientInt64Converter : JsonConverter<long>
{
    public override long Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var n)) return n;
        if (reader.TokenType == JsonTokenType.String && long.TryParse(reader.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out n)) return n;
        throw new JsonException($"Expected an integer id, found {reader.TokenType}.");
    }

    public override void Write(Utf8JsonWriter writer, long value, JsonSerializerOptions options) => writer.WriteNumberValue(value);
}

/// <summary>Integer quantities that some plugins send as "2" or 2.0.</summary>
public sealed class LenientInt32Converter : JsonConverter<int>
{
    public override int Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        decimal d;
        if (reader.TokenType == JsonTokenType.Number) d = reader.GetDecimal();
        else if (reader.TokenType == JsonTokenType.String && decimal.TryParse(reader.GetString(), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out d)) { }
        else throw new JsonException($"Expected an integer, found {reader.TokenType}.");
        if (d != decimal.Truncate(d) || d > int.MaxValue || d < int.MinValue) throw new JsonException($"{d} is not a whole number.");
        return (int)d;
    }

    public override void Write(Utf8JsonWriter writer, int value, JsonSerializerOptions options) => writer.WriteNumberValue(value);
}

/// <summary>Reads a platform body into its payload record, turning a parse failure into an error that names the JSON path.</summary>
public static class ShopBody
{
    public static T? Read<T>(ReadOnlyMemory<byte> body, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, out string? error) where T : class
    {
        error = null;
        try
        {
            var value = JsonSerializer.Deserialize(body.Span, type);
            if (value is null) error = "The body must be a JSON object, not null.";
            return value;
        }
        catch (JsonException e)
        {
            error = e.Path is { Length: > 0 } path ? $"{path.TrimStart('$', '.')}: {FirstSentence(e.Message)}" : "The body is not valid JSON: " + FirstSentence(e.Message);
            return null;
        }
    }

    static string FirstSentence(string message)
    {
        var i = message.IndexOf(" Path:", StringComparison.Ordinal);
        return i > 0 ? message[..i] : message;
    }

    /// <summary>Date in the shop's own calendar: the date written in the timestamp ("2008-01-10T11:00:00-05:00" is 10 January).</summary>
    public static bool TryDate(string? timestamp, out DateOnly date)
    {
        date = default;
        return timestamp is { Length: >= 10 } && DateOnly.TryParseExact(timestamp.AsSpan(0, 10), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
    }

    public static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    /// <summary>Rounds to the currency's minor unit (2 places), half away from zero.</summary>
    public static decimal Money(decimal value) => decimal.Round(value, 2, MidpointRounding.AwayFromZero);
}

/// <summary>A payload field the mapping needs is missing or wrong; the message names it (answered "unprocessable").</summary>
public sealed class PayloadFieldException(string message) : Exception(message);

/// <summary>Value refunds spread over lines as fractions of a quantity, rounded the same way wherever they are computed.</summary>
public static class Fractions
{
    /// <summary>part / whole as a quantity fraction, 6 decimal places, half away from zero.</summary>
    public static decimal Of(decimal part, decimal whole) => whole == 0 ? 0 : decimal.Round(part / whole, 6, MidpointRounding.AwayFromZero);

    public static decimal Quantity(decimal quantity, decimal fraction) => decimal.Round(quantity * fraction, 6, MidpointRounding.AwayFromZero);
}

/// <summary>
/// An update is compared with the order per SKU, so a snapshot states each SKU once: lines of the same SKU (two shipping
/// lines, one variant on two lines with different engravings) are added together, keeping every amount.
/// </summary>
public static class SameSku
{
    public static List<Ingest.CanonicalLine> Merge(List<Ingest.CanonicalLine> lines)
    {
        if (lines.Select(l => l.Sku).Distinct(StringComparer.Ordinal).Count() == lines.Count) return lines;
        return lines.GroupBy(l => l.Sku, StringComparer.Ordinal).Select(g =>
        {
            if (g.Count() == 1) return g.First();
            var quantity = g.Sum(l => l.Quantity);
            var gross = g.Sum(l => l.Quantity * l.Rate);
            return g.First() with
            {
                Quantity = quantity,
                // One rate for the SKU; the rounding of a weighted rate is absorbed by the discount so the amount stays exact.
                Rate = quantity == 0 ? g.First().Rate : decimal.Round(gross / quantity, 6, MidpointRounding.AwayFromZero),
                Discount = g.Sum(l => l.Discount) + (quantity == 0 ? 0 : quantity * decimal.Round(gross / quantity, 6, MidpointRounding.AwayFromZero) - gross),
                TaxAmount = g.All(l => l.TaxAmount is not null) ? g.Sum(l => l.TaxAmount!.Value) : null,
            };
        }).ToList();
    }
}
