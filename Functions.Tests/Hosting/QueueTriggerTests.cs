using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Connectors.Hosting;
using Connectors.Ingest;
using Connectors.Posting;
using Connectors.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace Connectors.Tests.Hosting;

/// <summary>A poster the test controls: fails for orders named FAIL-*, defers DEFER-* a set number of times, records the rest.</summary>
public sealed class ScriptedPoster : IEventPoster
{
    public ConcurrentDictionary<string, int> Attempts { get; } = new();
    public ConcurrentBag<string> Posted { get; } = [];

    public Task<PostingOutcome> PostAsync(CanonicalEvent e, CancellationToken ct)
    {
        var attempt = Attempts.AddOrUpdate(e.ExternalId, 1, (_, n) => n + 1);
        if (e.ExternalId.StartsWith("FAIL-")) throw new PostingDeferredException($"waiting for the sale of order {e.ExternalId}");
        if (e.ExternalId.StartsWith("DEFER2-") && attempt <= 2) throw new PostingDeferredException("not yet");
        if (e.ExternalId.StartsWith("REJECT-")) throw new PostingRejectedException("Refund of 3 exceeds the 2 still sold.");
        Posted.Add(e.ExternalId);
        return Task.FromResult(new PostingOutcome([$"SV/TEST/{e.ExternalId}"]));
    }
}

public sealed class ScriptedPosterHostFixture : HostFixture
{
    public ScriptedPoster Poster { get; } = new();
    protected override void Services(IServiceCollection services) => services.AddSingleton<IEventPoster>(Poster);
    // Short timings so retries and poison happen within the test; the semantics are host.json's.
    protected override HostJson HostJson => base.HostJson with
    {
        Queues = base.HostJson.Queues with { VisibilityTimeout = TimeSpan.FromMilliseconds(200), MaxPollingInterval = TimeSpan.FromMilliseconds(200), MaxDequeueCount = 3 },
    };
}

/// <summary>The local queue trigger reproduces the Functions one: retries, poison after maxDequeueCount, activity moves on.</summary>
public sealed class QueueTriggerTests(ScriptedPosterHostFixture host) : IClassFixture<ScriptedPosterHostFixture>
{
    async Task<CreatedConnection> SendAsync(string externalId, CreatedConnection? c = null)
    {
        c ??= await host.CreateConnectionAsync("custom");
        using var response = await host.Http.SendAsync(SignedRequests.Custom(c.Path, c.SigningSecret!, "order.created", CustomOrders.Created(externalId)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return c;
    }

    async Task<JsonElement> LatestActivityAsync(string connectionId) =>
        (await host.AdminJsonAsync(HttpMethod.Get, $"/api/manage/connections/{connectionId}/activity?top=1"))[0];

    [Fact]
    public async Task A_posted_event_moves_its_activity_entry_to_posted_with_the_voucher_number()
    {
        var c = await SendAsync("OK-1");
        await HostFixture.Eventually(async () => (await LatestActivityAsync(c.Id)).GetProperty("status").GetString() == "posted", "activity posted");
        Assert.Equal("SV/TEST/OK-1", (await LatestActivityAsync(c.Id)).GetProperty("vouchers").GetString());
        Assert.Equal(1, host.Poster.Attempts["OK-1"]);
    }

    [Fact]
    public async Task A_deferred_event_is_retried_after_the_visibility_timeout_and_then_posts()
    {
        var c = await SendAsync("DEFER2-1");
        await HostFixture.Eventually(() => Task.FromResult(host.Poster.Posted.Contains("DEFER2-1")), "posted on the third attempt");
        Assert.Equal(3, host.Poster.Attempts["DEFER2-1"]);
    }

    [Fact]
    public async Task A_message_that_keeps_failing_goes_to_poison_after_maxDequeueCount_with_its_reason_and_can_be_replayed()
    {
        var c = await SendAsync("FAIL-1");
        var poison = host.Storage.Queue(QueueNames.EventsPoison);
        var queue = host.Service<EventQueue>();
        await HostFixture.Eventually(async () =>
        {
            foreach (var m in (await poison.PeekMessagesAsync(32)).Value)
                if ((await queue.OpenAsync(m.Body, default)).Any(e => e.ExternalId == "FAIL-1")) return true;
            return false;
        }, "FAIL-1 in the poison queue");
        Assert.Equal(3, host.Poster.Attempts["FAIL-1"]);
        var entry = await LatestActivityAsync(c.Id);
        Assert.Equal("failed", entry.GetProperty("status").GetString());
        Assert.Contains("waiting for the sale of order FAIL-1", entry.GetProperty("reason").GetString());
        Assert.Contains("poison", entry.GetProperty("reason").GetString());

        var replay = await host.AdminJsonAsync(HttpMethod.Post, "/api/manage/poison/replay");
        Assert.True(replay.GetProperty("moved").GetInt32() >= 1);
        await HostFixture.Eventually(() => Task.FromResult(host.Poster.Attempts["FAIL-1"] >= 4), "replayed message tried again");
    }

    [Fact]
    public async Task A_rejected_event_fails_at_once_with_its_reason_and_is_not_retried()
    {
        var c = await SendAsync("REJECT-1");
        await HostFixture.Eventually(async () => (await LatestActivityAsync(c.Id)).GetProperty("status").GetString() == "failed", "activity failed");
        Assert.Contains("exceeds", (await LatestActivityAsync(c.Id)).GetProperty("reason").GetString());
        await Task.Delay(1000);
        Assert.Equal(1, host.Poster.Attempts["REJECT-1"]);
    }

    [Fact]
    public async Task Many_messages_are_consumed_in_parallel_batches()
    {
        var c = await host.CreateConnectionAsync("custom");
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => SendAsync($"BATCH-{i}", c)));
        await HostFixture.Eventually(() => Task.FromResult(Enumerable.Range(0, 40).All(i => host.Poster.Posted.Contains($"BATCH-{i}"))), "all 40 posted");
        Assert.All(Enumerable.Range(0, 40), i => Assert.Equal(1, host.Poster.Attempts[$"BATCH-{i}"]));
    }

    [Fact]
    public async Task In_a_shared_message_a_failing_event_goes_to_poison_alone_and_the_others_post_once()
    {
        var c = await host.CreateConnectionAsync("custom");
        CanonicalEvent Event(string id) => new()
        {
            EventId = "ev_" + id, Kind = EventKind.Sale, ConnectionId = c.Id, Platform = "custom", ExternalId = id,
            Date = new DateOnly(2026, 6, 1), ActivityKey = "k-" + id,
        };
        var shared = new QueueEnvelope(null, null, [Event("SHARED-OK-1"), Event("FAIL-SHARED-1"), Event("SHARED-OK-2")]);
        await host.Service<EventQueue>().Queue.SendMessageAsync(BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(shared, IngestJson.Default.QueueEnvelope)));

        var poison = host.Storage.Queue(QueueNames.EventsPoison);
        var queue = host.Service<EventQueue>();
        IReadOnlyList<CanonicalEvent>? poisoned = null;
        await HostFixture.Eventually(async () =>
        {
            foreach (var m in (await poison.PeekMessagesAsync(32)).Value)
                if (await queue.OpenAsync(m.Body, default) is var events && events.Any(e => e.ExternalId == "FAIL-SHARED-1")) poisoned = events;
            return poisoned is not null;
        }, "FAIL-SHARED-1 in the poison queue");
        Assert.Equal(["FAIL-SHARED-1"], poisoned!.Select(e => e.ExternalId));
        // Once in the shared message, then maxDequeueCount (3) times in its own.
        Assert.Equal(4, host.Poster.Attempts["FAIL-SHARED-1"]);
        Assert.Equal(1, host.Poster.Attempts["SHARED-OK-1"]);
        Assert.Equal(1, host.Poster.Attempts["SHARED-OK-2"]);
    }
}
