using Connectors.Reliability.Malformed;

namespace Connectors.Tests.Reliability;

/// <summary>10,000 generated bad requests over every source and admin route: each refused clearly, none a 5xx, nothing queued.</summary>
public sealed class MalformedInputTests(LoggedIngestOnlyHostFixture host) : IClassFixture<LoggedIngestOnlyHostFixture>
{
    [Fact]
    public async Task Ten_thousand_malformed_requests_are_each_refused_with_a_clear_error_and_nothing_is_queued_or_posted()
    {
        var result = await MalformedInputScenario.RunAsync(host.Target(), new MalformedInputScenario.Options(Count: 10_000));
        Assert.True(result.Passed, result.Describe());
        Assert.Equal(10_000, result.Sent);
        Assert.Equal(10_000, result.RejectedAsExpected);
        Assert.Equal(0, result.Accepted);
    }
}
