using Connectors.Hosting;
using Connectors.Reliability.Shuffle;

namespace Connectors.Tests.Reliability;

/// <summary>The real posting engine with quick, patient retries: an event that arrives before its sale waits for it, never into poison.</summary>
public sealed class PatientQueueHostFixture : LoggedHostFixture
{
    protected override HostJson HostJson => base.HostJson with
    {
        Queues = base.HostJson.Queues with { VisibilityTimeout = TimeSpan.FromMilliseconds(300), MaxPollingInterval = TimeSpan.FromMilliseconds(200), MaxDequeueCount = 100 },
    };
}

/// <summary>The shuffled-lifecycles reliability scenario at smoke size (the report command runs it at 200 x scale).</summary>
public sealed class ShuffledLifecyclesScenarioTests(PatientQueueHostFixture host) : IClassFixture<PatientQueueHostFixture>
{
    [Fact]
    public async Task Lifecycles_delivered_shuffled_with_copies_leave_no_order_with_wrong_books()
    {
        var result = await ShuffledLifecyclesScenario.RunAsync(host.Target(), new ShuffledLifecyclesScenario.Options(Lifecycles: 24, Permutations: 2, Parallel: 8, SettleSeconds: 60));
        Assert.True(result.Passed, result.Describe());
        Assert.Equal(48, result.BooksChecked);
        Assert.Equal(0, result.WrongBooks);
        Assert.True(result.Sent > 48 * 2, result.Describe());
    }
}
