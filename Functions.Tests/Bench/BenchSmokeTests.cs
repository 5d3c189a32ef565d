extern alias BenchRunner;

using BenchRunner::Connectors.Bench;

namespace Connectors.Tests.Bench;

/// <summary>The benchmark's smoke mode, run with the tests so the benchmark keeps working as the pipeline changes.</summary>
public sealed class BenchSmokeTests
{
    [Fact]
    public async Task Smoke_run_accepts_and_posts_everything_and_computes_every_ratio()
    {
        var options = BenchOptions.Parse(["--smoke", "--seconds", "1", "--history", "50", "--repeat", "2", "--results", Path.Combine(Path.GetTempPath(), "connectors-bench-smoke")]);
        var log = new StringWriter();
        var result = await new BenchRun(options, log).RunAsync().WaitAsync(TimeSpan.FromSeconds(150));

        Assert.True(result.Fresh.Accepted > 0, log.ToString());
        Assert.True(result.WithHistory.Accepted > 0, log.ToString());
        Assert.True(result.AtTargetLoad.Accepted > 0 && result.AtTargetLoad.OfferedPerSecond > 0, log.ToString());
        Assert.Equal(0, result.Fresh.FailedPostings + result.WithHistory.FailedPostings);
        Assert.Equal(50, result.History);
        foreach (var ratio in new[] { result.IngestRatio, result.EndToEndRatio, result.GrowthRatio, result.HostPeakRssMb, result.Fresh.IngestP99Ms, result.AtTargetLoad.P99Ms })
            Assert.True(double.IsFinite(ratio) && ratio > 0, $"a figure is not a positive number:\n{result.Table()}");
        Assert.Contains("ingest / raw queue send", result.Table());
        // CPU per order is split by process: the host, each Azurite service and the load generator.
        Assert.Equal(["azurite-blob", "azurite-queue", "azurite-table", "host", "load"], result.Fresh.CpuMsPerOrder.Keys.Order());
        Assert.True(result.Fresh.CpuMsPerOrder["host"] > 0 && result.Fresh.CpuMsPerOrder["azurite-table"] > 0, result.Table());
        Assert.Contains("CPU ms per order, host", result.Table());
        // The host's own count of its storage requests, read over its admin route around each phase.
        Assert.True(result.Fresh.TableRequestsPerOrder > 1 && result.WithHistory.StorageRequestsPerOrder["queue send"] > 0, result.Table());
        Assert.Contains("table requests per order", result.Table());
        // Two latency phases, each drained before the next: both p99s listed, the median one in the table's row.
        Assert.Equal(2, result.AtTargetLoadP99sMs.Count);
        Assert.Contains(result.AtTargetLoad.P99Ms, result.AtTargetLoadP99sMs);
        Assert.Contains("each of 2 latency phases", result.Table());
    }

    [Fact]
    public async Task Ingest_only_run_accepts_with_posting_off_on_the_host_it_is_given()
    {
        var options = BenchOptions.Parse(["--smoke", "--ingest-only", "--seconds", "1", "--offered", "100", "--repeat", "2", "--host", AppContext.BaseDirectory,
            "--results", Path.Combine(Path.GetTempPath(), "connectors-bench-smoke")]);
        var log = new StringWriter();
        var result = await new BenchRun(options, log).RunIngestOnlyAsync().WaitAsync(TimeSpan.FromSeconds(120));

        Assert.Equal(2, result.FlatOut.Count);
        Assert.Equal(2, result.AtRate.Count);
        Assert.All(result.FlatOut, p => Assert.True(p.Accepted > 0 && p.CpuMsPerOrder["host"] > 0, log.ToString()));
        Assert.All(result.AtRate, r => Assert.Equal(0, r.Failed));
        Assert.Equal(Path.GetFullPath(AppContext.BaseDirectory), result.Host);
        // Posting is off: the host wrote receipts and activity, and not one voucher, order or stock row.
        Assert.Contains(result.Fresh.StorageRequestsPerOrder.Keys, k => k.StartsWith("table ", StringComparison.Ordinal));
        Assert.DoesNotContain(result.AtRate.SelectMany(r => r.StorageRequestsPerOrder.Keys), k => k.Contains("Vouchers") || k.Contains("Orders") || k.Contains("Items"));
        Assert.Contains("flat out: host CPU ms per delivery", result.Table());
    }

    [Fact]
    public async Task Posting_only_run_ingests_with_posting_off_then_a_second_host_posts_every_order_once()
    {
        var options = BenchOptions.Parse(["--smoke", "--posting-only", "--seconds", "2", "--results", Path.Combine(Path.GetTempPath(), "connectors-bench-smoke")]);
        Assert.True(options.PostingOnly);
        var log = new StringWriter();
        var result = await new BenchRun(options, log).RunPostingOnlyAsync().WaitAsync(TimeSpan.FromSeconds(150));

        // Every order ingested is posted (the run itself checks each moved stock exactly once, or throws).
        Assert.True(result.Fresh.Accepted > 0 && result.Posting.Orders == result.Fresh.Accepted, log.ToString());
        Assert.Equal(0, result.Posting.FailedPostings);
        // The drain is measured after its first fifth: what is left, timed, and its CPU split by process.
        Assert.InRange(result.Posting.Measured, 1, result.Posting.Orders * 4 / 5 + 1);
        Assert.True(result.Posting.PostedPerSecond > 0 && double.IsFinite(result.Posting.PostedPerSecond), result.Table());
        Assert.Equal(["azurite-blob", "azurite-queue", "azurite-table", "host", "load"], result.Posting.CpuMsPerOrder.Keys.Order());
        Assert.True(result.Posting.CpuMsPerOrder["host"] > 0 && result.Posting.CpuMsPerOrder["azurite-table"] > 0, result.Table());
        // The posting host's own storage requests, counted over the drain: its transactions.
        Assert.True(result.Posting.StorageRequestsPerOrder.GetValueOrDefault("table transaction") > 0, result.Table());
        Assert.Contains("posting alone: orders posted/s", result.Table());
        // The machine's load beside the figure: a shared machine's runs compare only at similar load.
        Assert.Matches(@"^\d+\.\d+ \d+\.\d+ \d+\.\d+ -> \d+\.\d+ \d+\.\d+ \d+\.\d+$", result.Posting.LoadAverage);
        Assert.Contains("posted", log.ToString());
    }

    [Fact]
    public void Ingest_only_and_posting_only_together_are_refused_naming_both()
    {
        var e = Assert.Throws<ArgumentException>(() => BenchOptions.Parse(["--ingest-only", "--posting-only"]));
        Assert.Contains("--ingest-only and --posting-only", e.Message);
    }

    [Theory]
    [InlineData("--host", "/nonexistent")]
    [InlineData("--repeat", "0")]
    [InlineData("--offered", "-5")]
    [InlineData("--azurite", "three")]
    public void Options_out_of_range_are_refused_naming_the_option(string option, string value)
    {
        var e = Assert.Throws<ArgumentException>(() => BenchOptions.Parse([option, value]));
        Assert.Contains(option, e.Message);
    }
}
