using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Connectors.Reports;

/// <summary>
/// A report as rows under named columns, written as JSON ({report, from, to, summary, rows: [{column: value}]}) or as
/// CSV (RFC 4180: a header line, comma-separated fields, CRLF line ends, a field quoted when it holds a comma, a quote
/// or a line break, quotes doubled). Amounts are decimals, written invariant (a dot, no thousands separator).
/// </summary>
public sealed class ReportTable(string name, DateOnly from, DateOnly to, params string[] columns)
{
    public string Name { get; } = name;
    public DateOnly From { get; } = from;
    public DateOnly To { get; } = to;
    public IReadOnlyList<string> Columns { get; } = columns;
    public List<object?[]> Rows { get; } = [];
    /// <summary>Figures about the whole report (a total, whether it balances), in JSON only.</summary>
    public Dictionary<string, object?> Summary { get; } = new(StringComparer.Ordinal);

    public void Add(params object?[] values)
    {
        if (values.Length != Columns.Count) throw new ArgumentException($"{Name}: {values.Length} values for {Columns.Count} columns.");
        Rows.Add(values);
    }

    /// <summary>The value of a column in a row, by name.</summary>
    public object? Value(object?[] row, string column) => row[Columns.ToList().IndexOf(column)];

    public string ToCsv()
    {
        var sb = new StringBuilder();
        Line(sb, Columns.Cast<object?>());
        foreach (var row in Rows) Line(sb, row);
        return sb.ToString();
    }

    static void Line(StringBuilder sb, IEnumerable<object?> fields)
    {
        var first = true;
        foreach (var f in fields)
        {
            if (!first) sb.Append(',');
            first = false;
            var s = Text(f);
            if (s.AsSpan().IndexOfAny(",\"\r\n") >= 0) sb.Append('"').Append(s.Replace("\"", "\"\"")).Append('"');
            else sb.Append(s);
        }
        sb.Append("\r\n");
    }

    static string Text(object? value) => value switch
    {
        null => "",
        decimal d => d.ToString(CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    public byte[] ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("report", Name);
            w.WriteString("from", From.ToString("yyyy-MM-dd"));
            w.WriteString("to", To.ToString("yyyy-MM-dd"));
            if (Summary.Count > 0)
            {
                w.WriteStartObject("summary");
                foreach (var (k, v) in Summary) { w.WritePropertyName(k); Write(w, v); }
                w.WriteEndObject();
            }
            w.WriteStartArray("rows");
            foreach (var row in Rows)
            {
                w.WriteStartObject();
                for (var i = 0; i < Columns.Count; i++) { w.WritePropertyName(Columns[i]); Write(w, row[i]); }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return stream.ToArray();
    }

    static void Write(Utf8JsonWriter w, object? value)
    {
        switch (value)
        {
            case null: w.WriteNullValue(); break;
            case decimal d: w.WriteNumberValue(d); break;
            case int i: w.WriteNumberValue(i); break;
            case long l: w.WriteNumberValue(l); break;
            case bool b: w.WriteBooleanValue(b); break;
            case DateOnly d: w.WriteStringValue(d.ToString("yyyy-MM-dd")); break;
            default: w.WriteStringValue(value.ToString()); break;
        }
    }
}
