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
    Save(ingest, ingest.Table(), $"ingest-{ingest.At:yyyyMMdd-HHmmss}.json");
    return ingest.Fresh.Accepted > 0 && ingest.AtRate.All(r => r.Failed == 0) ? 0 : 1;
}
if (options.PostingOnly)
{
    var posting = await new BenchRun(options, Console.Out).RunPostingOnlyAsync();
    Save(posting, posting.Table(), $"posting-{posting.At:yyyyMMdd-HHmmss}.json");
    return posting.Posting.Orders > 0 && posting.Posting.FailedPostings == 0 ? 0 : 1;
}
var result = await new BenchRun(options, Console.Out).RunAsync();
var written = Save(result, result.Table(), $"{(options.Smoke ? "smoke" : "run")}-{result.At:yyyyMMdd-HHmmss}.json");
File.Copy(written, Path.Combine(options.ResultsDirectory, options.Smoke ? "latest-smoke.json" : "latest.json"), overwrite: true);
return result.Fresh.FailedPostings + result.WithHistory.FailedPostings == 0 && result.Fresh.Accepted > 0 ? 0 : 1;

/// <summary>Prints a run's table and writes its result file into the results folder; returns the file's path.</summary>
string Save<T>(T result, string table, string name)
{
    Console.WriteLine();
    Console.WriteLine(table);
    Directory.CreateDirectory(options.ResultsDirectory);
    var path = Path.Combine(options.ResultsDirectory, name);
    File.WriteAllText(path, JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true }));
    Console.WriteLine($"written {path}");
    return path;
}
