using System.Net;
using System.Net.Sockets;
using Azure.Data.Tables;
using Connectors.Hosting;
using Connectors.Ingest;
using Connectors.Reliability;
using Connectors.Storage;
using Connectors.Tests.Fixtures;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Connectors.Tests.Ingest;

/// <summary>
/// Before the answer an event goes to the queue; only a queue that does not take it within QueuePatience sends it to
/// the outbox table, and while such a send is still overdue the next events go straight there, without waiting.
/// </summary>
public sealed class QueueHandOffTests(IngestOnlyHostFixture host) : IClassFixture<IngestOnlyHostFixture>
{
    readonly TableClient _outboxTable = host.Storage.Table(TableNames.Outbox);

    static CanonicalEvent Event(string id) => new()
    {
        EventId = "ev_handoff_" + id, Kind = EventKind.Sale, ConnectionId = "handoff", Platform = "custom", ExternalId = "HANDOFF-" + id,
        Date = new DateOnly(2026, 6, 1), ActivityKey = "k" + id,
        Lines = [new CanonicalLine { Sku = "WIDGET-1", Description = "Widget", Quantity = 1m, Rate = 100m, TaxRate = 18m }],
    };

    /// <summary>An outbox whose queue is reached at the given queue endpoint (tables and blobs on the fixture's Azurite).</summary>
    Outbox OutboxVia(int queuePort, TimeSpan patience, TimeSpan? relayAfter = null, ILoggerProvider? logs = null)
    {
        var a = host.Azurite;
        var storage = StorageAccount.FromConnectionString(a.ConnectionString.Replace($"127.0.0.1:{a.QueuePort}/", $"127.0.0.1:{queuePort}/"));
        var options = Options.Create(new ConnectorOptions { QueuePatience = patience, OutboxRelayAfter = relayAfter ?? TimeSpan.FromSeconds(30) });
        var log = logs is null ? NullLogger<Outbox>.Instance : LoggerFactory.Create(b => b.AddProvider(logs)).CreateLogger<Outbox>();
        return new Outbox(storage, new EventQueue(storage), TimeProvider.System, options, log);
    }

    async Task<bool> InOutboxAsync(Outbox.Kept kept) =>
        (await _outboxTable.GetEntityIfExistsAsync<TableEntity>(kept.Partition, kept.RowKey, ["PartitionKey"])).HasValue;

    async Task<bool> AnyRowOfAsync(CanonicalEvent e)
    {
        var key = Keys.Escape(e.EventId);
        await foreach (var _ in _outboxTable.QueryAsync<TableEntity>(r => r.RowKey.CompareTo(key + "|") >= 0 && r.RowKey.CompareTo(key + "}") < 0)) return true;
        return false;
    }

    async Task<int> TimesQueuedAsync(CanonicalEvent e)
    {
        var queue = host.Service<EventQueue>();
        var n = 0;
        foreach (var m in (await queue.Queue.PeekMessagesAsync(32)).Value) n += (await queue.OpenAsync(m.Body, default)).Count(q => q.EventId == e.EventId);
        return n;
    }

    [Fact]
    public async Task A_queue_that_takes_the_event_in_time_gets_it_and_the_outbox_gets_no_row()
    {
        var outbox = OutboxVia(host.Azurite.QueuePort, TimeSpan.FromSeconds(10));
        var e = Event("healthy");

        Assert.Null(await outbox.HandOffAsync(e, default));

        Assert.Equal(1, await TimesQueuedAsync(e));
        Assert.False(await AnyRowOfAsync(e));
    }

    [Fact]
    public async Task Zero_patience_keeps_events_in_the_outbox_sharing_rows_and_the_relay_queues_each_once_and_deletes_the_rows()
    {
        var outbox = OutboxVia(host.Azurite.QueuePort, TimeSpan.Zero);
        var events = Enumerable.Range(0, 10).Select(i => Event($"zero-{i}")).ToList();

        var kept = await Task.WhenAll(events.Select(e => outbox.HandOffAsync(e, default)));

        Assert.All(kept, k => Assert.Null(Assert.IsType<Outbox.Kept>(k).Sending));
        // Kept at the same moment, they share rows as they would a message (one row each would load the table when the queue stalls).
        Assert.InRange(kept.Select(k => k!.RowKey).Distinct().Count(), 1, events.Count - 1);
        await outbox.WhenRelayedAsync();
        foreach (var e in events) Assert.Equal(1, await TimesQueuedAsync(e));
        foreach (var k in kept) Assert.False(await InOutboxAsync(k!));
    }

    [Fact]
    public async Task A_send_that_outlives_the_patience_is_finished_after_the_answer_not_sent_twice()
    {
        // The queue answers, but only after 1.5 s: longer than the 300 ms an answer waits.
        await using var slow = await DelayingProxy.StartAsync(host.Azurite.QueuePort, TimeSpan.FromMilliseconds(1500));
        var outbox = OutboxVia(slow.Port, TimeSpan.FromMilliseconds(300));
        var e = Event("slow");

        var kept = await outbox.HandOffAsync(e, default);

        Assert.NotNull(kept);
        Assert.NotNull(kept.Sending);
        Assert.False(kept.Sending.IsCompleted);
        // The relay waits for the running send, so the row is still there.
        Assert.True(await InOutboxAsync(kept));
        await outbox.WhenRelayedAsync();
        Assert.Equal(1, await TimesQueuedAsync(e));
        Assert.False(await InOutboxAsync(kept));
    }

    [Fact]
    public async Task While_a_send_is_overdue_the_next_events_go_straight_to_the_outbox_and_the_sweep_queues_them()
    {
        // A queue endpoint that accepts connections and never answers.
        var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var held = new List<TcpClient>();
        var accepting = Task.Run(async () => { try { while (true) held.Add(await silent.AcceptTcpClientAsync()); } catch (Exception) { } });
        var logs = new CapturedLogs();
        var outbox = OutboxVia(((IPEndPoint)silent.LocalEndpoint).Port, TimeSpan.FromMilliseconds(300), logs: logs);
        var first = Event("overdue-1");
        var second = Event("overdue-2");
        Outbox.Kept? keptFirst, keptSecond;
        try
        {
            keptFirst = await outbox.HandOffAsync(first, default);
            keptSecond = await outbox.HandOffAsync(second, default);

            Assert.NotNull(keptFirst?.Sending);
            Assert.False(keptFirst.Sending.IsCompleted);
            // Not sent at all: the queue is known to be stuck, so this answer did not wait for it.
            Assert.NotNull(keptSecond);
            Assert.Null(keptSecond.Sending);
            // Their relays are stuck on the same queue: both rows stay.
            Assert.True(await InOutboxAsync(keptFirst));
            Assert.True(await InOutboxAsync(keptSecond));
            Assert.Contains(logs.Lines, l => l.StartsWith("Warning") && l.Contains("has not taken event ev_handoff_overdue-1 within 00:00:00.3"));
        }
        finally
        {
            silent.Stop();
            foreach (var c in held) c.Dispose();
            await accepting;
        }
        // The stuck send fails once its connection is gone: the queue is no longer overdue, and the operator is told so.
        await HostFixture.Eventually(() => Task.FromResult(logs.Lines.Any(l => l.Contains("taking events again; 2 accepted events went to the outbox"))), "the queue's recovery to be logged");

        // Their instance never relays them (as if it died): any instance's sweep queues them once RelayAfter has passed.
        var sweeper = OutboxVia(host.Azurite.QueuePort, TimeSpan.FromSeconds(10), relayAfter: TimeSpan.Zero);
        Assert.True(await sweeper.SweepAsync(default) >= 2);
        Assert.Equal(1, await TimesQueuedAsync(first));
        Assert.Equal(1, await TimesQueuedAsync(second));
        Assert.False(await InOutboxAsync(keptFirst));
        Assert.False(await InOutboxAsync(keptSecond));
    }

    /// <summary>A TCP proxy to a local port that holds each connection for a while before passing it on: a slow queue.</summary>
    sealed class DelayingProxy : IAsyncDisposable
    {
        readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        readonly CancellationTokenSource _stop = new();
        Task _accepting = Task.CompletedTask;
        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public static Task<DelayingProxy> StartAsync(int targetPort, TimeSpan delay)
        {
            var proxy = new DelayingProxy();
            proxy._listener.Start();
            proxy._accepting = proxy.AcceptAsync(targetPort, delay);
            return Task.FromResult(proxy);
        }

        async Task AcceptAsync(int targetPort, TimeSpan delay)
        {
            try
            {
                while (true)
                {
                    var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    _ = Task.Run(async () =>
                    {
                        using (client)
                        using (var target = new TcpClient())
                        {
                            await Task.Delay(delay, _stop.Token);
                            await target.ConnectAsync(IPAddress.Loopback, targetPort, _stop.Token);
                            var a = client.GetStream();
                            var b = target.GetStream();
                            await Task.WhenAny(a.CopyToAsync(b, _stop.Token), b.CopyToAsync(a, _stop.Token));
                        }
                    });
                }
            }
            catch (Exception) { /* stopped */ }
        }

        public async ValueTask DisposeAsync()
        {
            _stop.Cancel();
            _listener.Stop();
            await _accepting;
        }
    }
}
