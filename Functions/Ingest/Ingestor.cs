using Connectors.Activity;
using Connectors.Connections;
using Microsoft.Extensions.Logging;

namespace Connectors.Ingest;

public enum IngestStatus { Accepted, Duplicate }

/// <param name="ActivityKey">The accepted event's activity entry (posting moves it to posted or failed); null for a duplicate.</param>
public sealed record IngestedEvent(string EventId, IngestStatus Status, string DedupeKey, string ExternalId, string? ActivityKey = null);

/// <summary>
/// Everything after a source has authenticated and mapped a delivery, shared by every source: claim each event's
/// dedupe key, log it as accepted and hand it to the queue (or, if the queue is slow, to the outbox), and only then
/// report it accepted. A storage fault anywhere before the event is durable surfaces as StorageUnavailableException
/// (answered 503), with the claim freed.
/// </summary>
public sealed partial class Ingestor(Receipts receipts, Outbox outbox, ActivityLog activity, TimeProvider clock, ILogger<Ingestor> log) : IAsyncDisposable
{
    /// <summary>Receipts being marked enqueued after their delivery was answered; the host waits for them when it stops.</summary>
    readonly TrailingWrites _marks = new();

    /// <summary>
    /// Accepts a delivery's events, with the raw body's archive (a row or a blob) possibly still being written: each
    /// claim runs alongside it, and nothing is queued or answered before it has finished (a failed write fails the
    /// delivery with 503).
    /// </summary>
    public async Task<IReadOnlyList<IngestedEvent>> AcceptAsync(Connection connection, string eventName, IReadOnlyList<EventDraft> drafts, Task<string> rawBlob, CancellationToken ct)
    {
        var results = new IngestedEvent[drafts.Count];
        // Events of one delivery are independent (an order update and the refunds it carries): accept them side by side.
        await Task.WhenAll(drafts.Select(async (draft, i) => results[i] = await AcceptOneAsync(connection, eventName, draft, rawBlob, null, ct)));
        return results;
    }

    /// <summary>A delivery of one event whose raw body rides on its receipt claim: the archive is the claim's row.</summary>
    public async Task<IngestedEvent> AcceptAsync(Connection connection, string eventName, EventDraft draft, RawArchive.Carried body, CancellationToken ct) =>
        await AcceptOneAsync(connection, eventName, draft, Task.FromResult(Receipts.RawReference(connection.Id, draft.DedupeKey)), body, ct);

    /// <summary>
    /// Two steps on the critical path: (archive || claim; one write when the body rides on the claim), then (accepted entry || queue send, or an outbox row if the
    /// queue does not take it within Outbox.QueuePatience). The claim precedes the send (duplicates queue once) and the
    /// accepted entry never overwrites a "posted" that landed first. After the answer, the receipt is marked enqueued
    /// (the event is durable); an event kept in the outbox is sent to the queue from there. If that
    /// mark is lost (a crash, an outage) the claim merely goes stale, a later copy takes it over after
    /// Receipts.StaleAfter and queues the same event id again, and posting, idempotent by event id, answers it
    /// "already processed"; if the send is lost, the outbox's sweep sends it.
    /// </summary>
    async Task<IngestedEvent> AcceptOneAsync(Connection connection, string eventName, EventDraft draft, Task<string> archiving, RawArchive.Carried? body, CancellationToken ct)
    {
        var eventId = EventIds.For(connection.Id, draft.DedupeKey);
        var claiming = receipts.ClaimAsync(connection.Id, draft.DedupeKey, eventId, body, ct);
        string rawBlob;
        try { rawBlob = await archiving; }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // The body could not be kept: accept nothing, and free the claim if we got it.
            try { if (await claiming is { Claim: { } c }) await receipts.AbandonAsync(c); } catch (Exception) { /* it goes stale */ }
            LogNotAccepted(log, e, connection.Id, eventId);
            throw new StorageUnavailableException("Storage is unavailable; the event was not accepted. Retry later.", e);
        }
        var (result, claim, existing) = await claiming;
        if (result == Receipts.ClaimResult.AlreadyEnqueued)
            return new IngestedEvent(existing ?? eventId, IngestStatus.Duplicate, draft.DedupeKey, draft.Event.ExternalId);

        var now = clock.GetUtcNow();
        var activityKey = activity.NewKey();
        var (stamped, entry) = Stamp(connection, eventName, draft, eventId, activityKey, now, rawBlob);
        try { await Task.WhenAll(activity.RecordAcceptedAsync(entry, ct), outbox.HandOffAsync(stamped, ct)); }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            LogNotAccepted(log, e, connection.Id, eventId);
            // An event already queued (or kept) stays so: the sender's retry carries the same event id, posted once.
            await receipts.AbandonAsync(claim!);
            try { await activity.UpdateAsync(connection.Id, activityKey, ActivityStatus.Rejected, "Storage unavailable: not accepted, the sender should retry.", null, CancellationToken.None); }
            catch (Exception) { /* storage is down; the 503 tells the sender */ }
            throw new StorageUnavailableException("Storage is unavailable; the event was not accepted. Retry later.", e);
        }
        MarkEnqueued(claim!, eventId);
        LogAccepted(log, connection.Id, eventId, eventName);
        return new IngestedEvent(eventId, IngestStatus.Accepted, draft.DedupeKey, draft.Event.ExternalId, activityKey);
    }

    void MarkEnqueued(Receipts.Claim claim, string eventId) => _marks.Start(async () =>
    {
        try { await receipts.CompleteAsync(claim, CancellationToken.None); }
        catch (Exception e) { LogMarkFailed(log, e, claim.ConnectionId, eventId); }
    });

    /// <summary>Receipt marks still in flight when the host stops are given a moment to land; any lost leave stale claims.</summary>
    public ValueTask DisposeAsync() => _marks.DisposeAsync();

    /// <summary>What accepting a draft records: the event as queued, and its activity entry as first written.</summary>
    public static (CanonicalEvent Event, ActivityEntry Entry) Stamp(Connection connection, string eventName, EventDraft draft, string eventId, string activityKey, DateTimeOffset now, string rawBlob) => (
        draft.Event with
        {
            EventId = eventId, ConnectionId = connection.Id, Platform = connection.Platform,
            ReceivedAt = now, ActivityKey = activityKey, RawBlob = rawBlob, ReceiptKey = Receipts.RowKey(draft.DedupeKey),
        },
        new ActivityEntry
        {
            ConnectionId = connection.Id, Key = activityKey, At = now, Event = eventName, ExternalId = draft.Event.RefundId is { } r ? $"{draft.Event.ExternalId} / {r}" : draft.Event.ExternalId,
            HttpStatus = 200, Status = ActivityStatus.Accepted, EventId = eventId, RawBlob = rawBlob,
        });

    [LoggerMessage(Level = LogLevel.Information, Message = "Accepted {EventId} ({EventName}) for connection {ConnectionId}")]
    static partial void LogAccepted(ILogger logger, string connectionId, string eventId, string eventName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event {EventId} of connection {ConnectionId} is queued, but its receipt could not be marked enqueued; a copy arriving after the claim goes stale queues it again, and posting skips it")]
    static partial void LogMarkFailed(ILogger logger, Exception e, string connectionId, string eventId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not accept {EventId} for connection {ConnectionId}")]
    static partial void LogNotAccepted(ILogger logger, Exception e, string connectionId, string eventId);
}
