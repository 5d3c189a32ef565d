using Connectors.Reliability.Security;

namespace Connectors.Tests.Reliability;

/// <summary>Thousands of guessed tokens and forged signatures at the default limits: 429 after the limit, the real connection keeps posting.</summary>
public sealed class GuessingTests(LoggedHostFixture host) : IClassFixture<LoggedHostFixture>
{
    [Fact]
    public async Task Guesses_are_answered_429_after_the_limit_while_a_real_connection_keeps_posting_and_nothing_is_lost()
    {
        var result = await GuessingScenario.RunAsync(host.Target(), new GuessingScenario.Options(Guesses: 2_000, RealOrders: 20));
        Assert.True(result.Passed, result.Describe());
        Assert.Equal(20, result.Accepted);
        Assert.Equal(0, result.Lost);
        Assert.Equal(2_000, result.RejectedAsExpected);
    }
}
