using System.Text;
using Connectors.Activity;
using Connectors.Connections;
using Connectors.Ingest;
using Connectors.Sources;
using Connectors.Sources.Custom;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Connectors.Tests.Fixtures;

/// <summary>
/// Accepts a Custom order.created as the ingest route does (receipt claimed with the raw body and marked, activity
/// entry recorded), by calling the components directly: no HTTP and no queue. Returns the event as it would be queued.
/// </summary>
public sealed class DirectIngest(IServiceProvider services)
{
    readonly CustomSource _source = services.GetRequiredService<CustomSource>();
    readonly RawArchive _archive = services.GetRequiredService<RawArchive>();
    readonly Receipts _receipts = services.GetRequiredService<Receipts>();
    readonly ActivityLog _activity = services.GetRequiredService<ActivityLog>();

    public async Task<CanonicalEvent> AcceptAsync(Connection connection, string orderJson)
    {
        var body = Encoding.UTF8.GetBytes(orderJson);
        var headers = new HeaderDictionary { [CustomSource.EventHeader] = "order.created", ["Content-Type"] = "application/json" };
        var now = DateTimeOffset.UtcNow;
        if (_source.Map(connection, headers, body, now) is not SourceMapping.Events { Drafts: [var draft] })
            throw new InvalidOperationException("The order did not map to one event.");
        var key = _activity.NewKey();
        var eventId = EventIds.For(connection.Id, draft.DedupeKey);
        // As the route does: a body that fits rides on the receipt claim, a larger one is archived on its own.
        var carried = RawArchive.ToCarry(body, headers);
        var raw = carried is not null ? Receipts.RawReference(connection.Id, draft.DedupeKey) : await _archive.SaveAsync(connection.Id, key, now, body, headers, default);
        var (_, claim, _) = await _receipts.ClaimAsync(connection.Id, draft.DedupeKey, eventId, carried, default);
        var (stamped, entry) = Ingestor.Stamp(connection, "order.created", draft, eventId, key, now, raw);
        await _activity.RecordAcceptedAsync(entry, default);
        await _receipts.CompleteAsync(claim!, default);
        return stamped;
    }
}
