using System.Text;
using Connectors.Activity;
using Connectors.Connections;
using Connectors.Hosting;
using Connectors.Ingest;
using Connectors.Posting;
using Connectors.Sources;
using Connectors.Sources.Custom;
using Connectors.Tests.Fixtures;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Connectors.Bench;

/// <summary>
/// Puts orders into the books the way the connector would have: the same components write the archived body, the
/// receipt, the activity entry and the posting (vouchers, stock, order row), in the same tables and keys, but called
/// directly instead of through HTTP and the queue, so 100,000 orders of history take minutes, not hours.
/// </summary>
public sealed class History(string storageConnectionString)
{
    public async Task<Load.Result> SeedAsync(string connectionId, int count, int concurrency)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = storageConnectionString }).Build();
        await using var services = new ServiceCollection().AddConnectors(config, new HostJson()).BuildServiceProvider();
        var connection = await services.GetRequiredService<ConnectionStore>().GetLiveAsync(connectionId, default)
            ?? throw new InvalidOperationException($"Connection {connectionId} does not exist.");
        var source = services.GetRequiredService<CustomSource>();
        var archive = services.GetRequiredService<RawArchive>();
        var receipts = services.GetRequiredService<Receipts>();
        var activity = services.GetRequiredService<ActivityLog>();
        var poster = services.GetRequiredService<IEventPoster>();

        return await Load.RunAsync(concurrency, null, count, async i =>
        {
            var body = Encoding.UTF8.GetBytes(BenchOrders.Created($"seed-{i}"));
            var headers = new HeaderDictionary { [CustomSource.EventHeader] = "order.created", ["Content-Type"] = "application/json" };
            var now = DateTimeOffset.UtcNow;
            if (source.Map(connection, headers, body, now) is not SourceMapping.Events { Drafts: [var draft] })
                throw new InvalidOperationException("The history order did not map to one event.");
            var key = activity.NewKey();
            var eventId = EventIds.For(connection.Id, draft.DedupeKey);
            var raw = await archive.SaveAsync(connection.Id, key, now, body, headers, default);
            var (_, claim, _) = await receipts.ClaimAsync(connection.Id, draft.DedupeKey, eventId, default);
            var (stamped, entry) = Ingestor.Stamp(connection, "order.created", draft, eventId, key, now, raw);
            await activity.RecordAcceptedAsync(entry, default);
            await receipts.CompleteAsync(claim!, default);
            var outcome = await poster.PostAsync(stamped, default);
            await activity.UpdateAsync(connection.Id, key, ActivityStatus.Posted, outcome.Note, string.Join(", ", outcome.VoucherNumbers), default);
            return true;
        });
    }
}
