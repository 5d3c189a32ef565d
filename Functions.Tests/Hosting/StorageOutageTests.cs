using System.Net;
using System.Text.Json;
using Connectors.Ingest;
using Connectors.Tests.Fixtures;

namespace Connectors.Tests.Hosting;

public sealed class PersistentIngestHostFixture : HostFixture
{
    readonly string _location = Path.Combine(Path.GetTempPath(), "connectors-azurite-" + Guid.NewGuid().ToString("N"));
    protected override bool QueueTrigger => false;
    protected override string? AzuriteLocation => _location;

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        try { Directory.Delete(_location, recursive: true); } catch (IOException) { }
    }
}

/// <summary>Storage down: deliveries get a quick 503 (the sender retries); back up, the same delivery is accepted once.</summary>
public sealed class StorageOutageTests(PersistentIngestHostFixture host) : IClassFixture<PersistentIngestHostFixture>
{
    [Fact]
    public async Task Deliveries_during_an_outage_get_503_and_are_accepted_once_storage_is_back()
    {
        var c = await host.CreateConnectionAsync("custom");
        using (var warm = await host.Http.SendAsync(SignedRequests.Custom(c.Path, c.SigningSecret!, "order.created", CustomOrders.Created("OUT-0"))))
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        // On the queue before the outage (an event still in the outbox then would be queued by the sweep 30 s later).
        await host.Service<Outbox>().WhenRelayedAsync();

        await host.Azurite.StopAsync(graceful: true);
        var body = CustomOrders.Created("OUT-1");
        var started = DateTime.UtcNow;
        using (var down = await host.Http.SendAsync(SignedRequests.Custom(c.Path, c.SigningSecret!, "order.created", body)))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
            Assert.Equal("unavailable", JsonDocument.Parse(await down.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());
            Assert.NotNull(down.Headers.RetryAfter);
        }
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5), $"503 took {DateTime.UtcNow - started}");

        await host.RestartAzuriteAsync();
        // The platform's retry of the same delivery: accepted (nothing was half-accepted before), then a duplicate.
        using (var retry = await host.Http.SendAsync(SignedRequests.Custom(c.Path, c.SigningSecret!, "order.created", body)))
            Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        using (var again = await host.Http.SendAsync(SignedRequests.Custom(c.Path, c.SigningSecret!, "order.created", body)))
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);

        await host.Service<Outbox>().WhenRelayedAsync();
        var queue = host.Service<EventQueue>();
        var ids = new List<string>();
        foreach (var m in (await queue.Queue.PeekMessagesAsync(32)).Value) ids.AddRange((await queue.OpenAsync(m.Body, default)).Select(e => e.ExternalId));
        Assert.Equal(["OUT-0", "OUT-1"], ids.Order());
    }
}
