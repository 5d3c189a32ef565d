using System.Collections.Concurrent;

namespace Connectors.Ingest;

/// <summary>
/// Writes that follow a delivery's answer (the receipt's mark, the outbox's send): started in the background, tracked
/// so the host can give them a moment when it stops. One that never lands is covered by its own fallback (a stale
/// claim is taken over; an outbox row is swept).
/// </summary>
public sealed class TrailingWrites : IAsyncDisposable
{
    static readonly TimeSpan Grace = TimeSpan.FromSeconds(10);
    readonly ConcurrentDictionary<Task, bool> _running = new();

    /// <summary>Starts the write; its failure is the write's own to handle (log it).</summary>
    public void Start(Func<Task> write)
    {
        var task = write();
        _running.TryAdd(task, true);
        _ = task.ContinueWith(t => _running.TryRemove(t, out _), TaskScheduler.Default);
    }

    /// <summary>Completes when every write started so far has finished.</summary>
    public Task WhenDoneAsync() => Task.WhenAll(_running.Keys);

    public async ValueTask DisposeAsync()
    {
        try { await WhenDoneAsync().WaitAsync(Grace); }
        catch (TimeoutException) { /* covered by their fallbacks, as after a crash */ }
    }
}
