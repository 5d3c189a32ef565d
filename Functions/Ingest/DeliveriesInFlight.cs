namespace Connectors.Ingest;

/// <summary>
/// Webhook deliveries this process is still answering. Posting reads it to let acknowledgements go first: a delivery
/// Shopify waits 5 s for is lost if it is late, a voucher posted a second later is not.
/// </summary>
public sealed class DeliveriesInFlight
{
    int _count;

    public int Count => Volatile.Read(ref _count);

    public Scope Enter()
    {
        Interlocked.Increment(ref _count);
        return new Scope(this);
    }

    public readonly struct Scope(DeliveriesInFlight owner) : IDisposable
    {
        public void Dispose() => Interlocked.Decrement(ref owner._count);
    }
}
