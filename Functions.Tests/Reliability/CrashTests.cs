using Connectors.Reliability.Crash;

namespace Connectors.Tests.Reliability;

/// <summary>The shipped host SIGKILLed mid-load, Azurite restarted gracefully, then the host: every order posts exactly once.</summary>
public sealed class CrashTests
{
    [Fact]
    public async Task After_a_SIGKILL_mid_load_and_restarts_every_acknowledged_or_re_sent_order_posts_exactly_once()
    {
        var result = await CrashScenario.RunAsync(new CrashScenario.Options());
        Assert.True(result.Passed, result.Describe());
    }
}
