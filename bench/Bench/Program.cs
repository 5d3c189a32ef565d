using System.Text.Json;
using Connectors.Bench;

// dotnet run -c Release --project bench/Bench [-- --smoke | --ingest-only --host DIR | --posting-only --host DIR | --concurrency N --seconds S --history N --azurite split|one | --queue-depth | --transaction-cost | --report-month [N] | --compare FILE...]
if (args is ["--compare", .. var files])
{
    try { Console.WriteLine(RunComparison.Table(files)); return 0; }
    catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or UnauthorizedAccessException)
    {
        Console.Error.WriteLine(e.Message);
        return 2;
    }
}
if (args is ["--queue-depth"])
{
    await QueueDepth.RunAsync(Console.Out);
    return 0;
}
if (args is ["--report-month", .. var rest])
{
    await ReportTiming.RunAsync(rest is [var n] ? int.Parse(n, System.Globalization.CultureInfo.InvariantCulture) : 100_000, Console.Out);
    return 0;
}
if (args is ["--transaction-cost"])
{
    await TransactionCost.RunAsync(Console.Out);
    return 0;
}
var options = BenchOptions.Parse(args);
if (options.IngestOnly)
{
    var ingest = await new BenchRun(options, Console.Out).RunIngestOnlyAsync();
    Console.WriteLine();
    Console.WriteLine(ingest.Table());
    Directory.CreateDirectory(options.ResultsDirectory);
    var ingestFile = Path.Combine(options.ResultsDirectory, $"ingest-{ingest.At:yyyyMMdd-HHmmss}.json");
    File.WriteAllText(ingestFile, JsonSerializer.Serialize(ingest, new JsonSerializerOptions { WriteIndented = true }));
    Console.WriteLine($"written {ingestFile}");
    return ingest.Fresh.Accepted > 0 && ingest.AtRate.All(r => r.Failed == 0) ? 0 : 1;
}
if (options.PostingOnly)
{
    var posting = await new BenchRun(options, Console.Out).RunPostingOnlyAsync();
    Console.WriteLine();
    Console.WriteLine(posting.Table());
    Directory.CreateDirectory(options.ResultsDirectory);
    var postingFile = Path.Combine(options.ResultsDirectory, $"posting-{posting.At:yyyyMMdd-HHmmss}.json");
    File.WriteAllText(postingFile, JsonSerializer.Serialize(posting, new JsonSerializerOptions { WriteIndented = true }));
    Console.WriteLine($"written {postingFile}");
    return posting.Posting.Orders > 0 && posting.Posting.FailedPostings == 0 ? 0 : 1;
}
var result = await new BenchRun(options, Console.Out).RunAsync();
Console.WriteLine();
Console.WriteLine(result.Table());
Directory.CreateDirectory(options.ResultsDirectory);
var json = JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true });
var file = Path.Combine(options.ResultsDirectory, $"{(options.Smoke ? "smoke" : "run")}-{result.At:yyyyMMdd-HHmmss}.json");
File.WriteAllText(file, json);
File.WriteAllText(Path.Combine(options.ResultsDirectory, options.Smoke ? "latest-smoke.json" : "latest.json"), json);
Console.WriteLine($"written {file}");
return result.Fresh.FailedPostings + result.WithHistory.FailedPostings == 0 && result.Fresh.Accepted > 0 ? 0 : 1;
