using Connectors.Hosting;
using Connectors.Reliability.Poison;

namespace Connectors.Tests.Reliability;

/// <summary>The real posting engine with short queue timings, so a failing message reaches poison within the test.</summary>
public sealed class QuickPoisonHostFixture : LoggedHostFixture
{
    protected override HostJson HostJson => base.HostJson with
    {
        Queues = base.HostJson.Queues with { VisibilityTimeout = TimeSpan.FromMilliseconds(200), MaxPollingInterval = TimeSpan.FromMilliseconds(200), MaxDequeueCount = 3 },
    };
}

/// <summary>Refunds that arrive before their sales end in poison with the reason; after the sales arrive, a replay posts each once.</summary>
public sealed class PoisonReplayTests(QuickPoisonHostFixture host) : IClassFixture<QuickPoisonHostFixture>
{
    [Fact]
    public async Task A_refund_poisoned_while_its_sale_was_missing_posts_exactly_once_when_replayed_after_the_sale_arrives()
    {
        var result = await PoisonReplayScenario.RunAsync(host.Target(), new PoisonReplayScenario.Options());
        Assert.True(result.Passed, result.Describe());
    }
}
