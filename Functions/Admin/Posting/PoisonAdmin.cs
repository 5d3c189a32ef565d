using Azure.Storage.Queues;
using Connectors.Hosting;
using Connectors.Storage;
using Microsoft.AspNetCore.Http;

namespace Connectors.Admin;

/// <summary>POST /api/manage/poison/replay: moves poison messages back onto the events queue for another try.</summary>
public static class PoisonAdmin
{
    public sealed record Replayed(int Moved);

    public static async Task<IResult> ReplayAsync(StorageAccount storage, CancellationToken ct)
    {
        QueueClient poison = storage.Queue(QueueNames.EventsPoison), events = storage.Queue(QueueNames.Events);
        var moved = 0;
        while (true)
        {
            var batch = (await poison.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(1), ct)).Value;
            if (batch.Length == 0) break;
            foreach (var m in batch)
            {
                // Send before delete: a crash in between replays a message twice, which posting shrugs off; never loses one.
                await events.SendMessageAsync(m.Body, cancellationToken: ct);
                await poison.DeleteMessageAsync(m.MessageId, m.PopReceipt, ct);
                moved++;
            }
        }
        return Results.Json(new Replayed(moved));
    }
}
