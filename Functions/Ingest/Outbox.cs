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
/// throttled or down), it is written here instead (a transactional outbox) and the delivery is answered; in the
/// background the send is finished (or retried) and the row deleted once the message is durable. So a slow, paused or
/// unavailable queue delays posting, never the acknowledgement (Shopify's 5 s), and never loses an event, while a
/// healthy queue costs no table rows. A row that outlives RelayAfter (its instance crashed, or the send failed) is sent
/// by whichever instance sweeps next (OutboxSweeper); a message sent twice is posted once, because posting is
/// idempotent by event id. Each instance writes its own partition; events kept at the same moment share a row.
/// </summary>
public sealed partial class Outbox : IAsyncDisposable
{
    readonly TableClient _table;
    readonly MergeBatch _deletes;
    readonly EventQueue _queue;
    readonly TimeProvider _clock;
    readonly IOptions<ConnectorOptions> _options;
    readonly ILogger<Outbox> _log;
    readonly string _partition = Guid.NewGuid().ToString("N");
    readonly TrailingWrites _relays = new();
    /// <summary>Events kept at the same moment share a row, as they would a queue message: a stalled queue sends every
    /// event here, and one row per event would load the table exactly when it has the most to do.</summary>
    readonly GroupCommit<Keeping, string> _keeps;
    /// <summary>Sends that outlived the patience and are still running: while any is, the queue is not waited for.</summary>
    int _overdue;
    /// <summary>Events kept here since the queue became overdue, reported when it takes events again.</summary>
    int _keptWhileOverdue;

    public Outbox(StorageAccount storage, EventQueue queue, TimeProvider clock, IOptions<ConnectorOptions> options, ILogger<Outbox> log)
    {
        (_queue, _clock, _options, _log) = (queue, clock, options, log);
        _table = storage.Table(TableNames.Outbox);
        _deletes = new MergeBatch(storage.Table(TableNames.Outbox));
        _keeps = new GroupCommit<Keeping, string>(EventQueue.MaxEventsPerMessage, KeepTogetherAsync);
    }

    /// <summary>How long a row may wait before any instance sends it.</summary>
    public TimeSpan RelayAfter => _options.Value.OutboxRelayAfter;

    /// <summary>How long an answer waits for the queue to take its event before keeping it here instead.</summary>
    public TimeSpan QueuePatience => _options.Value.QueuePatience;

    /// <summary>Where an event was kept: the row holding it (with others kept at the same moment), and its queue send that outlived the patience, if any.</summary>
    public sealed record Kept(string Partition, string RowKey, Task? Sending = null);

    sealed record Keeping(CanonicalEvent Event, byte[] Json, Task? Sending, bool Relay);

    /// <summary>
    /// Makes the event durable before the answer. Null when it is in the queue: sent within QueuePatience, or too large
    /// for a row and sent claim-checked. Otherwise it is kept here, and its row is relayed to the queue in the background.
    /// </summary>
    public async Task<Kept?> HandOffAsync(CanonicalEvent e, CancellationToken ct)
    {
        var json = EventQueue.Serialize(e);
        if (!EventQueue.FitsAlone(json))
        {
            await _queue.SendAloneAsync(e, ct);
            return null;
        }
        if (QueuePatience <= TimeSpan.Zero) return await KeepAsync(new Keeping(e, json, null, Relay: true), ct);
        if (Volatile.Read(ref _overdue) > 0)
        {
            Interlocked.Increment(ref _keptWhileOverdue);
            return await KeepAsync(new Keeping(e, json, null, Relay: true), ct);
        }
        // Not cancelled with the request: a send torn halfway helps nobody, and the row below covers it either way.
        var sending = _queue.SendAsync(e, json, CancellationToken.None);
        if (await Task.WhenAny(sending, Task.Delay(QueuePatience, ct)) == sending)
        {
            if (sending.IsCompletedSuccessfully) return null;
            LogSendFailed(_log, sending.Exception!.GetBaseException(), e.EventId);
            return await KeepAsync(new Keeping(e, json, null, Relay: true), ct);
        }
        // The sender hung up, not the queue: nothing to keep for an answer nobody waits for (its send may still land).
        ct.ThrowIfCancellationRequested();
        Interlocked.Increment(ref _keptWhileOverdue);
        if (Interlocked.Increment(ref _overdue) == 1) LogQueueOverdue(_log, e.EventId, QueuePatience);
        _ = sending.ContinueWith(_ =>
        {
            if (Interlocked.Decrement(ref _overdue) == 0) LogQueueBack(_log, Interlocked.Exchange(ref _keptWhileOverdue, 0));
        }, TaskScheduler.Default);
        return await KeepAsync(new Keeping(e, json, sending, Relay: true), ct);
    }

    /// <summary>Writes the event into a row and leaves it there (the sweep sends it after RelayAfter); null when too large for one.</summary>
    public async Task<Kept?> KeepAsync(CanonicalEvent e, CancellationToken ct)
    {
        var json = EventQueue.Serialize(e);
        return EventQueue.FitsAlone(json) ? await KeepAsync(new Keeping(e, json, null, Relay: false), ct) : null;
    }

    async Task<Kept> KeepAsync(Keeping keeping, CancellationToken ct) =>
        new(_partition, await _keeps.SubmitAsync(keeping.Relay ? "relay" : "hold", keeping, ct), keeping.Sending);

    /// <summary>
    /// Writes the waiting events as rows of up to a message's worth each (one transaction), and relays each row in the
    /// background if asked; returns each event's row key.
    /// </summary>
    async Task<IReadOnlyList<string>> KeepTogetherAsync(string lane, IReadOnlyList<Keeping> waiting)
    {
        var rowKeys = new string[waiting.Count];
        var now = _clock.GetUtcNow();
        var rows = EventQueue.Packs([.. waiting.Select(k => k.Json)]).ConvertAll(pack =>
        {
            var events = pack.ConvertAll(i => waiting[i]);
            // Named after its first event, made unique: one event kept twice (a claim taken over here) is two rows, posted once.
            var row = new TableEntity(_partition, $"{Keys.Escape(events[0].Event.EventId)}|{Guid.NewGuid():N}")
            {
                ["Events"] = EventQueue.Body(events.ConvertAll(k => k.Json)), ["AcceptedAt"] = now,
            };
            foreach (var i in pack) rowKeys[i] = row.RowKey;
            return (Row: row, Events: events);
        });
        if (rows is [var single]) await _table.AddEntityAsync(single.Row);
        else await _table.SubmitTransactionAsync(rows.ConvertAll(r => new TableTransactionAction(TableTransactionActionType.Add, r.Row)));
        if (lane == "relay")
            foreach (var (row, events) in rows) Relay(row, events);
        return rowKeys;
    }

    /// <summary>
    /// Sends a row's events to the queue in the background (letting sends still running finish, and sending again
    /// those that failed), then deletes the row; the host waits for these when it stops.
    /// </summary>
    void Relay(TableEntity row, List<Keeping> events) => _relays.Start(async () =>
    {
        try
        {
            var unsent = new List<Keeping>();
            foreach (var k in events)
                if (k.Sending is not { } running || !await SucceededAsync(running)) unsent.Add(k);
            if (unsent.Count == events.Count) await _queue.SendBodyAsync(row.GetBinary("Events")!, CancellationToken.None);
            else await Task.WhenAll(unsent.Select(k => _queue.SendAsync(k.Event, k.Json, CancellationToken.None)));
            await _deletes.DeleteAsync(row.PartitionKey, row.RowKey, CancellationToken.None);
        }
        catch (Exception e) { LogRelayFailed(_log, e, events.Count, row.RowKey, RelayAfter); }
    });

    static async Task<bool> SucceededAsync(Task sending)
    {
        try { await sending; return true; }
        catch (Exception) { return false; }
    }

    /// <summary>Sends every row older than RelayAfter, from any instance, and deletes it; returns how many were sent.</summary>
    public async Task<int> SweepAsync(CancellationToken ct)
    {
        var before = _clock.GetUtcNow() - RelayAfter;
        var sent = 0;
        // A page at a time, side by side, so the events share messages (a backlog after a queue outage goes out fast).
        await foreach (var page in _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"AcceptedAt lt {before}"), maxPerPage: 100, cancellationToken: ct).AsPages())
            sent += (await Task.WhenAll(page.Values.Select(row => SendLeftAsync(row, ct)))).Count(s => s);
        return sent;
    }

    async Task<bool> SendLeftAsync(TableEntity row, CancellationToken ct)
    {
        if (row.GetBinary("Events") is { } body) await _queue.SendBodyAsync(body, ct);
        else
        {
            // A row of one event, as kept before events shared rows.
            var json = row.GetBinary("Event");
            var e = json is null ? null : JsonSerializer.Deserialize(json, IngestJson.Default.CanonicalEvent);
            if (e is null)
            {
                LogUnreadable(_log, row.PartitionKey, row.RowKey);
                return false;
            }
            await _queue.SendAsync(e, json!, ct);
        }
        // If-Match: a row another sweep has just sent and deleted (404) is left to it.
        try { await _table.DeleteEntityAsync(row.PartitionKey, row.RowKey, row.ETag, ct); }
        catch (RequestFailedException x) when (x.Status is 404 or 412) { }
        LogSwept(_log, row.RowKey, row.PartitionKey);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} accepted events (outbox row {RowKey}) could not be queued yet; they stay in the outbox and are queued by the next sweep after {RelayAfter}")]
    static partial void LogRelayFailed(ILogger logger, Exception e, int count, string rowKey, TimeSpan relayAfter);

    [LoggerMessage(Level = LogLevel.Information, Message = "Queued outbox row {RowKey}, left by instance {Instance}")]
    static partial void LogSwept(ILogger logger, string rowKey, string instance);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox row {Partition}/{RowKey} holds no readable event; left in place for inspection")]
    static partial void LogUnreadable(ILogger logger, string partition, string rowKey);
}
