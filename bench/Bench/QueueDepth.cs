using System.Diagnostics;
using Connectors.Hosting;
using Connectors.Storage;

namespace Connectors.Bench;

/// <summary>
/// What one queue operation costs Azurite as its queue fills: the reason events share messages and the limit is measured
/// on an Azurite of its own. Sequential calls (one at a time), so each figure is the emulator's time per operation.
/// </summary>
public static class QueueDepth
{
    public static async Task RunAsync(TextWriter log)
    {
        await using var azurite = await Azurite.StartAsync(separateServices: true);
        var queue = StorageAccount.FromConnectionString(azurite.ConnectionString).Queue("depth");
        await queue.CreateAsync();
        var message = BinaryData.FromString(new string('x', 1200));
        var held = 0;
        log.WriteLine("| messages in the queue | send ms | receive 16 ms | delete ms |");
        log.WriteLine("|---:|---:|---:|---:|");
        foreach (var depth in new[] { 0, 1000, 3000, 6000 })
        {
            await Parallel.ForAsync(held, depth, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (_, _) => await queue.SendMessageAsync(message));
            held = Math.Max(held, depth);
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < 50; i++) await queue.SendMessageAsync(message);
            var send = clock.Elapsed.TotalMilliseconds / 50;
            held += 50;
            double receive = 0, delete = 0;
            var deleted = 0;
            for (var round = 0; round < 5; round++)
            {
                clock.Restart();
                var batch = (await queue.ReceiveMessagesAsync(16, TimeSpan.FromMinutes(5))).Value;
                receive += clock.Elapsed.TotalMilliseconds;
                clock.Restart();
                foreach (var m in batch) await queue.DeleteMessageAsync(m.MessageId, m.PopReceipt);
                delete += clock.Elapsed.TotalMilliseconds;
                deleted += batch.Length;
            }
            held -= deleted;
            log.WriteLine($"| {depth:N0} | {send:0.0} | {receive / 5:0.0} | {delete / Math.Max(1, deleted):0.0} |");
        }
    }
}
