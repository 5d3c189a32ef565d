extern alias BenchRunner;

using System.Text.Json;
using BenchRunner::Connectors.Bench;
using Connectors.Tests.Fixtures;

namespace Connectors.Tests.Bench;

/// <summary>--compare puts result files side by side, including those written by earlier versions of the benchmark.</summary>
public sealed class RunComparisonTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("connectors-compare-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Two_runs_show_side_by_side_with_their_ratios_and_a_dash_for_what_an_older_file_lacks()
    {
        var result = new BenchResult
        {
            At = new DateTimeOffset(2026, 11, 30, 11, 39, 0, TimeSpan.Zero),
            RawQueueSendsPerSecond = 1800, RawTableInsertsPerSecond = 3000, RawTableInsertsWithHistoryPerSecond = 1800,
            Fresh = new PipelineResult
            {
                IngestPerSecond = 900, EndToEndPerSecond = 600,
                StorageRequestsPerOrder = new Dictionary<string, double> { ["table insert"] = 0.1, ["table transaction"] = 0.4, ["queue send"] = 0.08 },
                CpuMsPerOrder = new Dictionary<string, double> { ["azurite-table"] = 1.25, ["host"] = 0.7 },
            },
            AtTargetLoad = new RateResult { OfferedPerSecond = 900, P99Ms = 123.45 },
            WithHistory = new PipelineResult { EndToEndPerSecond = 300 },
            History = 100_000,
            HostPeakRssMb = 250,
        };
        var current = Path.Combine(_dir, "run-current.json");
        File.WriteAllText(current, JsonSerializer.Serialize(result));
        // As the first version of the benchmark wrote its results: no latency phase, no request counts.
        var older = Path.Combine(_dir, "run-older.json");
        File.WriteAllText(older, """{"At":"2026-11-24T08:10:51+00:00","RawQueueSendsPerSecond":459,"IngestRatio":0.08,"Fresh":{"IngestPerSecond":39,"EndToEndPerSecond":10},"WithHistory":{"EndToEndPerSecond":20}}""");

        var lines = RunComparison.Table([older, current]).Split('\n', StringSplitOptions.TrimEntries);

        Assert.Equal("| measure | run-older | run-current | target |", lines[0]);
        Assert.Contains("| at (UTC) | 2026-11-24 08:10 | 2026-11-30 11:39 | |", lines);
        Assert.Contains("| ingest / raw queue send | 0.08 | 0.50 | >= 0.5 |", lines);
        Assert.Contains("| end-to-end / raw queue send | – | 0.33 | >= 0.3 |", lines);
        Assert.Contains("| growth (with history / without) | – | 0.50 | >= 0.9 |", lines);
        Assert.Contains("| Azurite's own growth | – | 0.60 | |", lines);
        Assert.Contains("| p99 ms at that load | – | 123.5 | <= 100 |", lines);
        // Only the table kinds count as table requests.
        Assert.Contains("| table requests per order, empty books | – | 0.50 | |", lines);
        Assert.Contains("| Azurite table CPU ms per order, empty books | – | 1.25 | |", lines);
    }

    [Fact]
    public void A_posting_only_run_shows_its_posting_rows_beside_a_full_run_that_lacks_them()
    {
        var posting = new PostingResult
        {
            At = new DateTimeOffset(2026, 12, 8, 2, 16, 0, TimeSpan.Zero),
            Fresh = new IngestPhase { IngestPerSecond = 829 },
            Posting = new PostingPhase
            {
                Orders = 12440, Measured = 9944, PostedPerSecond = 377,
                CpuMsPerOrder = new Dictionary<string, double> { ["host"] = 0.87, ["azurite-table"] = 1.17 },
                StorageRequestsPerOrder = new Dictionary<string, double> { ["table transaction"] = 0.164, ["table update"] = 0.023, ["queue delete"] = 0.082 },
            },
        };
        var file = Path.Combine(_dir, "posting-a.json");
        File.WriteAllText(file, JsonSerializer.Serialize(posting));
        var full = Path.Combine(_dir, "run-full.json");
        File.WriteAllText(full, """{"At":"2026-12-08T00:15:57+00:00","RawQueueSendsPerSecond":1710,"Fresh":{"IngestPerSecond":750,"EndToEndPerSecond":321}}""");

        var lines = RunComparison.Table([full, file]).Split('\n', StringSplitOptions.TrimEntries);

        Assert.Contains("| posting | on | alone (posting only) | |", lines);
        Assert.Contains("| ingest accepted/s (flat out) | 750 | 829 | |", lines);
        Assert.Contains("| posting alone: orders posted/s | – | 377 | |", lines);
        Assert.Contains("| posting alone: host CPU ms per order | – | 0.87 | |", lines);
        Assert.Contains("| posting alone: Azurite table CPU ms per order | – | 1.17 | |", lines);
        Assert.Contains("| posting alone: table requests per order | – | 0.19 | |", lines);
    }

    [Fact]
    public void Every_result_kept_in_the_repository_loads()
    {
        var files = Directory.GetFiles(Path.Combine(Repository.Root, "bench", "results"), "run-*.json").Concat(Directory.GetFiles(Path.Combine(Repository.Root, "bench", "results"), "posting-*.json")).Order().ToList();
        Assert.NotEmpty(files);

        var table = RunComparison.Table(files);

        foreach (var f in files) Assert.Contains(Path.GetFileNameWithoutExtension(f), table);
        Assert.DoesNotContain("NaN", table);
    }

    [Fact]
    public void A_missing_or_unreadable_file_is_refused_by_name()
    {
        var garbage = Path.Combine(_dir, "notes.json");
        File.WriteAllText(garbage, "p99 was fine");

        Assert.Contains("missing.json", Assert.Throws<FileNotFoundException>(() => RunComparison.Table([Path.Combine(_dir, "missing.json")])).Message);
        Assert.Contains("notes.json", Assert.Throws<InvalidDataException>(() => RunComparison.Table([garbage])).Message);
        Assert.Contains("--compare", Assert.Throws<ArgumentException>(() => RunComparison.Table([])).Message);
    }
}
