using Connectors.Activity;
using Connectors.Hosting;
using Connectors.Ingest;
using Microsoft.Extensions.Logging;

namespace Connectors.Posting;

/// <summary>
/// The queue-triggered function: one message, one canonical event (or several accepted together), each posted once.
/// Throwing hands the message back to the trigger (retry after visibilityTimeout, poison after maxDequeueCount); the last attempt's reason is written
/// to the event's activity entry so the shop owner sees why it is in the poison queue.
/// </summary>
public sealed partial class PostEventFunction(EventQueue queue, IEventPoster poster, PostingThrottle throttle, ActivityLog activity, Receipts receipts, HostJson hostJson, ILogger<PostEventFunction> log)
{
    public async Task RunAsync(BinaryData message, long dequeueCount, CancellationToken ct)
    {
        var events = await queue.OpenAsync(message, ct);
        if (events.Count == 1)
        {
            using var slot = await throttle.EnterAsync(ct);
            await PostAsync(events[0], dequeueCount, ct);
            return;
        }
        // Events accepted together: each order's events in arrival order, orders side by side. One that fails goes back
        // to the queue in a message of its own, so it retries (and in the end reaches the poison queue) by itself. If
        // even that send fails, the whole message is retried: what posted is recognised as applied and not posted again.
        var failed = new List<CanonicalEvent>();
        await Task.WhenAll(events.GroupBy(e => (e.ConnectionId, e.ExternalId)).Select(async order =>
        {
            using var slot = await throttle.EnterAsync(ct);
            foreach (var e in order)
            {
                try { await PostAsync(e, dequeueCount: 0, ct); }
                catch (Exception x) when (!ct.IsCancellationRequested)
                {
                    LogRequeued(log, x, e.EventId, e.ConnectionId);
                    lock (failed) failed.Add(e);
                }
            }
        }));
        foreach (var e in failed) await queue.SendAloneAsync(e, ct);
    }

    /// <param name="dequeueCount">Attempts so far, counting this one; 0 for an event of a shared message (never its last attempt).</param>
    async Task PostAsync(CanonicalEvent e, long dequeueCount, CancellationToken ct)
    {
        try
        {
            var outcome = await poster.PostAsync(e, ct);
            var vouchers = string.Join(", ", outcome.VoucherNumbers);
            await activity.UpdateAsync(e.ConnectionId, e.ActivityKey, outcome.Status ?? ActivityStatus.Posted, outcome.Note, vouchers, ct);
            LogPosted(log, e.EventId, e.ConnectionId, outcome.Status ?? ActivityStatus.Posted, vouchers);
            // Held is kept but not done: a corrected copy with the same key must be taken, so its receipt is freed.
            if (outcome.Status == ActivityStatus.Held)
            {
                await ReleaseAsync(e, ct);
                // Another event may have put this one in the books while its "held" was being written: say posted then.
                if (await poster.AppliedAsync(e, ct) is { } numbers)
                    await activity.UpdateAsync(e.ConnectionId, e.ActivityKey, ActivityStatus.Posted, "Was held; posted with a later event.", string.Join(", ", numbers), ct);
            }
            foreach (var r in outcome.Released ?? [])
                if (r.ActivityKey.Length > 0)
                    await activity.UpdateAsync(e.ConnectionId, r.ActivityKey, ActivityStatus.Posted,
                        r.VoucherNumbers.Count == 0 ? $"Was held; now in the books with event {e.EventId}: nothing of its own to post." : $"Was held; posted with event {e.EventId}.",
                        string.Join(", ", r.VoucherNumbers), ct);
        }
        catch (PostingRejectedException r)
        {
            await activity.UpdateAsync(e.ConnectionId, e.ActivityKey, ActivityStatus.Failed, r.Message, null, ct);
            LogRejected(log, e.EventId, e.ConnectionId, r.Message);
            // Nothing of the event was written: free its dedupe key, so the sender can send it again corrected.
            await ReleaseAsync(e, ct);
        }
        catch (Exception x) when (dequeueCount >= hostJson.Queues.MaxDequeueCount && !ct.IsCancellationRequested)
        {
            var reason = $"{x.Message} (gave up after {dequeueCount} attempts; the message is in {QueueNames.EventsPoison}, replay it with POST /api/manage/poison/replay once the cause is fixed)";
            try { await activity.UpdateAsync(e.ConnectionId, e.ActivityKey, ActivityStatus.Failed, reason, null, ct); }
            catch (Exception) { /* the message still goes to poison; the log line below says why */ }
            LogPoisoned(log, x, e.EventId, e.ConnectionId);
            throw;
        }
    }

    async Task ReleaseAsync(CanonicalEvent e, CancellationToken ct)
    {
        if (e.ReceiptKey is not { } receipt) return;
        try { await receipts.ReleaseRejectedAsync(e.ConnectionId, receipt, ct); }
        catch (Exception x) when (!ct.IsCancellationRequested) { LogNotReleased(log, x, e.EventId, e.ConnectionId); }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event {EventId} for {ConnectionId} failed in a shared message; it goes back to the queue on its own")]
    static partial void LogRequeued(ILogger logger, Exception e, string eventId, string connectionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Event {EventId} for {ConnectionId}: {Status} {Vouchers}")]
    static partial void LogPosted(ILogger logger, string eventId, string connectionId, string status, string vouchers);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event {EventId} for {ConnectionId} cannot be posted: {Reason}")]
    static partial void LogRejected(ILogger logger, string eventId, string connectionId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event {EventId} for {ConnectionId} was refused or held, but its receipt could not be freed: a corrected copy with the same key is answered as a duplicate")]
    static partial void LogNotReleased(ILogger logger, Exception e, string eventId, string connectionId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Event {EventId} for {ConnectionId} failed on its last attempt and goes to the poison queue")]
    static partial void LogPoisoned(ILogger logger, Exception e, string eventId, string connectionId);
}
