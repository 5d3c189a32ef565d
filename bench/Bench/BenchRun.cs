using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Connectors.Activity;
using Connectors.Hosting;
using Connectors.Storage;
using Connectors.Tests.Fixtures;

namespace Connectors.Bench;

/// <summary>
/// One run, everything side by side at the same client concurrency: Azurite's own queue-send and table-insert rates
/// (the limit), then the host's ingest and end-to-end rates, with and without history in the books.
/// </summary>
public sealed class BenchRun(BenchOptions options, TextWriter log)
{
    const string AdminKey = "bench-admin-key";
    const string RawQueue = "bench-raw";
    const string RawTable = "BenchRaw";
    /// <summary>Shopify drops a delivery that is not answered within 5 seconds.</summary>
    static readonly TimeSpan ShopifyTimeout = TimeSpan.FromSeconds(5);

    readonly string? _queueRoot = options.QueueFiles is { } root ? Path.Combine(root, "connectors-bench-" + Guid.NewGuid().ToString("N")) : null;

    public Task<BenchResult> RunAsync() => CleaningUp(RunPhasesAsync);

    async Task<BenchResult> RunPhasesAsync()
    {
        // The limit is measured on an Azurite of its own, then stopped: its queue's cost grows with the messages it
        // holds (and it sweeps them in the background), so the raw runs' leftovers must not tax the pipeline.
        Load.Result rawQueue, rawTable;
        await using (var raw = await Azurite.StartAsync(separateServices: options.SeparateServices, queueLocation: QueueFolder()))
        {
            var rawStorage = StorageAccount.FromConnectionString(raw.ConnectionString);
            log.WriteLine($"raw storage: {options.Concurrency} workers, {options.Duration.TotalSeconds:0.#} s each");
            rawQueue = await RawQueueSendsAsync(rawStorage);
            rawTable = await RawTableInsertsAsync(rawStorage);
        }

        await using var azurite = await Azurite.StartAsync(separateServices: options.SeparateServices, queueLocation: QueueFolder());
        var storage = StorageAccount.FromConnectionString(azurite.ConnectionString);
        await storage.EnsureCreatedAsync();

        await using var host = await StartHostAsync(azurite.ConnectionString);
        using var http = LoadClient(host);
        var cpu = Meter(host, azurite);

        await CreateItemsAsync(http);
        log.WriteLine("warm-up (JIT, connection pools; not measured)");
        await WarmUpAsync(http, storage);
        log.WriteLine("pipeline, empty books");
        var fresh = await PipelineAsync(http, storage, cpu, "fresh");
        // On the same books as the ingest ratio it belongs to (before the history), then drained: a load above what the
        // pipeline sustains leaves a backlog, which must not slow the phases after it.
        var targetRate = options.Offered ?? rawQueue.PerSecond * BenchResult.IngestTarget;
        log.WriteLine($"ingest latency at the target load ({targetRate:0}/s, open loop; unanswered after {ShopifyTimeout.TotalSeconds:0} s counts as failed)");
        // Webhooks come from many senders: no cap on connections here, or deliveries would queue inside this client.
        using var senders = new HttpClient { BaseAddress = http.BaseAddress, Timeout = http.Timeout };
        var atTargetRuns = new List<RateResult>();
        for (var run = 1; run <= options.Repeat; run++)
        {
            if (options.Repeat > 1) log.WriteLine($"  latency phase {run} of {options.Repeat}");
            atTargetRuns.Add(await IngestAtRateAsync(senders, cpu, targetRate, run));
            await DrainAsync(storage);
        }
        // The table reports the phase with the median p99; every phase's p99 is listed beside it.
        var atTarget = atTargetRuns.OrderBy(r => r.P99Ms).ElementAt((atTargetRuns.Count - 1) / 2);
        log.WriteLine($"seeding {options.History} orders of history");
        var seeded = await SeedHistoryAsync(http, azurite.ConnectionString, storage);
        log.WriteLine("pipeline, with history");
        var withHistory = await PipelineAsync(http, storage, cpu, "history");
        // Azurite keeps a table in one in-memory collection whose indexes grow with it: its own rate with the history in.
        log.WriteLine($"raw table inserts into {TableNames.Orders}, which holds the history");
        var rawTableWithHistory = await RawTableInsertsAsync(storage, TableNames.Orders);

        // The host logs warnings and errors only: anything here (a retry, a timeout) explains an odd figure.
        Directory.CreateDirectory(options.ResultsDirectory);
        File.WriteAllLines(Path.Combine(options.ResultsDirectory, options.Smoke ? "host-smoke.log" : "host.log"), host.Output);
        log.WriteLine($"host log: {host.Output.Count} lines of warnings and errors, in {options.ResultsDirectory}/{(options.Smoke ? "host-smoke.log" : "host.log")}");
        var result = new BenchResult
        {
            At = DateTimeOffset.UtcNow,
            Concurrency = options.Concurrency,
            Seconds = options.Duration.TotalSeconds,
            Smoke = options.Smoke,
            RawQueueSendsPerSecond = rawQueue.PerSecond,
            RawTableInsertsPerSecond = rawTable.PerSecond,
            RawTableInsertsWithHistoryPerSecond = rawTableWithHistory.PerSecond,
            Fresh = fresh,
            AtTargetLoad = atTarget,
            AtTargetLoadP99sMs = atTargetRuns.Select(r => r.P99Ms).ToList(),
            History = seeded,
            WithHistory = withHistory,
            HostPeakRssMb = PeakRssMb(host),
            Machine = $"{Environment.ProcessorCount} cores, {Environment.OSVersion}",
            Azurite = AzuriteLabel,
        };
        return result;
    }

    /// <summary>
    /// Ingest alone (--ingest-only): posting is switched off in the host, so the cores are shared only with Azurite and
    /// the load generator, and a before/after pair of the ingest path is not blurred by posting's share of them. Each of
    /// the --repeat rounds is a flat-out phase and a phase at a fixed offered load (the same for both sides of a pair,
    /// so CPU per delivery compares at equal transaction sharing); the queue is emptied after each.
    /// </summary>
    public Task<IngestResult> RunIngestOnlyAsync() => CleaningUp(RunIngestPhasesAsync);

    async Task<IngestResult> RunIngestPhasesAsync()
    {
        Load.Result rawQueue;
        await using (var raw = await Azurite.StartAsync(separateServices: options.SeparateServices, queueLocation: QueueFolder()))
        {
            log.WriteLine($"raw storage: {options.Concurrency} workers, {options.Duration.TotalSeconds:0.#} s");
            rawQueue = await RawQueueSendsAsync(StorageAccount.FromConnectionString(raw.ConnectionString));
        }
        await using var azurite = await Azurite.StartAsync(separateServices: options.SeparateServices, queueLocation: QueueFolder());
        var storage = StorageAccount.FromConnectionString(azurite.ConnectionString);
        await storage.EnsureCreatedAsync();
        await using var host = await StartHostAsync(azurite.ConnectionString, postingDisabled: true);
        using var http = LoadClient(host);
        using var senders = new HttpClient { BaseAddress = http.BaseAddress, Timeout = http.Timeout };
        var cpu = Meter(host, azurite);

        log.WriteLine("warm-up (JIT, connection pools; not measured)");
        var warm = await CreateConnectionAsync(http, "warm-up");
        await Load.RunAsync(options.Concurrency, options.Duration, null, i => DeliverAsync(http, warm, $"warm-{i}"));
        await EmptyQueueAsync(storage);
        var rate = options.Offered ?? rawQueue.PerSecond * BenchResult.IngestTarget;
        var flatOut = new List<IngestPhase>();
        var atRate = new List<RateResult>();
        for (var round = 1; round <= options.Repeat; round++)
        {
            log.WriteLine($"round {round} of {options.Repeat}: flat out");
            flatOut.Add(await IngestFlatOutAsync(http, cpu, $"ingest-{round}"));
            await EmptyQueueAsync(storage);
            log.WriteLine($"round {round} of {options.Repeat}: {rate:0}/s offered (open loop)");
            atRate.Add(await IngestAtRateAsync(senders, cpu, rate, round));
            await EmptyQueueAsync(storage);
        }
        Directory.CreateDirectory(options.ResultsDirectory);
        File.WriteAllLines(Path.Combine(options.ResultsDirectory, "host-ingest.log"), host.Output);
        return Stamped(new IngestResult
        {
            RawQueueSendsPerSecond = rawQueue.PerSecond,
            Fresh = flatOut.OrderBy(p => p.IngestPerSecond).ElementAt((flatOut.Count - 1) / 2),
            FlatOut = flatOut,
            AtTargetLoad = atRate.OrderBy(r => r.CpuMsPerOrder.GetValueOrDefault("host")).ElementAt((atRate.Count - 1) / 2),
            AtRate = atRate,
        }, host);
    }

    /// <summary>
    /// Posting alone (--posting-only): a host with posting switched off takes signed orders flat out for the set
    /// duration and is stopped; a second host on the same Azurite, posting on, then drains the queue with nothing else
    /// on the cores but Azurite. The drain is measured from when a fifth of the events are posted (the second host's JIT
    /// and pools settle meanwhile) to the empty queue; every order is then checked posted, and stock moved, exactly once.
    /// </summary>
    public Task<PostingResult> RunPostingOnlyAsync() => CleaningUp(RunPostingPhasesAsync);

    async Task<PostingResult> RunPostingPhasesAsync()
    {
        await using var azurite = await Azurite.StartAsync(separateServices: options.SeparateServices, queueLocation: QueueFolder());
        var storage = StorageAccount.FromConnectionString(azurite.ConnectionString);
        await storage.EnsureCreatedAsync();
        IngestPhase ingest;
        Connection connection;
        Dictionary<string, decimal> stockBefore;
        await using (var ingestHost = await StartHostAsync(azurite.ConnectionString, postingDisabled: true))
        {
            using var ingestHttp = LoadClient(ingestHost);
            await CreateItemsAsync(ingestHttp);
            stockBefore = await StockAsync(ingestHttp);
            connection = await CreateConnectionAsync(ingestHttp, "posting-only");
            log.WriteLine($"ingest with posting off: {options.Concurrency} workers, {options.Duration.TotalSeconds:0.#} s");
            ingest = await IngestFlatOutAsync(ingestHttp, Meter(ingestHost, azurite), "posting-only", connection);
            await ingestHost.StopAsync();
        }

        await using var host = await StartHostAsync(azurite.ConnectionString);
        log.WriteLine($"posting host: pid {host.ProcessId}, draining {ingest.Accepted} events");
        using var http = new HttpClient { BaseAddress = new Uri(host.BaseUrl), Timeout = TimeSpan.FromSeconds(30) };
        var cpu = Meter(host, azurite);
        // Events travel several to a message, so progress is read off the stock: each order posted moves it by its quantity.
        var left = ingest.Accepted - await WaitUntilPostedAsync(http, stockBefore, ingest.Accepted / 5);
        var requestsBefore = await StorageRequestsAsync(http);
        var cpuBefore = cpu.Seconds();
        var loadBefore = LoadAverage();
        var drain = Stopwatch.StartNew();
        await DrainAsync(storage);
        var elapsed = drain.Elapsed;
        var posting = new PostingPhase
        {
            Orders = ingest.Accepted,
            Measured = left,
            Seconds = elapsed.TotalSeconds,
            LoadAverage = $"{loadBefore} -> {LoadAverage()}",
            PostedPerSecond = left / elapsed.TotalSeconds,
            CpuMsPerOrder = CpuMeter.PerOrder(cpuBefore, cpu.Seconds(), left),
            StorageRequestsPerOrder = PerOrder(requestsBefore, await StorageRequestsAsync(http), left),
        };
        var (_, failedPostings) = await CheckPostedExactlyOnceAsync(http, storage, connection, ingest.Accepted, stockBefore);
        posting = posting with { FailedPostings = failedPostings };
        log.WriteLine($"  posted {left} events in {elapsed.TotalSeconds:0.0} s: {posting.PostedPerSecond:0}/s, failed postings {failedPostings}");
        log.WriteLine($"  CPU ms per order posted: {CpuMeter.Describe(posting.CpuMsPerOrder)}; load average {posting.LoadAverage}");
        log.WriteLine($"  host's storage requests per order posted: {Describe(posting.StorageRequestsPerOrder)}");
        Directory.CreateDirectory(options.ResultsDirectory);
        File.WriteAllLines(Path.Combine(options.ResultsDirectory, "host-posting.log"), host.Output);
        return Stamped(new PostingResult
        {
            Fresh = ingest,
            Posting = posting,
        }, host);
    }

    /// <summary>The machine's 1, 5 and 15 minute load averages (/proc/loadavg): other work on the cores blurs a CPU figure.</summary>
    static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    /// <summary>Polls the first item's stock until at least <paramref name="least"/> orders have moved it; returns how many had then.</summary>
    static async Task<int> WaitUntilPostedAsync(HttpClient http, IReadOnlyDictionary<string, decimal> stockBefore, int least)
    {
        var (sku, qty, _, _) = BenchOrders.Lines[0];
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(5);
        while (true)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"After 5 minutes fewer than {least} orders are posted: is the host posting? (see bench/results/host-posting.log)");
            try
            {
                var posted = (int)((stockBefore[sku] - (await StockAsync(http))[sku]) / qty);
                if (posted >= least) return posted;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException) { }
            await Task.Delay(50);
        }
    }

    async Task<IngestPhase> IngestFlatOutAsync(HttpClient http, CpuMeter cpu, string label, Connection? into = null)
    {
        var connection = into ?? await CreateConnectionAsync(http, label);
        var requestsBefore = await StorageRequestsAsync(http);
        var cpuBefore = cpu.Seconds();
        var r = await Load.RunAsync(options.Concurrency, options.Duration, null, i => DeliverAsync(http, connection, $"{label}-{i}"));
        var phase = new IngestPhase
        {
            Accepted = r.Completed, Failed = r.Failed, IngestPerSecond = r.PerSecond,
            IngestP50Ms = Percentiles.Of(r.LatenciesMs, 50), IngestP95Ms = Percentiles.Of(r.LatenciesMs, 95), IngestP99Ms = Percentiles.Of(r.LatenciesMs, 99),
            CpuMsPerOrder = CpuMeter.PerOrder(cpuBefore, cpu.Seconds(), r.Completed),
            StorageRequestsPerOrder = PerOrder(requestsBefore, await StorageRequestsAsync(http), r.Completed),
        };
        log.WriteLine($"  {r.Completed} accepted, {r.Failed} failed, {r.PerSecond:0}/s, p50 {phase.IngestP50Ms:0.0} ms, p99 {phase.IngestP99Ms:0.0} ms");
        log.WriteLine($"  CPU ms per delivery: {CpuMeter.Describe(phase.CpuMsPerOrder)}");
        return phase;
    }

    /// <summary>With posting off, accepted events pile up; Azurite's queue slows as it fills, so each phase starts from an empty one.</summary>
    static async Task EmptyQueueAsync(StorageAccount storage)
    {
        var queue = storage.Queue(QueueNames.Events);
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(5);
        // Clearing thousands of messages can outlast a request's timeout on Azurite: clear again until none is left.
        while (true)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("After 5 minutes the events queue still holds messages: Azurite's queue is not answering (see the host log).");
            try
            {
                await queue.ClearMessagesAsync();
                if ((await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount == 0) break;
            }
            catch (Exception e) when (e is Azure.RequestFailedException or AggregateException or TaskCanceledException) { }
        }
        var outbox = storage.Table(TableNames.Outbox);
        await foreach (var row in outbox.QueryAsync<Azure.Data.Tables.TableEntity>(select: ["PartitionKey", "RowKey"]))
            await outbox.DeleteEntityAsync(row.PartitionKey, row.RowKey);
    }

    /// <summary>The shipped host (or --host's build) on this run's Azurite, logging warnings and errors only.</summary>
    async Task<HostProcess> StartHostAsync(string storageConnectionString, bool postingDisabled = false)
    {
        var environment = new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = storageConnectionString,
            ["AdminKey"] = AdminKey,
            ["Logging__LogLevel__Default"] = "Warning",
        };
        if (postingDisabled) environment["AzureWebJobs.PostEvent.Disabled"] = "true";
        if (options.HostDirectory is not null) log.WriteLine($"host: {options.HostDirectory}");
        return await HostProcess.StartAsync(Directory.CreateTempSubdirectory("connectors-bench-").FullName, environment, appDirectory: options.HostDirectory);
    }

    /// <summary>A part run's own description: when, the machine, Azurite, the build that ran, the host's peak RSS.</summary>
    T Stamped<T>(T run, HostProcess host) where T : PartRun => run with
    {
        At = DateTimeOffset.UtcNow,
        Concurrency = options.Concurrency,
        Seconds = options.Duration.TotalSeconds,
        Host = options.HostDirectory ?? AppContext.BaseDirectory,
        HostPeakRssMb = PeakRssMb(host),
        Machine = $"{Environment.ProcessorCount} cores, {Environment.OSVersion}",
        Azurite = AzuriteLabel,
    };

    /// <summary>The load generator's client of the host: connections enough for every worker.</summary>
    HttpClient LoadClient(HostProcess host) =>
        new(new SocketsHttpHandler { MaxConnectionsPerServer = options.Concurrency * 2 }) { BaseAddress = new Uri(host.BaseUrl), Timeout = TimeSpan.FromSeconds(30) };

    static CpuMeter Meter(HostProcess host, Azurite azurite) => new([("host", host.ProcessId), .. azurite.Processes, ("load", Environment.ProcessId)]);

    string AzuriteLabel => (options.SeparateServices ? "blob, queue and table in separate processes" : "one process")
        + (options.QueueFiles is null ? "" : ", queue file-backed in " + options.QueueFiles);

    /// <summary>Runs one kind of run, then removes the --queue-files folders its Azurites used.</summary>
    async Task<T> CleaningUp<T>(Func<Task<T>> run)
    {
        try { return await run(); }
        finally { if (_queueRoot is not null && Directory.Exists(_queueRoot)) Directory.Delete(_queueRoot, recursive: true); }
    }

    /// <summary>A fresh folder per Azurite under --queue-files, or null (in memory).</summary>
    string? QueueFolder() => _queueRoot is null ? null : Path.Combine(_queueRoot, Guid.NewGuid().ToString("N"));

    async Task<Load.Result> RawQueueSendsAsync(StorageAccount storage)
    {
        var queue = storage.Queue(RawQueue);
        await queue.CreateIfNotExistsAsync();
        var message = BinaryData.FromString(new string('x', 1200)); // about the size of a 3-line canonical event
        var r = await Load.RunAsync(options.Concurrency, options.Duration, null, async _ => { await queue.SendMessageAsync(message); return true; });
        log.WriteLine($"  queue sends/s   {r.PerSecond,10:0}");
        return r;
    }

    /// <param name="tableName">A table of its own (the limit), or one of the books' tables holding the history (the limit's own growth).</param>
    async Task<Load.Result> RawTableInsertsAsync(StorageAccount storage, string tableName = RawTable)
    {
        var table = storage.Table(tableName);
        await table.CreateIfNotExistsAsync();
        var payload = new string('x', 1000);
        var r = await Load.RunAsync(options.Concurrency, options.Duration, null, async i =>
        {
            await table.AddEntityAsync(new TableEntity("bench-raw|" + (i % 64), i.ToString("D10")) { ["Data"] = payload });
            return true;
        });
        log.WriteLine($"  table inserts/s {r.PerSecond,10:0}");
        return r;
    }

    /// <summary>Ingest for the set duration while posting runs, then wait until every accepted order is posted.</summary>
    async Task<PipelineResult> PipelineAsync(HttpClient http, StorageAccount storage, CpuMeter cpu, string label)
    {
        var connection = await CreateConnectionAsync(http, label);
        var stockBefore = await StockAsync(http);
        var requestsBefore = await StorageRequestsAsync(http);
        var cpuBefore = cpu.Seconds();
        var firstSend = Stopwatch.StartNew();
        var ingest = await Load.RunAsync(options.Concurrency, options.Duration, null, i => DeliverAsync(http, connection, $"{label}-{i}"));
        log.WriteLine($"  ingest: {ingest.Completed} accepted, {ingest.Failed} failed, {ingest.PerSecond:0}/s, p50 {Percentiles.Of(ingest.LatenciesMs, 50):0.0} ms, p95 {Percentiles.Of(ingest.LatenciesMs, 95):0.0} ms, p99 {Percentiles.Of(ingest.LatenciesMs, 99):0.0} ms");

        // Every message deleted means every event posted (or poisoned, which the activity read below counts as failed).
        // Polling the queue's count is cheap for Azurite; listing the activity table while it posts is not.
        await DrainAsync(storage);
        var allPosted = firstSend.Elapsed;
        var cpuPerOrder = CpuMeter.PerOrder(cpuBefore, cpu.Seconds(), ingest.Completed);
        var requestsPerOrder = PerOrder(requestsBefore, await StorageRequestsAsync(http), ingest.Completed);
        var (entries, failedPostings) = await CheckPostedExactlyOnceAsync(http, storage, connection, ingest.Completed, stockBefore);
        var postLatencies = entries.Where(e => e.UpdatedAt is not null).Select(e => (e.UpdatedAt!.Value - e.At).TotalMilliseconds).ToList();
        var result = new PipelineResult
        {
            Accepted = ingest.Completed,
            Failed = ingest.Failed,
            FailedPostings = failedPostings,
            IngestPerSecond = ingest.PerSecond,
            IngestP50Ms = Percentiles.Of(ingest.LatenciesMs, 50),
            IngestP95Ms = Percentiles.Of(ingest.LatenciesMs, 95),
            IngestP99Ms = Percentiles.Of(ingest.LatenciesMs, 99),
            EndToEndPerSecond = ingest.Completed / allPosted.TotalSeconds,
            AcceptToPostedP95Ms = Percentiles.Of(postLatencies, 95),
            CpuMsPerOrder = cpuPerOrder,
            StorageRequestsPerOrder = requestsPerOrder,
        };
        log.WriteLine($"  end-to-end: {result.EndToEndPerSecond:0}/s, accept-to-posted p95 {result.AcceptToPostedP95Ms:0} ms, failed postings {failedPostings}");
        log.WriteLine($"  CPU ms per order: {CpuMeter.Describe(cpuPerOrder)}");
        log.WriteLine($"  host's storage requests per order: {Describe(requestsPerOrder)}");
        return result;
    }

    /// <summary>
    /// Every accepted order posted (or failed) once the queue is empty, and exactly once: each posted order moved each
    /// item's stock by its line's quantity, no more, no less. Returns the connection's activity and its failed postings.
    /// </summary>
    static async Task<(IReadOnlyList<ActivityEntry> Entries, int FailedPostings)> CheckPostedExactlyOnceAsync(HttpClient http, StorageAccount storage, Connection connection, int accepted, IReadOnlyDictionary<string, decimal> stockBefore)
    {
        var entries = await new ActivityLog(storage, TimeProvider.System).ListAsync(connection.Id, accepted + 10, default);
        var notPosted = entries.Count(e => e.Status is not (ActivityStatus.Posted or ActivityStatus.Failed));
        if (notPosted > 0) throw new InvalidOperationException($"The queue is empty but {notPosted} accepted orders are not posted.");
        var failedPostings = entries.Count(e => e.Status == ActivityStatus.Failed);
        var posted = entries.Count(e => e.Status == ActivityStatus.Posted);
        var stockAfter = await StockAsync(http);
        foreach (var (sku, qty, _, _) in BenchOrders.Lines)
            if (stockBefore[sku] - stockAfter[sku] != qty * posted)
                throw new InvalidOperationException($"{posted} orders posted should have moved {qty * posted} of {sku}, but its stock moved by {stockBefore[sku] - stockAfter[sku]}.");
        return (entries, failedPostings);
    }

    /// <summary>A short untimed pipeline on its own connection, so the fresh run measures the steady state, not the JIT.</summary>
    async Task WarmUpAsync(HttpClient http, StorageAccount storage)
    {
        var connection = await CreateConnectionAsync(http, "warm-up");
        // As long as a measured phase: the JIT's tiers and the SDK's pools settle only after thousands of calls
        // (a 128-delivery warm-up left the first measured phase at a third of the later one's rate).
        await Load.RunAsync(options.Concurrency, options.Duration, null, i => DeliverAsync(http, connection, $"warm-{i}"));
        await DrainAsync(storage);
    }

    /// <summary>
    /// Waits until the outbox and the events queue are empty, so a measured run does not compete with earlier posting
    /// (nor count its stock): under load the queue takes events late and they wait in the outbox meanwhile.
    /// </summary>
    static async Task DrainAsync(StorageAccount storage)
    {
        var queue = storage.Queue(QueueNames.Events);
        var outbox = storage.Table(TableNames.Outbox);
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(5);
        while (true)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException("After 5 minutes events are still waiting in the outbox table or on the events queue: is the host posting? (see bench/results/host.log)");
            // A saturated emulator can time out a status read: that is a reason to look again, not to abort the run.
            try
            {
                var kept = false;
                await foreach (var _ in outbox.QueryAsync<Azure.Data.Tables.TableEntity>(maxPerPage: 1, select: ["PartitionKey"])) { kept = true; break; }
                if (!kept && (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount == 0) return;
            }
            catch (Exception e) when (e is Azure.RequestFailedException or AggregateException or TaskCanceledException) { }
            await Task.Delay(100);
        }
    }

    /// <summary>History on its own connection, in the same books (vouchers, stock, tables) the measured run posts to.</summary>
    async Task<int> SeedHistoryAsync(HttpClient http, string storageConnectionString, StorageAccount storage)
    {
        var connection = await CreateConnectionAsync(http, "seed");
        var r = await new History(storageConnectionString).SeedAsync(connection.Id, options.History, Math.Max(64, options.Concurrency * 4));
        await DrainAsync(storage);
        log.WriteLine($"  seeded {r.Completed} orders at {r.PerSecond:0}/s ({r.Failed} failed)");
        if (r.Failed > 0) throw new InvalidOperationException($"{r.Failed} history orders could not be seeded.");
        return r.Completed;
    }

    /// <summary>Deliveries arriving at a steady rate, on a fresh connection: the latency a shop sees at that load.</summary>
    async Task<RateResult> IngestAtRateAsync(HttpClient http, CpuMeter cpu, double perSecond, int run)
    {
        var connection = await CreateConnectionAsync(http, "at-rate");
        var requestsBefore = await StorageRequestsAsync(http, byResource: true);
        var cpuBefore = cpu.Seconds();
        // Wall-clock start, to set the timeline beside host.log and bench/azurite-loop-stalls.js's logs.
        var from = DateTimeOffset.UtcNow;
        log.WriteLine($"  from {from:HH:mm:ss.fff} UTC (epoch {from.ToUnixTimeMilliseconds() / 1000.0:0.000} s)");
        var r = await Load.RunAtRateAsync(perSecond, options.Duration, async i =>
        {
            using var timeout = new CancellationTokenSource(ShopifyTimeout);
            return await DeliverAsync(http, connection, $"rate-{i}", timeout.Token);
        });
        var cpuPerOrder = CpuMeter.PerOrder(cpuBefore, cpu.Seconds(), r.Completed);
        var requestsPerOrder = PerOrder(requestsBefore, await StorageRequestsAsync(http, byResource: true), r.Completed);
        WriteTimeline(r.LatenciesMs, perSecond, run);
        log.WriteLine($"  {r.Completed} accepted, {r.Failed} failed, {r.PerSecond:0}/s, p50 {Percentiles.Of(r.LatenciesMs, 50):0.0} ms, p95 {Percentiles.Of(r.LatenciesMs, 95):0.0} ms, p99 {Percentiles.Of(r.LatenciesMs, 99):0.0} ms");
        log.WriteLine($"  CPU ms per accepted order while offered{(options.IngestOnly ? "" : " (posting runs too)")}: {CpuMeter.Describe(cpuPerOrder)}");
        log.WriteLine($"  host's storage requests per accepted order while offered: {Describe(requestsPerOrder)}");
        return new RateResult
        {
            CpuMsPerOrder = cpuPerOrder,
            StorageRequestsPerOrder = requestsPerOrder,
            OfferedPerSecond = perSecond, Accepted = r.Completed, Failed = r.Failed,
            P50Ms = Percentiles.Of(r.LatenciesMs, 50), P95Ms = Percentiles.Of(r.LatenciesMs, 95), P99Ms = Percentiles.Of(r.LatenciesMs, 99),
        };
    }

    /// <summary>
    /// Latency by when deliveries were due, in 100 ms windows: slow answers bunched in a few windows are stalls (a pause,
    /// a burst of posting); spread evenly they are queueing. Written next to the results, not kept in git.
    /// </summary>
    void WriteTimeline(IReadOnlyList<double> latenciesMs, double perSecond, int run)
    {
        var lines = new List<string> { "due_s,deliveries,p50_ms,max_ms" };
        var perWindow = Math.Max(1, (int)Math.Round(perSecond / 10));
        for (var start = 0; start < latenciesMs.Count; start += perWindow)
        {
            var window = latenciesMs.Skip(start).Take(perWindow).ToList();
            lines.Add(FormattableString.Invariant($"{start / perSecond:0.0},{window.Count},{Percentiles.Of(window, 50):0.0},{window.Max():0.0}"));
        }
        Directory.CreateDirectory(options.ResultsDirectory);
        var name = (options.IngestOnly ? "ingest-" : "") + (options.Smoke ? "at-rate-timeline-smoke" : "at-rate-timeline") + (options.Repeat > 1 ? $"-{run}" : "") + ".csv";
        File.WriteAllLines(Path.Combine(options.ResultsDirectory, name), lines);
    }

    static async Task<bool> DeliverAsync(HttpClient http, Connection c, string externalId, CancellationToken ct = default)
    {
        using var response = await http.SendAsync(SignedRequests.Custom(c.Path, c.Secret, "order.created", BenchOrders.Created(externalId)), ct);
        return response.StatusCode == HttpStatusCode.OK;
    }

    sealed record Connection(string Id, string Path, string Secret);

    static HttpRequestMessage Admin(HttpMethod method, string path, object? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        request.Headers.Add("x-functions-key", AdminKey);
        return request;
    }

    static async Task<Dictionary<string, decimal>> StockAsync(HttpClient http)
    {
        var stock = new Dictionary<string, decimal>();
        foreach (var (sku, _, _, _) in BenchOrders.Lines)
        {
            using var response = await http.SendAsync(Admin(HttpMethod.Get, "/api/manage/items/" + sku));
            stock[sku] = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("stock").GetDecimal();
        }
        return stock;
    }

    /// <summary>The order's SKUs as items of the books (a SKU equal to an item's maps to itself), so orders move stock.</summary>
    static async Task CreateItemsAsync(HttpClient http)
    {
        foreach (var (sku, _, _, _) in BenchOrders.Lines)
        {
            using var response = await http.SendAsync(Admin(HttpMethod.Put, "/api/manage/items/" + sku, new { name = "Bench " + sku, stock = BenchOrders.OpeningStock }));
            if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"Could not create the bench item {sku}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    static async Task<Connection> CreateConnectionAsync(HttpClient http, string name)
    {
        using var response = await http.SendAsync(Admin(HttpMethod.Post, "/api/manage/connections", new { platform = "custom", name = "bench " + name }));
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        if (response.StatusCode != HttpStatusCode.Created) throw new InvalidOperationException("Could not create the bench connection: " + json);
        return new Connection(json.GetProperty("id").GetString()!, new Uri(json.GetProperty("deliveryUrl").GetString()!).AbsolutePath, json.GetProperty("signingSecret").GetString()!);
    }

    /// <summary>The host's storage requests so far, by "service kind" or, by table or queue, "service resource kind" (GET /api/manage/storage-requests).</summary>
    static async Task<Dictionary<string, long>> StorageRequestsAsync(HttpClient http, bool byResource = false)
    {
        using var response = await http.SendAsync(Admin(HttpMethod.Get, "/api/manage/storage-requests"));
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException("Could not read the host's storage requests: " + json);
        return json.GetProperty("requests").EnumerateArray()
            .GroupBy(r => byResource
                ? $"{r.GetProperty("service").GetString()} {r.GetProperty("resource").GetString()} {r.GetProperty("kind").GetString()}"
                : $"{r.GetProperty("service").GetString()} {r.GetProperty("kind").GetString()}")
            .ToDictionary(g => g.Key, g => g.Sum(r => r.GetProperty("requests").GetInt64()));
    }

    /// <summary>Requests made between two readings, per order; the kinds in a fixed order so runs compare line by line.</summary>
    static SortedDictionary<string, double> PerOrder(Dictionary<string, long> before, Dictionary<string, long> after, int orders) =>
        new(after.Where(a => a.Value != before.GetValueOrDefault(a.Key))
            .ToDictionary(a => a.Key, a => orders == 0 ? 0 : (a.Value - before.GetValueOrDefault(a.Key)) / (double)orders), StringComparer.Ordinal);

    static string Describe(IReadOnlyDictionary<string, double> perOrder) => string.Join(", ", perOrder.Select(r => $"{r.Key} {r.Value:0.###}"));

    /// <summary>The host's peak resident memory (VmHWM), in MB.</summary>
    static double PeakRssMb(HostProcess host)
    {
        var status = File.ReadAllLines($"/proc/{host.ProcessId}/status").FirstOrDefault(l => l.StartsWith("VmHWM:"));
        return status is null ? double.NaN : double.Parse(status.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024;
    }
}
