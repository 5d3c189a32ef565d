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

/// <summary>
/// Sales that fail on every attempt because the Vouchers table was deleted under the running host end in poison with the
/// storage error as reason; once the table is created again, a replay posts each sale once, and replaying again posts nothing more.
/// </summary>
public sealed class PoisonReplayTests(QuickPoisonHostFixture host) : IClassFixture<QuickPoisonHostFixture>
{
    [Fact]
    public async Task A_sale_poisoned_while_the_vouchers_table_was_missing_posts_exactly_once_when_replayed_after_the_table_is_recreated()
    {
        var result = await PoisonReplayScenario.RunAsync(host.Target(), new PoisonReplayScenario.Options());
        Assert.True(result.Passed, result.Describe());
    }
}
