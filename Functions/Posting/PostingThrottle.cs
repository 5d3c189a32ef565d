using Connectors.Hosting;
using Connectors.Ingest;
using Microsoft.Extensions.Options;

namespace Connectors.Posting;

/// <summary>
/// Acknowledgements first: while deliveries are waiting for their answer, a few orders are posted at a time (never none,
/// so the books keep moving); when no delivery is in flight, as many as the trigger hands over. Both share the cores and
/// the storage, and on a small machine posting flat out next to a burst of webhooks pushed answers past Shopify's 5 s.
/// A slot is per order, not per message: one shared message holds up to 32 orders.
/// </summary>
public sealed class PostingThrottle(DeliveriesInFlight deliveries, IOptions<ConnectorOptions> options)
{
    /// <summary>Orders posted at once while deliveries are being answered (ConnectorOptions.PostingWhileAnswering).</summary>
    readonly int _whileAnswering = options.Value.PostingWhileAnswering;
    static readonly TimeSpan Recheck = TimeSpan.FromMilliseconds(10);

    int _posting;

    public int Posting => Volatile.Read(ref _posting);

    public async Task<Slot> EnterAsync(CancellationToken ct)
    {
        while (true)
        {
            var posting = Volatile.Read(ref _posting);
            if (_whileAnswering <= 0 || posting < _whileAnswering || deliveries.Count == 0)
            {
                if (Interlocked.CompareExchange(ref _posting, posting + 1, posting) == posting) return new Slot(this);
                continue;
            }
            await Task.Delay(Recheck, ct);
        }
    }

    public readonly struct Slot(PostingThrottle owner) : IDisposable
    {
        public void Dispose() => Interlocked.Decrement(ref owner._posting);
    }
}
