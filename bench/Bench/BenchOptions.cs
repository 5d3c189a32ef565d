namespace Connectors.Bench;

/// <summary>How long and how hard to run. The full run is bench/README.md's figure; Smoke only proves the benchmark still works.</summary>
public sealed record BenchOptions
{
    public int Concurrency { get; init; } = 32;
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(15);
    public int History { get; init; } = 100_000;
    public string ResultsDirectory { get; init; } = "bench/results";
    public bool Smoke { get; init; }
    /// <summary>Blob, queue and table in separate Azurite processes (as separate services in Azure), or all in one.</summary>
    public bool SeparateServices { get; init; } = true;
    /// <summary>A folder (a RAM disk such as /dev/shm) for a file-backed Azurite queue; null keeps it in memory.</summary>
    public string? QueueFiles { get; init; }
    /// <summary>Deliveries/s offered in the latency phase instead of 0.5x this run's raw send rate: A/B runs of one setting at one load.</summary>
    public double? Offered { get; init; }
    /// <summary>Latency phases run back to back (each drained before the next): one run's p99 spreads widely, N show how far.</summary>
    public int Repeat { get; init; } = 1;
    /// <summary>Posting switched off in the host (AzureWebJobs.PostEvent.Disabled): ingest alone on the cores, for before/after pairs of the ingest path.</summary>
    public bool IngestOnly { get; init; }
    /// <summary>Orders ingested with posting off, then drained by a second host (posting on): posting's own rate and CPU per order.</summary>
    public bool PostingOnly { get; init; }
    /// <summary>A folder holding another build's Connectors.Functions.dll to run instead of this one's: one load generator for both sides of a pair.</summary>
    public string? HostDirectory { get; init; }

    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            o = args[i] switch
            {
                "--smoke" => o with { Smoke = true, Duration = TimeSpan.FromSeconds(2), History = 200, Concurrency = 8 },
                "--concurrency" => o with { Concurrency = int.Parse(args[++i]) },
                "--seconds" => o with { Duration = TimeSpan.FromSeconds(double.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture)) },
                "--history" => o with { History = int.Parse(args[++i]) },
                "--results" => o with { ResultsDirectory = args[++i] },
                "--queue-files" => o with { QueueFiles = args[++i] },
                "--offered" => o with { Offered = double.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture) is > 0 and var rate ? rate : throw new ArgumentException($"--offered {args[i]}: expected deliveries per second above 0.") },
                "--repeat" => o with { Repeat = int.Parse(args[++i]) is >= 1 and var n ? n : throw new ArgumentException($"--repeat {args[i]}: expected 1 or more latency phases.") },
                "--ingest-only" => o with { IngestOnly = true },
                "--posting-only" => o with { PostingOnly = true },
                "--host" => o with { HostDirectory = File.Exists(Path.Combine(args[++i], "Connectors.Functions.dll")) ? Path.GetFullPath(args[i]) : throw new ArgumentException($"--host {args[i]}: no Connectors.Functions.dll in that folder (build it with dotnet build -c Release Functions).") },
                "--azurite" => o with { SeparateServices = args[++i] switch { "split" => true, "one" => false, var v => throw new ArgumentException($"--azurite {v}: expected split or one.") } },
                _ => throw new ArgumentException($"Unknown option {args[i]}. Options: --smoke --concurrency N --seconds S --history N --results DIR --azurite split|one --queue-files DIR --offered PER_SECOND --repeat N --ingest-only --posting-only --host DIR; or alone: --queue-depth, --transaction-cost, --compare FILE..."),
            };
        }
        if (o.IngestOnly && o.PostingOnly) throw new ArgumentException("--ingest-only and --posting-only: choose one (each switches posting off in its own way).");
        return o;
    }
}
