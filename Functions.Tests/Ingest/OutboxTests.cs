using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using Connectors.Connections;
using Connectors.Hosting;
using Connectors.Ingest;
using Connectors.Storage;
using Connectors.Tests.Fixtures;
using Connectors.Tests.Posting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Connectors.Tests.Ingest;

/// <summary>
/// A delivery is answered once its event is in the outbox; the outbox queues it right after and deletes its row. An
/// event whose instance died before queueing it is queued by another instance's sweep once RelayAfter has passed, and
/// posted once.
/// </summary>
public sealed class OutboxTests(HostFixture host) : IClassFixture<HostFixture>
{
    readonly BooksClient _books = new(host);
    readonly TableClient _outbox = host.Storage.Table(TableNames.Outbox);

    async Task<List<TableEntity>> RowsOfAsync(string eventId)
    {
        var rows = new List<TableEntity>();
        // A row is named after its first event: "{event id}|{unique suffix}".
        var key = Keys.Escape(eventId);
        await foreach (var r in _outbox.QueryAsync<TableEntity>(e => e.RowKey.CompareTo(key + "|") >= 0 && e.RowKey.CompareTo(key + "}") < 0)) rows.Add(r);
        return rows;
    }

    [Fact]
    public async Task An_accepted_event_is_queued_posted_and_gone_from_the_outbox()
    {
        var c = await _books.CustomConnectionAsync();
        var (status, body) = await host.SendAsync(SignedRequests.Custom(c.Path, c.SigningSecret!, "order.created", CustomOrders.Created("OUTBOX-1")));
        Assert.Equal(HttpStatusCode.OK, status);
        var eventId = body.GetProperty("eventId").GetString()!;
        Assert.Single(await _books.VouchersAsync(c.Id, "OUTBOX-1", 1));
        await HostFixture.Eventually(async () => (await RowsOfAsync(eventId)).Count == 0, "the outbox row to be deleted once queued");
    }

    [Fact]
    public async Task Events_left_by_a_dead_instance_are_queued_by_the_sweep_after_RelayAfter_and_posted_once()
    {
        var c = await _books.CustomConnectionAsync();
        var connection = (await host.Service<ConnectionStore>().GetLiveAsync(c.Id, default))!;
        var ingest = new DirectIngest(host.App.Services);
        var orders = new[] { "OUTBOX-DEAD-1", "OUTBOX-DEAD-2", "OUTBOX-DEAD-3" };
        var events = new List<CanonicalEvent>();
        foreach (var id in orders) events.Add(await ingest.AcceptAsync(connection, CustomOrders.Created(id)));
        // An instance that kept the events, answered 200 and died before its relays: it never sends.
        var dead = new Outbox(host.Storage, host.Service<EventQueue>(), TimeProvider.System, Options.Create(new ConnectorOptions()), NullLogger<Outbox>.Instance);
        foreach (var e in events) Assert.NotNull(await dead.KeepAsync(e, default));

        // Younger than RelayAfter: their instance may still be sending them, so the sweep leaves them.
        var sweeper = host.Service<Outbox>();
        await sweeper.SweepAsync(default);
        foreach (var e in events) Assert.Single(await RowsOfAsync(e.EventId));

        // RelayAfter later (backdated rather than waited for): swept, queued and posted, once each.
        foreach (var e in events)
        {
            var row = Assert.Single(await RowsOfAsync(e.EventId));
            row["AcceptedAt"] = DateTimeOffset.UtcNow - sweeper.RelayAfter - TimeSpan.FromSeconds(1);
            await _outbox.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace);
        }
        Assert.True(await sweeper.SweepAsync(default) >= events.Count);
        foreach (var e in events) Assert.Empty(await RowsOfAsync(e.EventId));
        var sales = new List<string>();
        foreach (var id in orders) sales.Add(Assert.Single(await _books.VouchersAsync(c.Id, id, 1)).GetProperty("number").GetString()!);
        await HostFixture.Eventually(async () =>
        {
            var list = await host.AdminJsonAsync(HttpMethod.Get, $"/api/manage/connections/{c.Id}/activity?top=10");
            return list.EnumerateArray().Count(a => a.GetProperty("status").GetString() == "posted") == orders.Length;
        }, "every activity entry to say posted");

        // Swept twice (two instances at once): the second message is posted as already processed.
        var queue = host.Service<EventQueue>();
        await queue.SendAsync(events[0], default);
        await HostFixture.Eventually(async () => (await queue.Queue.GetPropertiesAsync()).Value.ApproximateMessagesCount == 0, "the second message to be posted");
        Assert.Equal(sales[0], Assert.Single(await _books.VouchersAsync(c.Id, orders[0], 1)).GetProperty("number").GetString());
    }

    [Fact]
    public async Task An_event_too_large_for_a_row_is_queued_before_the_answer_and_posted()
    {
        var c = await _books.CustomConnectionAsync();
        var lines = Enumerable.Range(0, 300).Select(i => ($"BIG-{i:D3}-" + new string('x', 60), 1m, 10m, 18m)).ToArray();
        var order = CustomOrders.Created("OUTBOX-BIG", "29", lines);
        var (status, body) = await host.SendAsync(SignedRequests.Custom(c.Path, c.SigningSecret!, "order.created", order));
        Assert.Equal(HttpStatusCode.OK, status);
        // Never kept: it was on the queue (claim-checked) before the 200.
        Assert.Empty(await RowsOfAsync(body.GetProperty("eventId").GetString()!));
        var sale = Assert.Single(await _books.VouchersAsync(c.Id, "OUTBOX-BIG", 1));
        Assert.Equal(300, (await _books.VoucherAsync(sale.GetProperty("number").GetString()!)).GetProperty("lines").GetArrayLength());
    }
}
