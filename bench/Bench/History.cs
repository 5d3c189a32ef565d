using Connectors.Activity;
using Connectors.Connections;
using Connectors.Hosting;
using Connectors.Posting;
using Connectors.Tests.Fixtures;
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
        var ingest = new DirectIngest(services);
        var activity = services.GetRequiredService<ActivityLog>();
        var poster = services.GetRequiredService<IEventPoster>();

        return await Load.RunAsync(concurrency, null, count, async i =>
        {
            var e = await ingest.AcceptAsync(connection, BenchOrders.Created($"seed-{i}"));
            var outcome = await poster.PostAsync(e, default);
            await activity.UpdateAsync(connection.Id, e.ActivityKey, ActivityStatus.Posted, outcome.Note, string.Join(", ", outcome.VoucherNumbers), default);
            return true;
        });
    }
}
