using Connectors.Reliability.Security;

namespace Connectors.Tests.Reliability;

/// <summary>Wrong secrets, encodings, tampered bodies, replays, revoked and guessed connections: refused alike; no secret or token leaks.</summary>
public sealed class AuthenticationTests(BeyondThrottleLimitsHostFixture host) : IClassFixture<BeyondThrottleLimitsHostFixture>
{
    [Fact]
    public async Task Bad_credentials_are_refused_alike_and_no_secret_or_token_appears_in_logs_activity_admin_answers_or_tables()
    {
        var result = await AuthenticationScenario.RunAsync(host.Target(), new AuthenticationScenario.Options());
        Assert.True(result.Passed, result.Describe());
        Assert.True(result.RejectedAsExpected >= 50, result.Describe());
    }
}
