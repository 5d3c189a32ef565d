using System.Text.Json;
using Connectors.Ingest;
using Connectors.Tests.Fixtures;

namespace Connectors.Tests.Ingest;

/// <summary>Events accepted together share queue messages; every event is in exactly one message, and none is too large.</summary>
public sealed class EventQueueTests(IngestOnlyHostFixture host) : IClassFixture<IngestOnlyHostFixture>
{
    EventQueue Queue => host.Service<EventQueue>();

    static CanonicalEvent Event(string connectionId, int i, string description = "Widget") => new()
    {
        EventId = $"ev_{connectionId}_{i}", Kind = EventKind.Sale, ConnectionId = connectionId, Platform = "custom", ExternalId = $"Q-{i}",
        Date = new DateOnly(2026, 6, 1), ActivityKey = $"k{i}",
        Lines = [new CanonicalLine { Sku = "WIDGET-1", Description = description, Quantity = 2m, Rate = 100m, TaxRate = 18m }],
    };

    async Task<List<(string Text, IReadOnlyList<CanonicalEvent> Events)>> MessagesForAsync(string connectionId)
    {
        var found = new List<(string, IReadOnlyList<CanonicalEvent>)>();
        foreach (var m in (await Queue.Queue.PeekMessagesAsync(32)).Value)
        {
            var events = await Queue.OpenAsync(m.Body, default);
            if (events.Any(e => e.ConnectionId == connectionId)) found.Add((m.Body.ToString(), events));
        }
        return found;
    }

    [Fact]
    public async Task Concurrent_sends_share_messages_and_every_event_is_queued_exactly_once()
    {
        const string connection = "share-1";
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Queue.SendAsync(Event(connection, i), default)));

        var messages = await MessagesForAsync(connection);
        var ids = messages.SelectMany(m => m.Events).Select(e => e.EventId).ToList();
        Assert.Equal(Enumerable.Range(0, 40).Select(i => $"ev_{connection}_{i}").Order(), ids.Order());
        // A lane is filled before the next is used: two lanes for forty events, each sending its first event at once and
        // the rest together (four messages at most); spread over all four lanes it would take up to eight.
        Assert.True(messages.Count <= 4, $"40 events went in {messages.Count} messages");
        Assert.All(messages, m => Assert.True(m.Events.Count <= EventQueue.MaxEventsPerMessage));
        Assert.Equal(40, messages.Sum(m => m.Events.Count));
    }

    [Fact]
    public async Task An_event_too_large_for_a_message_is_claim_checked_alone_while_the_others_share()
    {
        const string connection = "share-2";
        var big = Event(connection, 99, new string('d', EventQueue.MaxInlineBytes));
        await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Queue.SendAsync(Event(connection, i), default)).Append(Queue.SendAsync(big, default)));

        var messages = await MessagesForAsync(connection);
        var claimed = Assert.Single(messages, m => m.Events.Any(e => e.EventId == big.EventId));
        Assert.Single(claimed.Events);
        Assert.True(claimed.Text.Length < 1024, "the claim-checked message carries the blob's name, not the event");
        Assert.Equal(big.Lines[0].Description, claimed.Events[0].Lines[0].Description);
        Assert.Equal(7, messages.Sum(m => m.Events.Count));
        // Base64 of at most 48 KiB of JSON: every message fits the queue's 64 KiB.
        Assert.All(messages, m => Assert.True(m.Text.Length <= 64 * 1024));
    }

    [Fact]
    public async Task A_message_written_before_events_were_shared_still_opens()
    {
        var old = JsonSerializer.SerializeToUtf8Bytes(new QueueEnvelope(Event("old", 1), null), IngestJson.Default.QueueEnvelope);
        var events = await Queue.OpenAsync(BinaryData.FromBytes(old), default);
        Assert.Equal("ev_old_1", Assert.Single(events).EventId);
    }
}
