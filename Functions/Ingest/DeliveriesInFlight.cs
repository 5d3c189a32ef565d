namespace Connectors.Ingest;

/// <summary>
/// Webhook deliveries this process is still answering. Posting reads it to let acknowledgements go first: a delivery
/// Shopify waits 5 s for is lost if it is late, a voucher posted a second later is not.
/// </summary>
public sealed class DeliveriesInFlight
{
    int _count;

    public int Count => Volatile.Read(ref _count);

    /// <summary>Raised when the last delivery in flight has been answered (posting may then go flat out).</summary>
    public event Action? Idle;

    public Scope Enter()
    {
        Interlocked.Increment(ref _count);
        return new Scope(this);
    }

    void Exit()
    {
        if (Interlocked.Decrement(ref _count) == 0) Idle?.Invoke();
    }

    public readonly struct Scope(DeliveriesInFlight owner) : IDisposable
    {
        public void Dispose() => owner.Exit();
    }
}
