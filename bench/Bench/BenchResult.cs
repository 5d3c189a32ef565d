using System.Text;

namespace Connectors.Bench;

/// <summary>A pipeline phase: its ingest (the names of IngestPhase), then the posting of everything it accepted.</summary>
public sealed record PipelineResult : IngestPhase
{
    public int FailedPostings { get; init; }
    public double EndToEndPerSecond { get; init; }
    public double AcceptToPostedP95Ms { get; init; }

    public double TableRequestsPerOrder => StorageRequestsPerOrder.Where(r => r.Key.StartsWith("table ", StringComparison.Ordinal)).Sum(r => r.Value);
    /// <summary>Reads that are not point reads: the only requests whose cost can grow with the books.</summary>
    public double TableQueriesPerOrder => StorageRequestsPerOrder.GetValueOrDefault("table query");
}

/// <summary>Deliveries offered at a fixed rate (open loop): how many were accepted and how long each waited.</summary>
public sealed record RateResult
{
    public double OfferedPerSecond { get; init; }
    public int Accepted { get; init; }
    public int Failed { get; init; }
    public double P50Ms { get; init; }
    public double P95Ms { get; init; }
    public double P99Ms { get; init; }
    /// <summary>CPU milliseconds per accepted order, by process, during the phase (posting runs alongside).</summary>
    public IReadOnlyDictionary<string, double> CpuMsPerOrder { get; init; } = new Dictionary<string, double>();
    /// <summary>The host's storage requests per accepted order during the phase, by "service kind": how well concurrent deliveries share transactions at this load.</summary>
    public IReadOnlyDictionary<string, double> StorageRequestsPerOrder { get; init; } = new Dictionary<string, double>();
}

public sealed record BenchResult
{
    /// <summary>The issue's ingest target, as a share of Azurite's raw queue-send rate; the latency run offers this load.</summary>
    public const double IngestTarget = 0.5;

    public DateTimeOffset At { get; init; }
    public string Machine { get; init; } = "";
    public string Azurite { get; init; } = "";
    public bool Smoke { get; init; }
    public int Concurrency { get; init; }
    public double Seconds { get; init; }
    public double RawQueueSendsPerSecond { get; init; }
    public double RawTableInsertsPerSecond { get; init; }
    /// <summary>The same inserts into the Orders table once it holds the history: how much the emulator itself slows with size.</summary>
    public double RawTableInsertsWithHistoryPerSecond { get; init; }
    public required PipelineResult Fresh { get; init; }
    /// <summary>The latency phase with the median p99 (the only one unless --repeat).</summary>
    public required RateResult AtTargetLoad { get; init; }
    /// <summary>Every latency phase's p99, in the order they ran.</summary>
    public IReadOnlyList<double> AtTargetLoadP99sMs { get; init; } = [];
    public int History { get; init; }
    public required PipelineResult WithHistory { get; init; }
    public double HostPeakRssMb { get; init; }

    public double IngestRatio => Fresh.IngestPerSecond / RawQueueSendsPerSecond;
    public double EndToEndRatio => Fresh.EndToEndPerSecond / RawQueueSendsPerSecond;
    public double GrowthRatio => WithHistory.EndToEndPerSecond / Fresh.EndToEndPerSecond;
    public double StorageGrowthRatio => RawTableInsertsWithHistoryPerSecond / RawTableInsertsPerSecond;

    public string Table()
    {
        var sb = new StringBuilder();
        sb.AppendLine($"| measure ({Concurrency} concurrent clients, {Seconds:0.#} s, Azurite: {Azurite}{(Smoke ? ", SMOKE" : "")}) | value | target |");
        sb.AppendLine("|---|---:|---:|");
        sb.AppendLine($"| raw Azurite queue sends/s | {RawQueueSendsPerSecond:0} | (limit) |");
        sb.AppendLine($"| raw Azurite table inserts/s | {RawTableInsertsPerSecond:0} | (limit) |");
        sb.AppendLine($"| ingest: signed 3-line orders accepted/s | {Fresh.IngestPerSecond:0} | |");
        sb.AppendLine($"| ingest latency p50 / p95 / p99 ms ({Concurrency} clients flat out) | {Fresh.IngestP50Ms:0.0} / {Fresh.IngestP95Ms:0.0} / {Fresh.IngestP99Ms:0.0} | |");
        sb.AppendLine($"| ingest latency p50 / p95 / p99 ms at {AtTargetLoad.OfferedPerSecond:0}/s offered ({AtTargetLoad.OfferedPerSecond / RawQueueSendsPerSecond:0.##}x raw queue send; {AtTargetLoad.Accepted} accepted, {AtTargetLoad.Failed} failed) | {AtTargetLoad.P50Ms:0.0} / {AtTargetLoad.P95Ms:0.0} / {AtTargetLoad.P99Ms:0.0} | p99 <= 100 |");
        if (AtTargetLoadP99sMs.Count > 1)
            sb.AppendLine($"| p99 ms of each of {AtTargetLoadP99sMs.Count} latency phases (the row above is the median one) | {string.Join(" / ", AtTargetLoadP99sMs.Select(p => p.ToString("0")))} | |");
        sb.AppendLine($"| end-to-end: orders posted/s | {Fresh.EndToEndPerSecond:0} | |");
        sb.AppendLine($"| accept-to-posted p95 ms | {Fresh.AcceptToPostedP95Ms:0} | |");
        sb.AppendLine($"| ingest / raw queue send | {IngestRatio:0.00} | >= {IngestTarget:0.0} |");
        sb.AppendLine($"| end-to-end / raw queue send | {EndToEndRatio:0.00} | >= 0.3 |");
        sb.AppendLine($"| end-to-end with {History} orders of history | {WithHistory.EndToEndPerSecond:0} | |");
        sb.AppendLine($"| growth (with history / without) | {GrowthRatio:0.00} | >= 0.9 |");
        sb.AppendLine($"| raw Azurite table inserts/s into a table holding the history | {RawTableInsertsWithHistoryPerSecond:0} | |");
        sb.AppendLine($"| Azurite's own growth (raw table inserts with history / without) | {StorageGrowthRatio:0.00} | |");
        sb.AppendLine($"| the host's table requests per order: empty books / with history | {Fresh.TableRequestsPerOrder:0.00} / {WithHistory.TableRequestsPerOrder:0.00} | |");
        sb.AppendLine($"| of which point reads / queries (any read not by both keys) | {Fresh.StorageRequestsPerOrder.GetValueOrDefault("table point-read"):0.000} / {Fresh.TableQueriesPerOrder:0.000}; {WithHistory.StorageRequestsPerOrder.GetValueOrDefault("table point-read"):0.000} / {WithHistory.TableQueriesPerOrder:0.000} | |");
        sb.AppendLine($"| host peak RSS MB | {HostPeakRssMb:0} | <= 300 |");
        foreach (var process in Fresh.CpuMsPerOrder.Keys)
            sb.AppendLine($"| CPU ms per order, {process}: empty books / with history | {Fresh.CpuMsPerOrder[process]:0.00} / {WithHistory.CpuMsPerOrder.GetValueOrDefault(process):0.00} | |");
        return sb.ToString();
    }
}

/// <summary>
/// An ingest phase: what a flat-out ingest-only phase (posting off) records, and the first half of a pipeline phase
/// (PipelineResult), under the same names so --compare reads both. CPU and storage requests are per accepted delivery,
/// over the phase (a pipeline phase's span runs until every order is posted).
/// </summary>
public record IngestPhase
{
    public int Accepted { get; init; }
    public int Failed { get; init; }
    public double IngestPerSecond { get; init; }
    public double IngestP50Ms { get; init; }
    public double IngestP95Ms { get; init; }
    public double IngestP99Ms { get; init; }
    /// <summary>CPU milliseconds per order, by process, over the phase's span.</summary>
    public IReadOnlyDictionary<string, double> CpuMsPerOrder { get; init; } = new Dictionary<string, double>();
    /// <summary>The host's storage requests per order over the same span, by "service kind" ("table query", "queue send").</summary>
    public IReadOnlyDictionary<string, double> StorageRequestsPerOrder { get; init; } = new Dictionary<string, double>();
}

/// <summary>
/// An ingest-only run (--ingest-only): posting switched off, --repeat rounds of a flat-out phase and a phase at a fixed
/// offered load. Fresh is the median flat-out phase by rate and AtTargetLoad the median offered phase by host CPU per
/// delivery, under the names a full run uses, so --compare puts both kinds of file side by side.
/// </summary>
public sealed record IngestResult : PartRun
{
    public string Mode => "ingest only (posting disabled)";
    public double RawQueueSendsPerSecond { get; init; }
    public required IngestPhase Fresh { get; init; }
    public IReadOnlyList<IngestPhase> FlatOut { get; init; } = [];
    public required RateResult AtTargetLoad { get; init; }
    public IReadOnlyList<RateResult> AtRate { get; init; } = [];
    public double IngestRatio => Fresh.IngestPerSecond / RawQueueSendsPerSecond;

    public string Table()
    {
        var sb = new StringBuilder();
        // The last column is one round's figures, not a median of each row: flat-out rows are the round with the median
        // rate, offered rows the round with the median host CPU per delivery.
        sb.AppendLine($"| measure ({Concurrency} concurrent clients, {Seconds:0.#} s phases, posting disabled, Azurite: {Azurite}) | each round | the median round (flat out: by rate; offered: by host CPU) |");
        sb.AppendLine("|---|---:|---:|");
        sb.AppendLine($"| raw Azurite queue sends/s | | {RawQueueSendsPerSecond:0} |");
        sb.AppendLine($"| flat out: accepted/s | {Each(FlatOut, p => p.IngestPerSecond, "0")} | {Fresh.IngestPerSecond:0} |");
        sb.AppendLine($"| flat out: p99 ms | {Each(FlatOut, p => p.IngestP99Ms, "0.0")} | {Fresh.IngestP99Ms:0.0} |");
        sb.AppendLine($"| flat out: host CPU ms per delivery | {Each(FlatOut, p => p.CpuMsPerOrder.GetValueOrDefault("host"), "0.00")} | {Fresh.CpuMsPerOrder.GetValueOrDefault("host"):0.00} |");
        sb.AppendLine($"| at {AtTargetLoad.OfferedPerSecond:0}/s offered: host CPU ms per delivery | {Each(AtRate, r => r.CpuMsPerOrder.GetValueOrDefault("host"), "0.00")} | {AtTargetLoad.CpuMsPerOrder.GetValueOrDefault("host"):0.00} |");
        sb.AppendLine($"| at {AtTargetLoad.OfferedPerSecond:0}/s offered: Azurite table CPU ms per delivery | {Each(AtRate, r => r.CpuMsPerOrder.GetValueOrDefault("azurite-table"), "0.00")} | {AtTargetLoad.CpuMsPerOrder.GetValueOrDefault("azurite-table"):0.00} |");
        sb.AppendLine($"| at {AtTargetLoad.OfferedPerSecond:0}/s offered: p99 ms, failed | {Each(AtRate, r => r.P99Ms, "0")} | {AtTargetLoad.P99Ms:0}, {AtTargetLoad.Failed} |");
        sb.AppendLine($"| host peak RSS MB | | {HostPeakRssMb:0} |");
        return sb.ToString();
    }

    static string Each<T>(IEnumerable<T> phases, Func<T, double> value, string format) => string.Join(" / ", phases.Select(p => value(p).ToString(format, System.Globalization.CultureInfo.InvariantCulture)));
}

/// <summary>The drain of a posting-only run: events ingested with posting off, posted by a host with nothing else to do.</summary>
public sealed record PostingPhase
{
    /// <summary>Events ingested, all of which must be posted.</summary>
    public int Orders { get; init; }
    /// <summary>Events posted in the measured span (after the first fifth, while the host's JIT settled).</summary>
    public int Measured { get; init; }
    public int FailedPostings { get; init; }
    public double Seconds { get; init; }
    /// <summary>The load averages at the start and end of the measured span: runs on a shared machine compare only at similar load.</summary>
    public string LoadAverage { get; init; } = "";
    public double PostedPerSecond { get; init; }
    /// <summary>CPU milliseconds per order posted, by process, over the measured span.</summary>
    public IReadOnlyDictionary<string, double> CpuMsPerOrder { get; init; } = new Dictionary<string, double>();
    /// <summary>The posting host's storage requests per order posted, by "service kind".</summary>
    public IReadOnlyDictionary<string, double> StorageRequestsPerOrder { get; init; } = new Dictionary<string, double>();
    public double TableRequestsPerOrder => StorageRequestsPerOrder.Where(r => r.Key.StartsWith("table ", StringComparison.Ordinal)).Sum(r => r.Value);
}

/// <summary>
/// A posting-only run (--posting-only): Fresh is the ingest with posting off (an ingest-only run's names), Posting the
/// drain by a second host; --compare reads both kinds of file beside a full run.
/// </summary>
public sealed record PostingResult : PartRun
{
    public string Mode => "posting only (ingested with posting disabled, then drained by a second host)";
    public required IngestPhase Fresh { get; init; }
    public required PostingPhase Posting { get; init; }

    public string Table()
    {
        var sb = new StringBuilder();
        sb.AppendLine($"| measure ({Concurrency} concurrent clients, {Seconds:0.#} s of ingest with posting off, then a drain; Azurite: {Azurite}) | value |");
        sb.AppendLine("|---|---:|");
        sb.AppendLine($"| ingest (posting off): accepted/s | {Fresh.IngestPerSecond:0} |");
        sb.AppendLine($"| posting alone: orders posted/s ({Posting.Measured} of {Posting.Orders} measured, {Posting.FailedPostings} failed) | {Posting.PostedPerSecond:0} |");
        foreach (var (process, ms) in Posting.CpuMsPerOrder)
            sb.AppendLine($"| posting alone: CPU ms per order, {process} | {ms:0.00} |");
        sb.AppendLine($"| posting alone: the host's table requests per order | {Posting.TableRequestsPerOrder:0.00} |");
        sb.AppendLine($"| posting host peak RSS MB | {HostPeakRssMb:0} |");
        sb.AppendLine($"| load average (1, 5, 15 min) over the drain | {Posting.LoadAverage} |");
        return sb.ToString();
    }
}

/// <summary>What an ingest-only or posting-only run says of itself: when, where, on which build, how hard.</summary>
public abstract record PartRun
{
    public DateTimeOffset At { get; init; }
    public string Machine { get; init; } = "";
    public string Azurite { get; init; } = "";
    /// <summary>The folder of the Connectors.Functions.dll that ran.</summary>
    public string Host { get; init; } = "";
    public int Concurrency { get; init; }
    public double Seconds { get; init; }
    /// <summary>The (posting) host's peak RSS.</summary>
    public double HostPeakRssMb { get; init; }
}
