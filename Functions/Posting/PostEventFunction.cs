using Connectors.Activity;
using Connectors.Hosting;
using Connectors.Ingest;
using Microsoft.Extensions.Logging;

namespace Connectors.Posting;

/// <summary>
/// The queue-triggered function: one message, one canonical event, posted once. Throwing hands the message back
/// to the trigger (retry after visibilityTimeout, poison after maxDequeueCount); the last attempt's reason is written
/// to the event's activity entry so the shop owner sees why it is in the poison queue.
/// </summary>
public sealed partial class PostEventFunction(EventQueue queue, IEventPoster poster, ActivityLog activity, HostJson hostJson, ILogger<PostEventFunction> log)
{
    public async Task RunAsync(BinaryData message, long dequeueCount, CancellationToken ct)
    {
        var e = await queue.OpenAsync(message, ct);
        try
        {
            var outcome = await poster.PostAsync(e, ct);
            var vouchers = string.Join(", ", outcome.VoucherNumbers);
            await activity.UpdateAsync(e.ConnectionId, e.ActivityKey, ActivityStatus.Posted, outcome.Note, vouchers, ct);
            LogPosted(log, e.EventId, e.ConnectionId, vouchers);
        }
        catch (PostingRejectedException r)
        {
            await activity.UpdateAsync(e.ConnectionId, e.ActivityKey, ActivityStatus.Failed, r.Message, null, ct);
            LogRejected(log, e.EventId, e.ConnectionId, r.Message);
        }
        catch (Exception x) when (dequeueCount >= hostJson.Queues.MaxDequeueCount && !ct.IsCancellationRequested)
        {
            var reason = $"{x.Message} (gave up after {dequeueCount} attempts; the message is in {QueueNames.EventsPoison}, replay it with POST /api/admin/poison/replay once the cause is fixed)";
            try { await activity.UpdateAsync(e.ConnectionId, e.ActivityKey, ActivityStatus.Failed, reason, null, ct); }
            catch (Exception) { /* the message still goes to poison; the log line below says why */ }
            LogPoisoned(log, x, e.EventId, e.ConnectionId);
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Posted {EventId} for {ConnectionId}: {Vouchers}")]
    static partial void LogPosted(ILogger logger, string eventId, string connectionId, string vouchers);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event {EventId} for {ConnectionId} cannot be posted: {Reason}")]
    static partial void LogRejected(ILogger logger, string eventId, string connectionId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Event {EventId} for {ConnectionId} failed on its last attempt and goes to the poison queue")]
    static partial void LogPoisoned(ILogger logger, Exception e, string eventId, string connectionId);
}
