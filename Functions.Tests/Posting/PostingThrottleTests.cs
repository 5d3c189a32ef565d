using Connectors.Hosting;
using Connectors.Ingest;
using Connectors.Posting;
using Microsoft.Extensions.Options;

namespace Connectors.Tests.Posting;

/// <summary>Acknowledgements first: while a delivery is being answered, posting takes turns; with none, it runs flat out.</summary>
public sealed class PostingThrottleTests
{
    static PostingThrottle Throttle(DeliveriesInFlight deliveries, int whileAnswering = 1) =>
        new(deliveries, Options.Create(new ConnectorOptions { PostingWhileAnswering = whileAnswering }));

    static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task With_no_delivery_in_flight_every_order_posts_at_once()
    {
        var throttle = Throttle(new DeliveriesInFlight());
        var slots = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => throttle.EnterAsync(default)));
        Assert.Equal(20, throttle.Posting);
        foreach (var s in slots) s.Dispose();
        Assert.Equal(0, throttle.Posting);
    }

    [Fact]
    public async Task While_a_delivery_is_answered_orders_post_one_at_a_time_and_all_go_once_it_is_answered()
    {
        var deliveries = new DeliveriesInFlight();
        var throttle = Throttle(deliveries);
        var answering = deliveries.Enter();
        var first = await throttle.EnterAsync(default).WaitAsync(Patience); // never none: the books keep moving
        var second = throttle.EnterAsync(default);
        var third = throttle.EnterAsync(default);
        await Task.Delay(100);
        Assert.False(second.IsCompleted || third.IsCompleted, "a second message posted while a delivery was waiting for its answer");
        Assert.Equal(1, throttle.Posting);

        first.Dispose();
        await Task.WhenAny(second, third).WaitAsync(Patience);
        await Task.Delay(100);
        Assert.Equal(1, throttle.Posting);
        Assert.False(second.IsCompleted && third.IsCompleted, "both waiting messages posted at once while a delivery was in flight");

        answering.Dispose();
        Assert.Equal(0, deliveries.Count);
        var rest = await Task.WhenAll(second, third).WaitAsync(Patience);
        Assert.Equal(2, throttle.Posting);
        foreach (var s in rest) s.Dispose();
    }

    [Fact]
    public async Task The_priority_can_be_switched_off_or_widened()
    {
        var deliveries = new DeliveriesInFlight();
        using var answering = deliveries.Enter();

        var off = Throttle(deliveries, whileAnswering: 0);
        var all = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => off.EnterAsync(default))).WaitAsync(Patience);
        Assert.Equal(5, off.Posting);

        var three = Throttle(deliveries, whileAnswering: 3);
        var slots = Enumerable.Range(0, 5).Select(_ => three.EnterAsync(default)).ToList();
        await Task.Delay(100);
        Assert.Equal(3, slots.Count(s => s.IsCompleted));
        Assert.Equal(3, three.Posting);
        foreach (var s in all) s.Dispose();
    }

    [Fact]
    public async Task An_order_waiting_for_its_turn_gives_up_when_the_host_stops()
    {
        var deliveries = new DeliveriesInFlight();
        using var answering = deliveries.Enter();
        var throttle = Throttle(deliveries);
        using var first = await throttle.EnterAsync(default);
        using var stop = new CancellationTokenSource();
        var waiting = throttle.EnterAsync(stop.Token);
        stop.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(1, throttle.Posting);
    }
}
