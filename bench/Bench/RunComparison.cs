using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Connectors.Bench;

/// <summary>
/// Runs side by side (--compare a.json b.json ...): the main figures of each result file in a column. Read as plain
/// JSON, not as BenchResult, so files written by earlier versions of the benchmark still load; a figure a file does
/// not have shows as a dash.
/// </summary>
public static class RunComparison
{
    sealed record Row(string Measure, string Target, string Format, Func<JsonNode, double?> Value);

    static readonly Row[] Rows =
    [
        new("raw Azurite queue sends/s", "(limit)", "0", r => Number(r, "RawQueueSendsPerSecond")),
        new("ingest accepted/s (flat out)", "", "0", r => Number(r, "Fresh", "IngestPerSecond")),
        new("ingest / raw queue send", ">= 0.5", "0.00", r => Number(r, "IngestRatio")),
        new("ingest p99 ms (flat out)", "", "0.0", r => Number(r, "Fresh", "IngestP99Ms")),
        new("offered/s in the latency phase", "", "0", r => Number(r, "AtTargetLoad", "OfferedPerSecond")),
        new("p99 ms at that load", "<= 100", "0.0", r => Number(r, "AtTargetLoad", "P99Ms")),
        new("failed at that load", "", "0", r => Number(r, "AtTargetLoad", "Failed")),
        new("host CPU ms per order at that load", "", "0.00", r => Number(r, "AtTargetLoad", "CpuMsPerOrder", "host")),
        new("end-to-end orders posted/s", "", "0", r => Number(r, "Fresh", "EndToEndPerSecond")),
        new("end-to-end / raw queue send", ">= 0.3", "0.00", r => Number(r, "EndToEndRatio")),
        new("end-to-end with history /s", "", "0", r => Number(r, "WithHistory", "EndToEndPerSecond")),
        new("orders of history", "", "0", r => Number(r, "History")),
        new("growth (with history / without)", ">= 0.9", "0.00", r => Number(r, "GrowthRatio")),
        new("Azurite's own growth", "", "0.00", r => Number(r, "StorageGrowthRatio")),
        new("table requests per order, empty books", "", "0.00", r => Full(r) ? Sum(r, "Fresh", "table ") : null),
        new("table requests per order, with history", "", "0.00", r => Sum(r, "WithHistory", "table ")),
        new("Azurite table CPU ms per order, empty books", "", "0.00", r => Full(r) ? Number(r, "Fresh", "CpuMsPerOrder", "azurite-table") : null),
        new("Azurite table CPU ms per order, with history", "", "0.00", r => Number(r, "WithHistory", "CpuMsPerOrder", "azurite-table")),
        new("host CPU ms per order, empty books", "", "0.00", r => Full(r) ? Number(r, "Fresh", "CpuMsPerOrder", "host") : null),
        // An ingest-only run's flat-out phase (posting off, after a warm-up): per delivery, not per order posted.
        new("ingest alone: host CPU ms per delivery (flat out)", "", "0.00", r => IngestOnly(r) ? Number(r, "Fresh", "CpuMsPerOrder", "host") : null),
        new("ingest alone: Azurite table CPU ms per delivery (flat out)", "", "0.00", r => IngestOnly(r) ? Number(r, "Fresh", "CpuMsPerOrder", "azurite-table") : null),
        new("host peak RSS MB", "<= 300", "0", r => Number(r, "HostPeakRssMb")),
        new("posting alone: orders posted/s", "", "0", r => Number(r, "Posting", "PostedPerSecond")),
        new("posting alone: host CPU ms per order", "", "0.00", r => Number(r, "Posting", "CpuMsPerOrder", "host")),
        new("posting alone: Azurite table CPU ms per order", "", "0.00", r => Number(r, "Posting", "CpuMsPerOrder", "azurite-table")),
        new("posting alone: table requests per order", "", "0.00", r => Sum(r, "Posting", "table ")),
    ];

    /// <summary>A Markdown table, a column per file in the order given; throws naming the file that cannot be read.</summary>
    public static string Table(IReadOnlyList<string> files)
    {
        if (files.Count == 0) throw new ArgumentException("--compare needs one or more result files (bench/results/run-*.json).");
        var runs = files.Select(Load).ToList();
        var sb = new StringBuilder();
        sb.AppendLine(Line(["measure", .. files.Select(Path.GetFileNameWithoutExtension), "target"]));
        sb.AppendLine($"|---|{string.Concat(files.Select(_ => "---:|"))}---:|");
        sb.AppendLine(Line(["at (UTC)", .. runs.Select(r => r["At"] is { } at ? DateTimeOffset.Parse(at.GetValue<string>(), CultureInfo.InvariantCulture).UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "–"), ""]));
        // An ingest-only run (--ingest-only) has its posting off: its figures are not those of a full run.
        // A posting-only run (--posting-only) ingested with posting off, then posted with ingest off.
        sb.AppendLine(Line(["posting", .. runs.Select(r => r["Mode"]?.GetValue<string>() switch { null => "on", var m when m.StartsWith("posting", StringComparison.Ordinal) => "alone (posting only)", _ => "off (ingest only)" }), ""]));
        foreach (var row in Rows)
            sb.AppendLine(Line([row.Measure, .. runs.Select(r => row.Value(r) is { } v ? v.ToString(row.Format, CultureInfo.InvariantCulture) : "–"), row.Target]));
        return sb.ToString();
    }

    static string Line(IEnumerable<string?> cells) => "|" + string.Concat(cells.Select(c => string.IsNullOrEmpty(c) ? " |" : $" {c} |"));

    static JsonNode Load(string file)
    {
        try { return JsonNode.Parse(File.ReadAllText(file)) as JsonObject ?? throw new InvalidDataException($"{file}: not a JSON object."); }
        catch (FileNotFoundException) { throw new FileNotFoundException($"{file}: no such result file.", file); }
        catch (JsonException e) { throw new InvalidDataException($"{file}: not a benchmark result ({e.Message}).", e); }
    }

    /// <summary>A full run (files of --ingest-only and --posting-only say their Mode): its "empty books" phase includes posting.</summary>
    static bool Full(JsonNode run) => run["Mode"] is null;
    static bool IngestOnly(JsonNode run) => run["Mode"]?.GetValue<string>().StartsWith("ingest", StringComparison.Ordinal) == true;

    static double? Number(JsonNode run, params string[] path)
    {
        JsonNode? node = run;
        foreach (var name in path) node = node is JsonObject o ? o[name] : null;
        return node is JsonValue v && v.TryGetValue<double>(out var d) && double.IsFinite(d) ? d : null;
    }

    /// <summary>The sum of a phase's storage requests per order whose kind starts with the prefix; null for files from before the count.</summary>
    static double? Sum(JsonNode run, string phase, string prefix) =>
        run[phase]?["StorageRequestsPerOrder"] is JsonObject kinds && kinds.Count > 0
            ? kinds.Where(k => k.Key.StartsWith(prefix, StringComparison.Ordinal)).Sum(k => k.Value?.GetValue<double>() ?? 0)
            : null;
}
