using Connectors.Reliability.Storm;

namespace Connectors.Tests.Reliability;

/// <summary>50 orders, each in bursts of up to 20 concurrent identical copies plus late re-sends: one sale each, stock exact.</summary>
public sealed class DuplicateStormTests(LoggedHostFixture host) : IClassFixture<LoggedHostFixture>
{
    [Fact]
    public async Task Every_order_delivered_many_times_at_once_posts_exactly_one_sale_and_the_stock_is_exact()
    {
        var result = await DuplicateStormScenario.RunAsync(host.Target(), new DuplicateStormScenario.Options());
        Assert.True(result.Passed, result.Describe());
        Assert.Equal(50, result.Accepted);
        Assert.True(result.Sent >= 50 * 2, result.Describe());
    }
}
