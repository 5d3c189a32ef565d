using Connectors.Storage;

namespace Connectors.Tests.Storage;

/// <summary>
/// The linger trades a few milliseconds for fuller commits, but only under load: an idle key commits at once, a key
/// whose last commit left items waiting holds its next one for more, and a full batch never waits.
/// </summary>
public sealed class GroupCommitLingerTests
{
    sealed class Recorder
    {
        public readonly List<List<int>> Batches = [];
        public TaskCompletionSource FirstGate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task<IReadOnlyList<int>> CommitAsync(string _, IReadOnlyList<int> items)
        {
            bool first;
            lock (Batches) { first = Batches.Count == 0; Batches.Add([.. items]); }
            if (first) await FirstGate.Task;
            return items;
        }
    }

    [Fact]
    public async Task An_idle_key_commits_at_once_however_long_the_linger()
    {
        var r = new Recorder();
        r.FirstGate.SetResult();
        var commit = new GroupCommit<int, int>(32, r.CommitAsync, TimeSpan.FromSeconds(30));
        var took = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal(7, await commit.SubmitAsync("k", 7, CancellationToken.None));
        Assert.True(took.Elapsed < TimeSpan.FromSeconds(5), $"took {took.Elapsed}");
    }

    [Fact]
    public async Task Under_load_the_next_commit_waits_for_items_arriving_within_the_linger()
    {
        var r = new Recorder();
        var commit = new GroupCommit<int, int>(32, r.CommitAsync, TimeSpan.FromSeconds(2));
        var first = commit.SubmitAsync("k", 1, CancellationToken.None);
        await WaitUntilAsync(() => r.Batches.Count == 1);
        // Items queue behind the running commit: the key is under load.
        var behind = new[] { commit.SubmitAsync("k", 2, CancellationToken.None), commit.SubmitAsync("k", 3, CancellationToken.None) };
        r.FirstGate.SetResult();
        await first;
        await Task.Delay(100);
        var late = commit.SubmitAsync("k", 4, CancellationToken.None);
        await Task.WhenAll([.. behind, late]);
        Assert.Equal([[1], [2, 3, 4]], r.Batches);
    }

    [Fact]
    public async Task Without_a_linger_items_arriving_after_a_commit_started_go_in_the_next()
    {
        var r = new Recorder();
        var commit = new GroupCommit<int, int>(32, r.CommitAsync);
        var first = commit.SubmitAsync("k", 1, CancellationToken.None);
        await WaitUntilAsync(() => r.Batches.Count == 1);
        var behind = new[] { commit.SubmitAsync("k", 2, CancellationToken.None), commit.SubmitAsync("k", 3, CancellationToken.None) };
        r.FirstGate.SetResult();
        await Task.WhenAll([first, .. behind]);
        await Task.Delay(100);
        await commit.SubmitAsync("k", 4, CancellationToken.None);
        Assert.Equal([[1], [2, 3], [4]], r.Batches);
    }

    [Fact]
    public async Task A_full_batch_goes_without_waiting_out_the_linger()
    {
        var r = new Recorder();
        var commit = new GroupCommit<int, int>(4, r.CommitAsync, TimeSpan.FromSeconds(30));
        var first = commit.SubmitAsync("k", 0, CancellationToken.None);
        await WaitUntilAsync(() => r.Batches.Count == 1);
        var behind = commit.SubmitAsync("k", 1, CancellationToken.None);
        r.FirstGate.SetResult();
        await first;
        // Lingering for a fuller batch: three more fill it, and it goes at once.
        var took = System.Diagnostics.Stopwatch.StartNew();
        await Task.WhenAll(behind, commit.SubmitAsync("k", 2, CancellationToken.None), commit.SubmitAsync("k", 3, CancellationToken.None), commit.SubmitAsync("k", 4, CancellationToken.None));
        Assert.True(took.Elapsed < TimeSpan.FromSeconds(10), $"took {took.Elapsed}");
        Assert.Equal([[0], [1, 2, 3, 4]], r.Batches);
    }

    static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++) await Task.Delay(10);
        Assert.True(condition());
    }
}
