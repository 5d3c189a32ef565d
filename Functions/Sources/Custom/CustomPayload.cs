using System.Globalization;
using System.Text.Json;
using Connectors.Activity;
using Connectors.Ingest;

namespace Connectors.Sources.Custom;

/// <summary>
/// The Custom contract's bodies, read field by field so every error names the field:
/// order.created {external_id, customer_name, order_date, buyer_state_code?, currency?, lines:[{sku, description, quantity, rate, tax_rate}]};
/// order.updated the same with every field but external_id and lines optional, plus updated_at? (when the edit was made);
/// order.refunded {external_id, refund_id, refund_date, refunded_at? (when the refund was made, to order it against an
/// edit of the same day), currency?, lines:[{sku, description?, quantity, rate, compensation?}]}; a sale or edit line may
/// say gift_card: true (a gift card sold: a liability, no tax, no stock).
/// Numbers may be JSON numbers or numeric strings; they are read as decimals, never doubles.
/// </summary>
/// <param name="Currency">The ISO 4217 code the body states (upper case), or null: amounts are in the books' currency.</param>
/// <param name="Date">The document's date: the order's, the refund's, or the edit's (updated_at); null for an edit that does not say when it was made.</param>
/// <param name="UpdatedAt">An edit's updated_at as written (its version: two edits with different times are two edits).</param>
/// <param name="Version">An edit's updated_at, or a refund's refunded_at (else its refund_date when that is a timestamp), as a moment.</param>
public sealed record CustomPayload(string ExternalId, string? RefundId, DateOnly? Date, string? UpdatedAt, DateTimeOffset? Version, string? CustomerName, string? BuyerStateCode, string? Currency, IReadOnlyList<CanonicalLine> Lines)
{
    public const int MaxLines = 1000;
    /// <summary>customer_gstin: the buyer's GSTIN, when the site knows it (a registered buyer).</summary>
    public string? CustomerGstin { get; init; }
    const decimal MaxAmount = 1_000_000_000_000m;

    public static string? PeekExternalId(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("external_id", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static CustomPayload? Read(JsonElement root, EventKind kind, out string? error)
    {
        error = null;
        if (root.ValueKind != JsonValueKind.Object) { error = "The body must be a JSON object."; return null; }
        var refund = kind == EventKind.Refund;
        try
        {
            var externalId = Id(root, "external_id");
            var refundId = refund ? Id(root, "refund_id") : null;
            var update = kind == EventKind.Update;
            // An edit's note is dated when the edit was made, never with the order's date (that period may be closed):
            // order_date on an update is checked but not used.
            if (update && root.TryGetProperty("order_date", out var od) && od.ValueKind != JsonValueKind.Null) ReadDate(root, "order_date");
            var updatedAt = update ? OptionalText(root, "updated_at", 40) : null;
            DateOnly? date = update ? (updatedAt is null ? null : ReadDate(root, "updated_at")) : ReadDate(root, refund ? "refund_date" : "order_date");
            var version = update ? Moment(updatedAt, "updated_at", required: false)
                : refund ? Moment(OptionalText(root, "refunded_at", 40), "refunded_at", required: true) ?? Fields.PayloadFields.Moment(root.GetProperty("refund_date").GetString())
                : null;
            var customer = refund ? null : OptionalText(root, "customer_name", 200);
            if (kind == EventKind.Sale && string.IsNullOrWhiteSpace(customer)) throw new FieldException("customer_name is required.");
            string? state = null;
            if (!refund && root.TryGetProperty("buyer_state_code", out var s) && s.ValueKind != JsonValueKind.Null)
            {
                state = s.ValueKind switch
                {
                    JsonValueKind.String => s.GetString(),
                    JsonValueKind.Number when s.TryGetInt32(out var n) && n is >= 1 and <= 99 => n.ToString("D2", CultureInfo.InvariantCulture),
                    _ => throw new FieldException("buyer_state_code must be a two-digit GST state code such as \"29\"."),
                };
                if (state is not { Length: 2 } || !char.IsAsciiDigit(state[0]) || !char.IsAsciiDigit(state[1]) || state == "00")
                    throw new FieldException("buyer_state_code must be a two-digit GST state code such as \"29\".");
            }
            var currency = OptionalText(root, "currency", 100)?.ToUpperInvariant();
            if (currency is not null && (currency.Length != 3 || !currency.All(char.IsAsciiLetter)))
                throw new FieldException("currency must be a three-letter ISO 4217 code such as \"INR\".");
            if (!root.TryGetProperty("lines", out var lines) || lines.ValueKind != JsonValueKind.Array)
                throw new FieldException("lines is required and must be an array.");
            var count = lines.GetArrayLength();
            if (count == 0) throw new FieldException("lines must hold at least one line.");
            if (count > MaxLines) throw new FieldException($"lines may hold at most {MaxLines} lines.");
            var result = new List<CanonicalLine>(count);
            var i = 0;
            foreach (var line in lines.EnumerateArray())
            {
                var at = $"lines[{i++}]";
                if (line.ValueKind != JsonValueKind.Object) throw new FieldException($"{at} must be an object.");
                var sku = Text(line, "sku", at, 100);
                var description = refund ? OptionalText(line, "description", 500) : Text(line, "description", at, 500);
                var quantity = Number(line, "quantity", at);
                if (quantity <= 0) throw new FieldException($"{at}.quantity must be greater than 0.");
                var rate = Number(line, "rate", at);
                if (rate < 0) throw new FieldException($"{at}.rate must not be negative.");
                var taxRate = 0m;
                if (!refund)
                {
                    taxRate = Number(line, "tax_rate", at);
                    if (taxRate is < 0 or > 100) throw new FieldException($"{at}.tax_rate must be between 0 and 100.");
                }
                result.Add(new CanonicalLine
                {
                    Sku = sku, Description = description, Quantity = quantity, Rate = rate, TaxRate = taxRate,
                    IsGiftCard = !refund && Flag(line, "gift_card", at), IsCompensation = refund && Flag(line, "compensation", at),
                });
            }
            // Optional buyer GSTIN (15 characters): the sale is a B2B supply in GSTR-1 (table 4) and the customer is found by it.
            var gstin = refund ? null : OptionalText(root, "customer_gstin", 15)?.Trim().ToUpperInvariant();
            if (gstin is { Length: > 0 } && !Reports.Gstin.IsValid(gstin))
                throw new FieldException("customer_gstin must be a 15-character GSTIN such as \"29ABCDE1234F1Z5\".");
            return new CustomPayload(externalId, refundId, date, updatedAt, version, customer, state, currency, result) { CustomerGstin = string.IsNullOrEmpty(gstin) ? null : gstin };
        }
        catch (FieldException e)
        {
            error = e.Message;
            return null;
        }
    }

    static string Id(JsonElement o, string name)
    {
        if (!o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) throw new FieldException($"{name} is required.");
        var s = v.ValueKind switch
        {
            JsonValueKind.String => v.GetString()!.Trim(),
            JsonValueKind.Number when v.TryGetInt64(out var n) => n.ToString(CultureInfo.InvariantCulture),
            _ => throw new FieldException($"{name} must be a string."),
        };
        if (s.Length == 0) throw new FieldException($"{name} must not be empty.");
        if (s.Length > 100) throw new FieldException($"{name} must be at most 100 characters.");
        if (s.Any(char.IsControl)) throw new FieldException($"{name} must not contain control characters.");
        return s;
    }

    static string Text(JsonElement o, string name, string at, int max)
    {
        if (!o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) throw new FieldException($"{at}.{name} is required.");
        if (v.ValueKind != JsonValueKind.String) throw new FieldException($"{at}.{name} must be a string.");
        var s = v.GetString()!.Trim();
        if (s.Length == 0) throw new FieldException($"{at}.{name} must not be empty.");
        if (s.Length > max) throw new FieldException($"{at}.{name} must be at most {max} characters.");
        return s;
    }

    static string? OptionalText(JsonElement o, string name, int max)
    {
        if (!o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.String) throw new FieldException($"{name} must be a string.");
        var s = v.GetString()!.Trim();
        if (s.Length > max) throw new FieldException($"{name} must be at most {max} characters.");
        return s.Length == 0 ? null : s;
    }

    /// <summary>An optional true/false field (gift_card on sale lines, compensation on refund lines); absent is false.</summary>
    static bool Flag(JsonElement o, string name, string at) =>
        !o.TryGetProperty(name, out var v) || v.ValueKind is JsonValueKind.Null or JsonValueKind.False ? false
        : v.ValueKind == JsonValueKind.True ? true : throw new FieldException($"{at}.{name} must be true or false.");

    static decimal Number(JsonElement o, string name, string at)
    {
        if (!o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) throw new FieldException($"{at}.{name} is required.");
        decimal d;
        var ok = v.ValueKind switch
        {
            JsonValueKind.Number => v.TryGetDecimal(out d),
            // Coercion the seed allows: "100.50" is read as 100.50; "NaN", "Infinity" and exponents are not numbers here.
            JsonValueKind.String => decimal.TryParse(v.GetString(), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out d),
            _ => (d = 0) == 1,
        };
        if (!ok) throw new FieldException($"{at}.{name} must be a number.");
        if (Math.Abs(d) > MaxAmount) throw new FieldException($"{at}.{name} is too large.");
        if (d.Scale > 6 && decimal.Round(d, 6) != d) throw new FieldException($"{at}.{name} has more than 6 decimal places.");
        return d;
    }

    /// <summary>A timestamp as a moment; a bare date is a version only for updated_at (its day), never for refunded_at, which exists to give the time.</summary>
    static DateTimeOffset? Moment(string? value, string name, bool required)
    {
        if (value is null) return null;
        if (Fields.PayloadFields.Moment(value) is { } at) return at;
        if (!required && DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            return new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        throw new FieldException($"{name} must be an ISO-8601 timestamp such as 2026-06-01T10:30:00Z, not '{Clip.To(value, 40)}'.");
    }

    static DateOnly ReadDate(JsonElement o, string name)
    {
        if (!o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) throw new FieldException($"{name} is required.");
        if (v.ValueKind != JsonValueKind.String) throw new FieldException($"{name} must be a date string YYYY-MM-DD.");
        var s = v.GetString()!;
        if (DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return d;
        // Full timestamps are accepted; the date is the one written in them (the shop's own calendar).
        if (s.Length > 10 && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var dt) && DateOnly.TryParseExact(s[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out d)) return d;
        throw new FieldException($"{name} must be a valid date YYYY-MM-DD, not '{Clip.To(s, 40)}'.");
    }

    sealed class FieldException(string message) : Exception(message);
}
