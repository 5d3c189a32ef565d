using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Connectors.Hosting;
using Connectors.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Connectors.Ingest;

/// <summary>
/// The durable hand-off between answering a delivery and posting its event. The event goes to the queue first; if the
/// queue has not taken it within QueuePatience (Azurite's queue pauses for seconds once a minute, an Azure queue can be
/// throttled or down), it is written here instead (a transactional outbox), the delivery is answered, and the send is
/// finished (or retried) after the answer, the row deleted once the message is durable. So a slow, paused or
/// unavailable queue delays posting, never the acknowledgement (Shopify's 5 s), and never loses an event, while a
/// healthy queue costs no table rows. A row that outlives RelayAfter (its instance crashed, or the send failed) is sent
/// by whichever instance sweeps next (OutboxSweeper); a message sent twice is posted once, because posting is
/// idempotent by event id. Each instance writes its own partition, so its rows share transactions.
/// </summary>
public sealed partial class Outbox(StorageAccount storage, EventQueue queue, TimeProvider clock, IOptions<ConnectorOptions> options, ILogger<Outbox> log) : IAsyncDisposable
{
    readonly TableClient _table = storage.Table(TableNames.Outbox);
    readonly ConditionalBatch _inserts = new(storage.Table(TableNames.Outbox));
    readonly MergeBatch _deletes = new(storage.Table(TableNames.Outbox));
    readonly string _partition = Guid.NewGuid().ToString("N");
    readonly TrailingWrites _relays = new();
    /// <summary>Sends that outlived the patience and are still running: while any is, the queue is not waited for.</summary>
    int _overdue;
    /// <summary>Events kept here since the queue became overdue, reported when it takes events again.</summary>
    int _keptWhileOverdue;

    /// <summary>How long a row may wait before any instance sends it.</summary>
    public TimeSpan RelayAfter => options.Value.OutboxRelayAfter;

    /// <summary>How long an answer waits for the queue to take its event before keeping it here instead.</summary>
    public TimeSpan QueuePatience => options.Value.QueuePatience;

    /// <summary>An event kept here: its row, for the relay to delete, and the queue send that outlived the patience, if any.</summary>
    public sealed record Kept(CanonicalEvent Event, byte[] Json, string Partition, string RowKey, Task? Sending = null);

    /// <summary>
    /// Makes the event durable before the answer. Null when it is in the queue: sent within QueuePatience, or too large
    /// for a row and sent claim-checked. Otherwise it is kept here, and the caller relays it (Relay) once it has answered.
    /// </summary>
    public async Task<Kept?> HandOffAsync(CanonicalEvent e, CancellationToken ct)
    {
        var json = EventQueue.Serialize(e);
        if (json.Length > EventQueue.MaxInlineBytes)
        {
            await queue.SendAloneAsync(e, ct);
            return null;
        }
        if (QueuePatience <= TimeSpan.Zero) return await KeepAsync(e, json, null, ct);
        if (Volatile.Read(ref _overdue) > 0)
        {
            Interlocked.Increment(ref _keptWhileOverdue);
            return await KeepAsync(e, json, null, ct);
        }
        // Not cancelled with the request: a send torn halfway helps nobody, and the row below covers it either way.
        var sending = queue.SendAsync(e, json, CancellationToken.None);
        if (await Task.WhenAny(sending, Task.Delay(QueuePatience, ct)) == sending)
        {
            if (sending.IsCompletedSuccessfully) return null;
            LogSendFailed(log, sending.Exception!.GetBaseException(), e.EventId);
            return await KeepAsync(e, json, null, ct);
        }
        Interlocked.Increment(ref _keptWhileOverdue);
        if (Interlocked.Increment(ref _overdue) == 1) LogQueueOverdue(log, e.EventId, QueuePatience);
        _ = sending.ContinueWith(_ =>
        {
            if (Interlocked.Decrement(ref _overdue) == 0) LogQueueBack(log, Interlocked.Exchange(ref _keptWhileOverdue, 0));
        }, TaskScheduler.Default);
        return await KeepAsync(e, json, sending, ct);
    }

    /// <summary>Writes the event as a row (inserts of this instance that wait together share a transaction); null when too large for one.</summary>
    public Task<Kept?> KeepAsync(CanonicalEvent e, CancellationToken ct)
    {
        var json = EventQueue.Serialize(e);
        return json.Length > EventQueue.MaxInlineBytes ? Task.FromResult<Kept?>(null) : KeepAsync(e, json, null, ct);
    }

    async Task<Kept?> KeepAsync(CanonicalEvent e, byte[] json, Task? sending, CancellationToken ct)
    {
        var row = new TableEntity(_partition, Keys.Escape(e.EventId)) { ["Event"] = json, ["AcceptedAt"] = clock.GetUtcNow() };
        // A conflict is this event kept already (a claim taken over in this instance): that row serves both.
        await _inserts.InsertAsync(row, ct);
        return new Kept(e, json, _partition, row.RowKey, sending);
    }

    /// <summary>Best effort, for an event that was kept but not accepted after all: its row would only be sent needlessly.</summary>
    public async Task ForgetAsync(Kept kept)
    {
        try { await _table.DeleteEntityAsync(kept.Partition, kept.RowKey); }
        catch (Exception) { /* sent later by the sweep; posting skips what it has seen */ }
    }

    /// <summary>
    /// Sends the kept event to the queue in the background (or lets the send still running finish, and sends again if it
    /// failed), then deletes its row; the host waits for these when it stops.
    /// </summary>
    public void Relay(Kept kept) => _relays.Start(async () =>
    {
        try
        {
            if (kept.Sending is not { } running || !await SucceededAsync(running)) await queue.SendAsync(kept.Event, kept.Json, CancellationToken.None);
            await _deletes.DeleteAsync(kept.Partition, kept.RowKey, CancellationToken.None);
        }
        catch (Exception e) { LogRelayFailed(log, e, kept.Event.EventId, RelayAfter); }
    });

    static async Task<bool> SucceededAsync(Task sending)
    {
        try { await sending; return true; }
        catch (Exception) { return false; }
    }

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

    [LoggerMessage(Level = LogLevel.Warning, Message = "The queue has not taken event {EventId} within {Patience}; accepted events go to the outbox table until it does")]
    static partial void LogQueueOverdue(ILogger logger, string eventId, TimeSpan patience);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The queue is taking events again; {Count} accepted events went to the outbox table meanwhile and are queued from there")]
    static partial void LogQueueBack(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event {EventId} could not be queued before the answer; it is kept in the outbox and queued after it")]
    static partial void LogSendFailed(ILogger logger, Exception e, string eventId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event {EventId} was accepted but could not be queued yet; it stays in the outbox and is queued by the next sweep after {RelayAfter}")]
    static partial void LogRelayFailed(ILogger logger, Exception e, string eventId, TimeSpan relayAfter);

    [LoggerMessage(Level = LogLevel.Information, Message = "Queued {EventId}, left in the outbox by instance {Instance}")]
    static partial void LogSwept(ILogger logger, string eventId, string instance);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox row {Partition}/{RowKey} holds no readable event; left in place for inspection")]
    static partial void LogUnreadable(ILogger logger, string partition, string rowKey);
}
