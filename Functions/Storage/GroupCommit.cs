using System.Collections.Concurrent;

namespace Connectors.Storage;

/// <summary>
/// Group commit for one hot row (a voucher series counter, an item's stock): writes aimed at the same key that arrive
/// while a commit for it is running wait and go together in the next one, instead of each racing the row's ETag.
/// One commit at a time per key in this process; other processes are still kept apart by the commit's own If-Match.
/// The commit gets the items in arrival order and returns one result per item.
/// With a linger, a key under load (items were waiting when its last commit ended) holds its next commit until the
/// batch is full or the linger has passed: fewer, fuller commits for a few milliseconds more. The first item after
/// the key was idle never waits.
/// </summary>
public sealed class GroupCommit<TItem, TResult>(int maxBatch, Func<string, IReadOnlyList<TItem>, Task<IReadOnlyList<TResult>>> commit, TimeSpan linger = default)
{
    readonly ConcurrentDictionary<string, Lane> _lanes = new(StringComparer.Ordinal);

    sealed class Lane
    {
        public readonly Queue<(TItem Item, TaskCompletionSource<TResult> Done)> Waiting = new();
        public bool Running;
        /// <summary>Set when a lingering lane's batch is full, so it goes at once.</summary>
        public TaskCompletionSource? Full;
    }

    public Task<TResult> SubmitAsync(string key, TItem item, CancellationToken ct)
    {
        var lane = _lanes.GetOrAdd(key, static _ => new Lane());
        var done = new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        bool lead;
        lock (lane)
        {
            lane.Waiting.Enqueue((item, done));
            lead = !lane.Running;
            lane.Running = true;
            if (lane.Waiting.Count >= maxBatch) lane.Full?.TrySetResult();
        }
        if (lead) _ = DrainAsync(key, lane);
        // A caller that gives up stops waiting; its item may still be committed, which its keyed marker makes harmless.
        return done.Task.WaitAsync(ct);
    }

    async Task DrainAsync(string key, Lane lane)
    {
        // Let writers that arrive in the same instant join the first commit.
        await Task.Yield();
        var underLoad = false;
        while (true)
        {
            if (underLoad && linger > TimeSpan.Zero) await LingerAsync(lane);
            var batch = new List<(TItem Item, TaskCompletionSource<TResult> Done)>();
            lock (lane)
            {
                while (batch.Count < maxBatch && lane.Waiting.TryDequeue(out var w)) batch.Add(w);
                if (batch.Count == 0) { lane.Running = false; break; }
            }
            try
            {
                var results = await commit(key, batch.ConvertAll(w => w.Item));
                for (var i = 0; i < batch.Count; i++) batch[i].Done.TrySetResult(results[i]);
            }
            catch (Exception e)
            {
                foreach (var w in batch) w.Done.TrySetException(e);
            }
            lock (lane) underLoad = lane.Waiting.Count > 0;
        }
        // An idle key's lane goes (keys such as a day's partition are not reused forever). A writer that fetched it just
        // before finds it not running and drains it itself: at worst two commits for one key overlap, which If-Match allows.
        _lanes.TryRemove(new KeyValuePair<string, Lane>(key, lane));
    }

    async Task LingerAsync(Lane lane)
    {
        TaskCompletionSource full;
        lock (lane)
        {
            if (lane.Waiting.Count >= maxBatch) return;
            full = lane.Full = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        await Task.WhenAny(full.Task, Task.Delay(linger));
        lock (lane) lane.Full = null;
    }
}
