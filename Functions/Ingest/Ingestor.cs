using Connectors.Activity;
using Connectors.Connections;
using Microsoft.Extensions.Logging;

namespace Connectors.Ingest;

public enum IngestStatus { Accepted, Duplicate }

public sealed record IngestedEvent(string EventId, IngestStatus Status, string DedupeKey, string ExternalId);

/// <summary>
/// Everything after a source has authenticated and mapped a delivery, shared by every source: claim each event's
/// dedupe key, log it as accepted, enqueue it, and only then report it accepted. A storage fault anywhere before
/// the message is durable surfaces as StorageUnavailableException (answered 503), with the claim freed.
/// </summary>
public sealed partial class Ingestor(Receipts receipts, EventQueue queue, ActivityLog activity, TimeProvider clock, ILogger<Ingestor> log)
{
    public async Task<IReadOnlyList<IngestedEvent>> AcceptAsync(Connection connection, string eventName, IReadOnlyList<EventDraft> drafts, string rawBlob, CancellationToken ct)
    {
        var results = new IngestedEvent[drafts.Count];
        // Events of one delivery are independent (an order update and the refunds it carries): accept them side by side.
        await Task.WhenAll(drafts.Select(async (draft, i) => results[i] = await AcceptOneAsync(connection, eventName, draft, rawBlob, ct)));
        return results;
    }

    async Task<IngestedEvent> AcceptOneAsync(Connection connection, string eventName, EventDraft draft, string rawBlob, CancellationToken ct)
    {
        var eventId = EventIds.For(connection.Id, draft.DedupeKey);
        var (result, claim, existing) = await receipts.ClaimAsync(connection.Id, draft.DedupeKey, eventId, ct);
        if (result == Receipts.ClaimResult.AlreadyEnqueued)
            return new IngestedEvent(existing ?? eventId, IngestStatus.Duplicate, draft.DedupeKey, draft.Event.ExternalId);

        var now = clock.GetUtcNow();
        var activityKey = activity.NewKey();
        try
        {
            await activity.RecordAsync(new ActivityEntry
            {
                ConnectionId = connection.Id, Key = activityKey, At = now, Event = eventName, ExternalId = draft.Event.RefundId is { } r ? $"{draft.Event.ExternalId} / {r}" : draft.Event.ExternalId,
                HttpStatus = 200, Status = ActivityStatus.Accepted, EventId = eventId, RawBlob = rawBlob,
            }, ct);
            var stamped = draft.Event with
            {
                EventId = eventId, ConnectionId = connection.Id, Platform = connection.Platform,
                ReceivedAt = now, ActivityKey = activityKey, RawBlob = rawBlob,
            };
            await queue.SendAsync(stamped, ct);
            await receipts.CompleteAsync(claim!, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            LogNotAccepted(log, e, connection.Id, eventId);
            await receipts.AbandonAsync(claim!);
            try { await activity.UpdateAsync(connection.Id, activityKey, ActivityStatus.Rejected, "Storage unavailable: not accepted, the sender should retry.", null, CancellationToken.None); }
            catch (Exception) { /* storage is down; the 503 tells the sender */ }
            throw new StorageUnavailableException("Storage is unavailable; the event was not accepted. Retry later.", e);
        }
        LogAccepted(log, connection.Id, eventId, eventName);
        return new IngestedEvent(eventId, IngestStatus.Accepted, draft.DedupeKey, draft.Event.ExternalId);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Accepted {EventId} ({EventName}) for connection {ConnectionId}")]
    static partial void LogAccepted(ILogger logger, string connectionId, string eventId, string eventName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not accept {EventId} for connection {ConnectionId}")]
    static partial void LogNotAccepted(ILogger logger, Exception e, string connectionId, string eventId);
}
