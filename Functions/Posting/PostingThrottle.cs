using Connectors.Hosting;
using Connectors.Ingest;
using Microsoft.Extensions.Options;

namespace Connectors.Posting;

/// <summary>
/// Acknowledgements first: while deliveries are waiting for their answer, a few orders are posted at a time (never none,
/// so the books keep moving); when no delivery is in flight, as many as the trigger hands over. Both share the cores and
/// the storage, and on a small machine posting flat out next to a burst of webhooks pushed answers past Shopify's 5 s.
/// A slot is per order, not per message: one shared message holds up to 32 orders. Waiting orders queue in arrival
/// order and are woken only when a slot frees or the last delivery is answered, not by polling.
/// </summary>
public sealed class PostingThrottle
{
    /// <summary>Orders posted at once while deliveries are being answered (ConnectorOptions.PostingWhileAnswering).</summary>
    readonly int _whileAnswering;
    readonly DeliveriesInFlight _deliveries;
    readonly Lock _gate = new();
    readonly Queue<TaskCompletionSource> _waiting = new();
    int _posting;

    public PostingThrottle(DeliveriesInFlight deliveries, IOptions<ConnectorOptions> options)
    {
        _deliveries = deliveries;
        _whileAnswering = options.Value.PostingWhileAnswering;
        deliveries.Idle += Admit;
    }

    public int Posting { get { lock (_gate) return _posting; } }

    public Task<Slot> EnterAsync(CancellationToken ct)
    {
        TaskCompletionSource turn;
        lock (_gate)
        {
            if (_waiting.Count == 0 && MayPost())
            {
                _posting++;
                return Task.FromResult(new Slot(this));
            }
            turn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Enqueue(turn);
        }
        return WaitForTurnAsync(turn, ct);
    }

    async Task<Slot> WaitForTurnAsync(TaskCompletionSource turn, CancellationToken ct)
    {
        // Whoever admits an order counts its slot; a cancelled turn is skipped (its TrySetResult fails).
        await using (ct.Register(() => turn.TrySetCanceled(ct))) await turn.Task;
        return new Slot(this);
    }

    bool MayPost() => _whileAnswering <= 0 || _posting < _whileAnswering || _deliveries.Count == 0;

    void Admit()
    {
        lock (_gate)
            while (_waiting.Count > 0 && MayPost())
                if (_waiting.Dequeue().TrySetResult()) _posting++;
    }

    void Release()
    {
        lock (_gate) _posting--;
        Admit();
    }

    public readonly struct Slot(PostingThrottle owner) : IDisposable
    {
        public void Dispose() => owner.Release();
    }
}
