using Azure.Data.Tables;
using Connectors.Hosting;
using Connectors.Storage;

namespace Connectors.Bench;

/// <summary>
/// What a row costs Azurite's table process when it is written alone or in a transaction of N: the reason concurrent
/// claims, entries, marks and postings share transactions. Rows like a receipt claim (a 2 KB body), one request at a
/// time, on an Azurite of its own; the figure is the table process's CPU, which is what everything else waits for.
/// </summary>
public static class TransactionCost
{
    const int Rows = 4000;

    public static async Task RunAsync(TextWriter log)
    {
        await using var azurite = await Azurite.StartAsync(separateServices: true);
        var table = azurite.Processes.Single(p => p.Name == "azurite-table");
        var cpu = new CpuMeter([table]);
        var tables = StorageAccount.FromConnectionString(azurite.ConnectionString).Tables;
        var body = new byte[2048];
        Random.Shared.NextBytes(body);
        TableEntity Row(int i) => new("conn", $"{i:D8}-{Guid.NewGuid():N}") { ["State"] = "claimed", ["EventId"] = $"ev_{i}", ["Body"] = body };

        log.WriteLine("| rows per request | Azurite table CPU µs per row | ms per request |");
        log.WriteLine("|---:|---:|---:|");
        // Twice through, the first as warm-up (V8 compiles Azurite's paths as they are first used).
        foreach (var (n, shown) in new[] { 1, 5, 20, 50, 100 }.Select(n => (n, false)).Concat(new[] { 1, 5, 20, 50, 100 }.Select(n => (n, true))))
        {
            var client = tables.GetTableClient($"cost{n}{Guid.NewGuid():N}"[..20]);
            await client.CreateAsync();
            var before = cpu.Seconds();
            for (var i = 0; i < Rows; i += n)
            {
                if (n == 1) await client.AddEntityAsync(Row(i));
                else await client.SubmitTransactionAsync(Enumerable.Range(i, n).Select(j => new TableTransactionAction(TableTransactionActionType.Add, Row(j))));
            }
            var ms = (cpu.Seconds()[table.Name] - before[table.Name]) * 1000;
            if (shown) log.WriteLine($"| {n} | {ms * 1000 / Rows:0} | {ms / (Rows / n):0.0} |");
        }
    }
}
