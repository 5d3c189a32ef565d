using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Connectors.Hosting;
using Connectors.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Connectors.Ingest;

/// <summary>
/// The durable hand-off between answering a delivery and queueing its event (a transactional outbox): the event is
/// written here before the 200, sent to the queue right after it, and its row deleted once the message is durable.
/// So the queue is off the answer's critical path: a slow, paused or unavailable queue delays posting, never the
/// acknowledgement (Shopify's 5 s) and never loses an event. A row that outlives RelayAfter (its instance crashed, or
/// the send failed) is sent by whichever instance sweeps next (OutboxSweeper); a message sent twice is posted once,
/// because posting is idempotent by event id. Each instance writes its own partition, so its rows share transactions.
/// </summary>
public sealed partial class Outbox(StorageAccount storage, EventQueue queue, TimeProvider clock, IOptions<ConnectorOptions> options, ILogger<Outbox> log) : IAsyncDisposable
{
    readonly TableClient _table = storage.Table(TableNames.Outbox);
    readonly ConditionalBatch _inserts = new(storage.Table(TableNames.Outbox));
    readonly MergeBatch _deletes = new(storage.Table(TableNames.Outbox));
    readonly string _partition = Guid.NewGuid().ToString("N");
    readonly TrailingWrites _relays = new();

    /// <summary>How long a row may wait before any instance sends it.</summary>
    public TimeSpan RelayAfter => options.Value.OutboxRelayAfter;

    /// <summary>An event kept here: its row, for the relay to delete.</summary>
    public sealed record Kept(CanonicalEvent Event, byte[] Json, string Partition, string RowKey);

    /// <summary>
    /// Writes the event (inserts of this instance that wait together share a transaction). Null when it is too large for
    /// a row: the caller then sends it to the queue itself before answering, as a claim-checked message.
    /// </summary>
    public async Task<Kept?> KeepAsync(CanonicalEvent e, CancellationToken ct)
    {
        var json = EventQueue.Serialize(e);
        if (json.Length > EventQueue.MaxInlineBytes) return null;
        var row = new TableEntity(_partition, Keys.Escape(e.EventId)) { ["Event"] = json, ["AcceptedAt"] = clock.GetUtcNow() };
        // A conflict is this event kept already (a claim taken over in this instance): that row serves both.
        await _inserts.InsertAsync(row, ct);
        return new Kept(e, json, _partition, row.RowKey);
    }

    /// <summary>Best effort, for an event that was kept but not accepted after all: its row would only be sent needlessly.</summary>
    public async Task ForgetAsync(Kept kept)
    {
        try { await _table.DeleteEntityAsync(kept.Partition, kept.RowKey); }
        catch (Exception) { /* sent later by the sweep; posting skips what it has seen */ }
    }

    /// <summary>Sends the kept event to the queue in the background, then deletes its row; the host waits for these when it stops.</summary>
    public void Relay(Kept kept) => _relays.Start(async () =>
    {
        try
        {
            await queue.SendAsync(kept.Event, kept.Json, CancellationToken.None);
            await _deletes.DeleteAsync(kept.Partition, kept.RowKey, CancellationToken.None);
        }
        catch (Exception e) { LogRelayFailed(log, e, kept.Event.EventId, RelayAfter); }
    });

    /// <summary>Sends every row older than RelayAfter, from any instance, and deletes it; returns how many were sent.</summary>
    public async Task<int> SweepAsync(CancellationToken ct)
    {
        var before = clock.GetUtcNow() - RelayAfter;
        var sent = 0;
        // A page at a time, side by side, so the events share messages (a backlog after a queue outage goes out fast).
        await foreach (var page in _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"AcceptedAt lt {before}"), maxPerPage: 100, cancellationToken: ct).AsPages())
            sent += (await Task.WhenAll(page.Values.Select(row => SendLeftAsync(row, ct)))).Count(s => s);
        return sent;
    }

    async Task<bool> SendLeftAsync(TableEntity row, CancellationToken ct)
    {
        var json = row.GetBinary("Event");
        var e = json is null ? null : JsonSerializer.Deserialize(json, IngestJson.Default.CanonicalEvent);
        if (e is null)
        {
            LogUnreadable(log, row.PartitionKey, row.RowKey);
            return false;
        }
        await queue.SendAsync(e, json!, ct);
        // If-Match: a row another sweep has just sent and deleted (404) is left to it.
        try { await _table.DeleteEntityAsync(row.PartitionKey, row.RowKey, row.ETag, ct); }
        catch (RequestFailedException x) when (x.Status is 404 or 412) { }
        LogSwept(log, e.EventId, row.PartitionKey);
        return true;
    }

    /// <summary>Completes when every relay started so far has sent its event (or given up, leaving it to the sweep).</summary>
    public Task WhenRelayedAsync() => _relays.WhenDoneAsync();

    /// <summary>Relays still in flight when the host stops are given a moment; any left over are swept by the next instance.</summary>
    public ValueTask DisposeAsync() => _relays.DisposeAsync();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event {EventId} was accepted but could not be queued yet; it stays in the outbox and is queued by the next sweep after {RelayAfter}")]
    static partial void LogRelayFailed(ILogger logger, Exception e, string eventId, TimeSpan relayAfter);

    [LoggerMessage(Level = LogLevel.Information, Message = "Queued {EventId}, left in the outbox by instance {Instance}")]
    static partial void LogSwept(ILogger logger, string eventId, string instance);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox row {Partition}/{RowKey} holds no readable event; left in place for inspection")]
    static partial void LogUnreadable(ILogger logger, string partition, string rowKey);
}
