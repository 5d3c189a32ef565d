using System.Text;
using System.Text.Json;

namespace Connectors.Reliability.Malformed;

/// <summary>Bodies no source or admin route may accept, each with a word its error must contain (null: any clear error).</summary>
public static class BadBodies
{
    /// <summary>1 MiB (the source limit) plus 4 KiB: over-limit bodies are slices of this one buffer.</summary>
    public static readonly byte[] Oversized = Enumerable.Repeat((byte)' ', 1024 * 1024 + 4096).ToArray();

    static readonly byte[] DeepArrays = Encoding.ASCII.GetBytes(new string('[', 10_000) + new string(']', 10_000));
    static readonly byte[] DeepObjects = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("{\"a\":", 10_000)) + "1" + new string('}', 10_000));

    static readonly string[] InvalidSyntax =
    [
        "{\"external_id\": 'ORD-1'}", "{external_id: \"ORD-1\"}", "{\"a\":1,}", "{\"a\": NaN}", "{\"a\": Infinity}", "{\"a\": -Infinity}",
        "{\"a\": 01}", "{\"a\": .5}", "{\"a\": +1}", "{\"a\":1} {\"b\":2}", "{\"a\":\"\u0001\"}", "{\"a\": \"unterminated}", "// comment\n{}",
        "[1,2", "{\"a\":tru}", "{\"a\" 1}", "{\"a\":[1,]}", "{,}", "\"\\uZZZZ\"", "{\"a\":\"\\x41\"}",
    ];

    static readonly string[] NotObjects = ["[]", "\"order\"", "42", "null", "true", "[{\"external_id\":\"ORD-1\"}]", "-0.0", "\"NaN\""];

    static readonly string[] Unrepresentable = ["1e400", "-1e400", "\"NaN\"", "\"Infinity\"", "\"-Infinity\"", "99999999999999999999999999999999", "1.5e308"];

    /// <summary>A generic bad body: random bytes, truncated or invalid JSON, not an object, 10,000-deep nesting, invalid UTF-8, unreadable numbers.</summary>
    public static (string Kind, byte[] Body, string? Mentions) Generic(Random r, byte[] validBody)
    {
        switch (r.Next(8))
        {
            case 0:
            {
                var b = new byte[r.Next(1, 4096)];
                r.NextBytes(b);
                if (b[0] is (byte)'{' or (byte)'[' or (byte)'"') b[0] = 0xFF;
                return ("random-bytes", b, null);
            }
            case 1:
                return ("truncated-json", validBody[..r.Next(0, validBody.Length - 1)], null);
            case 2:
                return ("invalid-json", Encoding.UTF8.GetBytes(InvalidSyntax[r.Next(InvalidSyntax.Length)]), null);
            case 3:
                return ("not-an-object", Encoding.UTF8.GetBytes(NotObjects[r.Next(NotObjects.Length)]), "object");
            case 4:
                return ("nesting-10000", r.Next(2) == 0 ? DeepArrays : DeepObjects, null);
            case 5:
                return ("invalid-utf8", InvalidUtf8(r, validBody), null);
            case 6:
                return ("unreadable-number", Encoding.UTF8.GetBytes($"{{\"id\": {Unrepresentable[r.Next(Unrepresentable.Length)]}, \"external_id\": {Unrepresentable[r.Next(Unrepresentable.Length)]}}}"), null);
            default:
                return ("empty-object", "{}"u8.ToArray(), null);
        }
    }

    /// <summary>A valid body with bytes that are not UTF-8 put inside its first string.</summary>
    static byte[] InvalidUtf8(Random r, byte[] validBody)
    {
        byte[][] bad = [[0xFF], [0xFE, 0xFF], [0xC3, 0x28], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xE2, 0x82]];
        var quote = Array.IndexOf(validBody, (byte)'"', Array.IndexOf(validBody, (byte)':') + 1);
        var at = quote < 0 ? 1 : quote + 1;
        return [.. validBody[..at], .. bad[r.Next(bad.Length)], .. validBody[at..]];
    }

    /// <summary>A valid Custom order, the base every field mutation starts from.</summary>
    public static Dictionary<string, object?> CustomOrder(string externalId) => new()
    {
        ["external_id"] = externalId,
        ["customer_name"] = "Asha Rao",
        ["order_date"] = "2026-05-25",
        ["buyer_state_code"] = "29",
        ["lines"] = new List<Dictionary<string, object?>>
        {
            new() { ["sku"] = "WIDGET-1", ["description"] = "Widget", ["quantity"] = 2, ["rate"] = 100.50m, ["tax_rate"] = 18 },
            new() { ["sku"] = "GADGET-2", ["description"] = "Gadget", ["quantity"] = 1, ["rate"] = 40, ["tax_rate"] = 5 },
        },
    };

    /// <summary>Raw JSON values that are wrong for a number field, with the reason they are wrong.</summary>
    static readonly string[] BadNumbers =
        ["\"NaN\"", "\"Infinity\"", "\"-Infinity\"", "\"1e5\"", "1e400", "-1e400", "1e20", "-1", "true", "{}", "[]", "\"abc\"", "\"\"", "0.0000001", "\"12,5\"", "\" 1 0\""];

    /// <summary>A Custom order.created with exactly one field made wrong (type, range, format, size); Mentions is the field.</summary>
    public static (string Kind, byte[] Body, string Mentions) CustomFieldMutation(Random r, string externalId)
    {
        var order = CustomOrder(externalId);
        var lines = (List<Dictionary<string, object?>>)order["lines"]!;
        var line = lines[r.Next(lines.Count)];
        switch (r.Next(12))
        {
            case 0: return Mutate(order, "external_id", r.Next(5) switch { 0 => Absent, 1 => Raw("5.5"), 2 => "", 3 => new string('X', 101), _ => Raw("[\"ORD\"]") }, "external_id");
            case 1: return Mutate(order, "customer_name", r.Next(3) switch { 0 => Absent, 1 => Raw("42"), _ => "   " }, "customer_name");
            case 2: return Mutate(order, "order_date", r.Next(5) switch { 0 => "2026-02-30", 1 => "yesterday", 2 => Raw("20260525"), 3 => Absent, _ => "25/05/2026" }, "order_date");
            case 3: return Mutate(order, "buyer_state_code", r.Next(4) switch { 0 => "00", 1 => "KA", 2 => Raw("100"), _ => Raw("{}") }, "buyer_state_code");
            case 4: return Mutate(order, "lines", r.Next(5) switch { 0 => Absent, 1 => Raw("{}"), 2 => Raw("[]"), 3 => "lines", _ => Raw("[" + string.Join(',', Enumerable.Repeat("{}", 1001)) + "]") }, "lines");
            case 5: return Mutate(order, "lines", Raw("[1, \"two\", null]"), "lines[0]");
            case 6: return MutateLine(order, line, "sku", r.Next(3) switch { 0 => Absent, 1 => Raw("7"), _ => "" }, "sku");
            case 7: return MutateLine(order, line, "description", r.Next(2) == 0 ? Absent : Raw("[\"Widget\"]"), "description");
            case 8: return MutateLine(order, line, "quantity", r.Next(4) == 0 ? Raw(r.Next(2) == 0 ? "0" : "-3") : Raw(BadNumbers[r.Next(BadNumbers.Length)]), "quantity");
            case 9: return MutateLine(order, line, "rate", r.Next(4) == 0 ? Raw("-0.01") : Raw(BadNumbers[r.Next(BadNumbers.Length)]), "rate");
            case 10: return MutateLine(order, line, "tax_rate", r.Next(4) == 0 ? Raw(r.Next(2) == 0 ? "100.01" : "-1") : Raw(BadNumbers[r.Next(BadNumbers.Length)]), "tax_rate");
            default: return MutateLine(order, line, "quantity", Absent, "quantity");
        }
    }

    /// <summary>A field value written into the JSON as is.</summary>
    public sealed record RawJson(string Json);
    static RawJson Raw(string json) => new(json);
    static readonly object Absent = new();

    static (string, byte[], string) Mutate(Dictionary<string, object?> order, string field, object value, string mentions)
    {
        if (ReferenceEquals(value, Absent)) order.Remove(field); else order[field] = value;
        return ($"field:{field}", Write(order), mentions);
    }

    static (string, byte[], string) MutateLine(Dictionary<string, object?> order, Dictionary<string, object?> line, string field, object value, string mentions)
    {
        // "1e20" and friends must not be rejected for the "lines[1]" reason when the mutated line is the second: the field name is what matters.
        if (ReferenceEquals(value, Absent)) line.Remove(field); else line[field] = value;
        return ($"line:{field}", Write(order), mentions);
    }

    /// <summary>Serialises with RawJson values written verbatim (so 1e400 and NaN reach the host as sent).</summary>
    public static byte[] Write(object? value)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer)) WriteValue(w, value);
        return buffer.ToArray();
    }

    static void WriteValue(Utf8JsonWriter w, object? value)
    {
        switch (value)
        {
            case RawJson raw: w.WriteRawValue(raw.Json, skipInputValidation: true); break;
            case IDictionary<string, object?> o:
                w.WriteStartObject();
                foreach (var (k, v) in o) { w.WritePropertyName(k); WriteValue(w, v); }
                w.WriteEndObject();
                break;
            case System.Collections.IEnumerable list when value is not string:
                w.WriteStartArray();
                foreach (var v in list) WriteValue(w, v);
                w.WriteEndArray();
                break;
            default: JsonSerializer.Serialize(w, value, value?.GetType() ?? typeof(object)); break;
        }
    }
}
