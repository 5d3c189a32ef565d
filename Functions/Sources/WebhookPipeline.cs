using Connectors.Activity;
using Connectors.Connections;
using Connectors.Http;
using Connectors.Ingest;
using Connectors.Storage;
using Connectors.Throttling;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Connectors.Sources;

/// <summary>
/// The one path every delivery takes: find the connection, bound the body, authenticate, map, archive, accept.
/// Sources only supply the steps that differ (IWebhookSource); every request ends in the activity log.
/// </summary>
public sealed partial class WebhookPipeline(ConnectionStore connections, Ingestor ingestor, RawArchive archive, ActivityLog activity, Receipts receipts, DeliveriesInFlight inFlight, FailedAuthentications throttle, TimeProvider clock, ILogger<WebhookPipeline> log)
{
    public const int MaxBodyBytes = 1024 * 1024;

    public async Task<IResult> HandleAsync(HttpContext context, IWebhookSource source)
    {
        using var answering = inFlight.Enter();
        var request = context.Request;
        var ct = context.RequestAborted;
        var now = clock.GetUtcNow();
        string? connectionId = null;
        string? eventName = null;
        try
        {
            var connection = await source.ResolveAsync(request, connections, ct);
            if (connection is null)
            {
                if (throttle.SourceFailure(context, null) is { } throttled) return throttled;
                // No detail that helps a guesser, and never the token: it is a secret.
                await RecordAsync(new ActivityEntry { ConnectionId = ActivityLog.Unrouted, Event = source.Platform, HttpStatus = 404, Status = ActivityStatus.Rejected, Reason = "Unknown or revoked connection." });
                return Answer(404, new DeliveryAnswer(AnswerStatus.NotFound) { Error = "Unknown or revoked connection." });
            }
            connectionId = connection.Id;

            var body = await BoundedBody.ReadAsync(request, MaxBodyBytes, ct);
            if (body is null)
                return await RejectAsync(connection.Id, null, 413, AnswerStatus.TooLarge, $"The body is larger than {MaxBodyBytes} bytes.");

            if (source.IsPing(request.Headers, body.Value.Span))
            {
                await RecordAsync(new ActivityEntry { ConnectionId = connection.Id, Event = "ping", HttpStatus = 200, Status = ActivityStatus.Ping, Reason = "Webhook ping answered 200." });
                return Answer(200, new DeliveryAnswer(AnswerStatus.Ok));
            }

            if (!source.Authenticate(connection, request.Headers, body.Value.Span, now))
                return throttle.SourceFailure(context, connection.Id) ?? await RejectAsync(connection.Id, null, 401, AnswerStatus.Unauthorized, source.Unauthorized(request.Headers));

            if (!IsJson(request.ContentType, required: source.Answers == AnswerStyle.Strict))
                return await RejectAsync(connection.Id, null, 415, AnswerStatus.UnsupportedMediaType, $"Content-Type must be application/json, not '{Clip.To(request.ContentType, 100)}'.");

            SourceMapping mapping;
            try { mapping = source.Map(connection, request.Headers, body.Value, now); }
            catch (Exception e) when (e is FormatException or InvalidOperationException or System.Text.Json.JsonException or OverflowException or ArgumentException or KeyNotFoundException or InvalidCastException)
            {
                mapping = new SourceMapping.Invalid(source.Platform, "The payload could not be read: " + e.Message);
            }
            eventName = mapping.EventName;
            return await AnswerMappingAsync(connection, source, mapping, body.Value, request.Headers, ct);
        }
        catch (Exception e) when (StorageFault.Is(e, ct))
        {
            LogStorageFault(log, e, connectionId ?? ActivityLog.Unrouted);
            context.Response.Headers.RetryAfter = "5";
            return Answer(503, new DeliveryAnswer(AnswerStatus.Unavailable) { Error = "Storage is unavailable; nothing was accepted. Retry later." });
        }
    }

    async Task<IResult> AnswerMappingAsync(Connection connection, IWebhookSource source, SourceMapping mapping, ReadOnlyMemory<byte> body, IHeaderDictionary headers, CancellationToken ct)
    {
        var strict = source.Answers == AnswerStyle.Strict;
        switch (mapping)
        {
            case SourceMapping.Invalid invalid when strict:
                return await RejectAsync(connection.Id, invalid.EventName, 400, AnswerStatus.Invalid, invalid.Error, invalid.ExternalId);

            case SourceMapping.Invalid invalid:
            {
                // Authenticated but not understood: keep it (replayable) and say 200, or the platform disables the webhook.
                var key = activity.NewKey();
                var blob = await archive.SaveAsync(connection.Id, key, clock.GetUtcNow(), body, headers, ct);
                await activity.RecordAsync(new ActivityEntry { ConnectionId = connection.Id, Key = key, Event = invalid.EventName, ExternalId = invalid.ExternalId, HttpStatus = 200, Status = ActivityStatus.Failed, Reason = "Unprocessable: " + invalid.Error, RawBlob = blob }, ct);
                return Answer(200, new DeliveryAnswer(AnswerStatus.Unprocessable) { Error = invalid.Error });
            }

            case SourceMapping.Ignored ignored:
                await RecordAsync(new ActivityEntry { ConnectionId = connection.Id, Event = ignored.EventName, ExternalId = ignored.ExternalId, HttpStatus = 200, Status = ActivityStatus.Ignored, Reason = ignored.Reason });
                return Answer(200, new DeliveryAnswer(AnswerStatus.Ignored) { Error = ignored.Reason });

            case SourceMapping.Recorded recorded:
                await activity.RecordAsync(new ActivityEntry { ConnectionId = connection.Id, Event = recorded.EventName, ExternalId = recorded.ExternalId, HttpStatus = 200, Status = ActivityStatus.Recorded, Reason = recorded.Status }, ct);
                return Answer(200, new DeliveryAnswer(AnswerStatus.Recorded));

            case SourceMapping.Events events:
                return await AcceptAsync(connection, events, body, headers, strict, ct);

            default:
                throw new InvalidOperationException($"Unknown mapping {mapping.GetType().Name}.");
        }
    }

    /// <summary>
    /// Maps an archived delivery again (after a mapping fix) and accepts what it yields; dedupe keys make a replay of
    /// something already accepted a harmless duplicate. The archived copy is reused, not written again.
    /// </summary>
    public async Task<IResult> ReplayAsync(Connection connection, IWebhookSource source, ActivityEntry entry, CancellationToken ct)
    {
        var (body, headers) = await archive.LoadAsync(entry.RawBlob!, ct);
        SourceMapping mapping;
        try { mapping = source.Map(connection, headers, body, clock.GetUtcNow()); }
        catch (Exception e) when (e is FormatException or InvalidOperationException or System.Text.Json.JsonException or OverflowException or ArgumentException or KeyNotFoundException or InvalidCastException)
        {
            mapping = new SourceMapping.Invalid(source.Platform, "The payload could not be read: " + e.Message);
        }
        var answer = mapping switch
        {
            SourceMapping.Events events => await AcceptAsync(connection, events, body, headers, strict: false, ct, entry.RawBlob),
            SourceMapping.Invalid invalid => Answer(200, new DeliveryAnswer(AnswerStatus.Unprocessable) { Error = invalid.Error }),
            _ => await AnswerMappingAsync(connection, source, mapping, body, headers, ct),
        };
        await activity.UpdateAsync(connection.Id, entry.Key, entry.Status, $"{entry.Reason} — replayed: {Describe(mapping)}", null, ct);
        return answer;
    }

    static string Describe(SourceMapping mapping) => mapping switch
    {
        SourceMapping.Events e => $"{e.Drafts.Count} event(s) submitted",
        SourceMapping.Invalid i => "still unprocessable: " + i.Error,
        SourceMapping.Ignored i => "ignored: " + i.Reason,
        SourceMapping.Recorded r => "recorded: " + r.Status,
        _ => mapping.GetType().Name,
    };

    async Task<IResult> AcceptAsync(Connection connection, SourceMapping.Events events, ReadOnlyMemory<byte> body, IHeaderDictionary headers, bool strict, CancellationToken ct, string? archived = null)
    {
        var duplicateStatus = strict ? 409 : 200;
        if (events.Drafts.Count == 0)
        {
            await RecordAsync(new ActivityEntry { ConnectionId = connection.Id, Event = events.EventName, HttpStatus = 200, Status = ActivityStatus.Ignored, Reason = "Nothing to post in this delivery." });
            return Answer(200, new DeliveryAnswer(AnswerStatus.Ignored) { Error = "Nothing to post in this delivery." });
        }
        if (events.DeliveryKey is { } deliveryKey && await receipts.DeliverySeenAsync(connection.Id, deliveryKey, ct))
        {
            await RecordAsync(new ActivityEntry { ConnectionId = connection.Id, Event = events.EventName, ExternalId = events.Drafts[0].Event.ExternalId, HttpStatus = duplicateStatus, Status = ActivityStatus.Duplicate, Reason = "This delivery id was received before." });
            return Answer(duplicateStatus, new DeliveryAnswer(AnswerStatus.Duplicate) { Error = "Already received." });
        }

        IReadOnlyList<IngestedEvent> results;
        // Most deliveries carry one event and a small body: the body rides on the event's receipt claim (one row fewer).
        if (archived is null && events.Drafts.Count == 1 && RawArchive.ToCarry(body, headers) is { } carried)
            results = [await ingestor.AcceptAsync(connection, events.EventName, events.Drafts[0], carried, ct)];
        else
        {
            // The archive upload runs alongside the receipt claims; the ingestor awaits it before anything is queued.
            var saving = archived is not null ? Task.FromResult(archived) : archive.SaveAsync(connection.Id, activity.NewKey(), clock.GetUtcNow(), body, headers, ct);
            try { results = await ingestor.AcceptAsync(connection, events.EventName, events.Drafts, saving, ct); }
            finally { _ = saving.ContinueWith(static t => _ = t.Exception, TaskScheduler.Default); }
        }
        var after = new List<Task>(results.Count + 1);
        foreach (var dup in results.Where(r => r.Status == IngestStatus.Duplicate))
            after.Add(RecordAsync(new ActivityEntry { ConnectionId = connection.Id, Event = events.EventName, ExternalId = dup.ExternalId, EventId = dup.EventId, HttpStatus = duplicateStatus, Status = ActivityStatus.Duplicate, Reason = "Already received; nothing queued again." }));
        if (events.DeliveryKey is { } key) after.Add(receipts.MarkDeliveryAsync(connection.Id, key, ct));
        await Task.WhenAll(after);

        var accepted = results.Where(r => r.Status == IngestStatus.Accepted).Select(r => r.EventId).ToList();
        if (accepted.Count == 0)
            return Answer(duplicateStatus, new DeliveryAnswer(AnswerStatus.Duplicate) { EventId = results[0].EventId, Error = "Already received." });
        if (strict && results is [{ Status: IngestStatus.Accepted, ActivityKey: { } activityKey } one] && PostingWait.Requested(headers) is { } wait)
            return await WaitForPostingAsync(connection.Id, one.EventId, activityKey, wait, ct);
        return Answer(200, new DeliveryAnswer(AnswerStatus.Accepted) { EventId = accepted[0], EventIds = results.Count > 1 ? results.Select(r => r.EventId).ToList() : null });
    }

    /// <summary>
    /// The sender asked to wait for posting (Prefer: wait=N, strict sources only): 200 "posted" with the voucher numbers,
    /// 422 "failed" with posting's reason (nothing was written and the key is freed: send it again corrected), 202 "held"
    /// (kept, posted when its sale or the units it refunds arrive), 200 "stale" (an older edit: nothing posted), or, if
    /// posting has not finished within the wait, 200 "accepted" as without the header.
    /// </summary>
    async Task<IResult> WaitForPostingAsync(string connectionId, string eventId, string activityKey, TimeSpan wait, CancellationToken ct)
    {
        var deadline = clock.GetUtcNow() + wait;
        while (true)
        {
            var entry = await activity.GetAsync(connectionId, activityKey, ct);
            if (entry?.Status == ActivityStatus.Posted)
                return Answer(200, new DeliveryAnswer(AnswerStatus.Posted) { EventId = eventId, Vouchers = entry.Vouchers?.Split(", ", StringSplitOptions.RemoveEmptyEntries) ?? [] });
            if (entry?.Status == ActivityStatus.Failed)
                return Answer(422, new DeliveryAnswer(AnswerStatus.Failed) { EventId = eventId, Error = entry.Reason });
            // Kept, not in the books yet (its sale has not arrived, or it asks for more than is sold so far): accepted, not done.
            if (entry?.Status == ActivityStatus.Held)
                return Answer(202, new DeliveryAnswer(AnswerStatus.Held) { EventId = eventId, Error = entry.Reason });
            if (entry?.Status == ActivityStatus.Stale)
                return Answer(200, new DeliveryAnswer(AnswerStatus.Stale) { EventId = eventId, Error = entry.Reason, Vouchers = [] });
            if (clock.GetUtcNow() >= deadline) return Answer(200, new DeliveryAnswer(AnswerStatus.Accepted) { EventId = eventId });
            await Task.Delay(PostingWait.Poll, ct);
        }
    }

    async Task<IResult> RejectAsync(string connectionId, string? eventName, int status, string answer, string error, string? externalId = null)
    {
        await RecordAsync(new ActivityEntry { ConnectionId = connectionId, Event = eventName, ExternalId = externalId, HttpStatus = status, Status = ActivityStatus.Rejected, Reason = error });
        return Answer(status, new DeliveryAnswer(answer) { Error = error });
    }

    /// <summary>Logging a rejection must not turn it into a 5xx: if storage is down the answer still goes out.</summary>
    async Task RecordAsync(ActivityEntry entry)
    {
        try { await activity.RecordAsync(entry, CancellationToken.None); }
        catch (Exception e) { LogActivityLost(log, e, entry.ConnectionId, entry.Status); }
    }

    static bool IsJson(string? contentType, bool required)
    {
        if (string.IsNullOrWhiteSpace(contentType)) return !required;
        var media = contentType.Split(';', 2)[0].Trim();
        return media.Equals("application/json", StringComparison.OrdinalIgnoreCase) || media.EndsWith("+json", StringComparison.OrdinalIgnoreCase) || media.Equals("text/json", StringComparison.OrdinalIgnoreCase);
    }

    internal static IResult Answer(int status, DeliveryAnswer answer) =>
        Results.Json(answer, SourceJson.Default.DeliveryAnswer, statusCode: status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storage fault while receiving a delivery for {ConnectionId}: answered 503")]
    static partial void LogStorageFault(ILogger logger, Exception e, string connectionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not write the {Status} activity entry for {ConnectionId}")]
    static partial void LogActivityLost(ILogger logger, Exception e, string connectionId, string status);
}
