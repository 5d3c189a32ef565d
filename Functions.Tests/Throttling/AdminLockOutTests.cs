using Connectors.Throttling;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Connectors.Tests.Throttling;

/// <summary>
/// The admin lock-out checked on the limiter itself, across its replenishment ticks (every 100 ms): the bucket refills
/// a fraction of a token per tick, and a fraction must not let the right key through before a whole token is back.
/// </summary>
public sealed class AdminLockOutTests
{
    [Fact]
    public async Task An_address_over_its_admin_limit_stays_locked_out_while_less_than_a_whole_failure_has_refilled()
    {
        using var throttle = new FailedAuthentications(Options.Create(new ThrottleOptions { AdminFailures = 3, AdminFailuresPerHour = 30 }), NullLogger<FailedAuthentications>.Instance);
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = System.Net.IPAddress.Parse("203.0.113.7");
        Assert.Null(throttle.AdminLockedOut(context));
        for (var i = 0; i < 3; i++) Assert.Null(throttle.AdminFailure(context));
        Assert.NotNull(throttle.AdminFailure(context));
        // Several replenishment ticks: 30 an hour is one failure back every 2 minutes, so after 0.5 s none is.
        await Task.Delay(500);
        var wait = throttle.AdminLockedOut(context);
        Assert.NotNull(wait);
        Assert.InRange(wait.Value.TotalSeconds, 1, 120);
    }

    [Fact]
    public void Requests_with_the_right_key_spend_nothing_of_the_failure_budget()
    {
        using var throttle = new FailedAuthentications(Options.Create(new ThrottleOptions { AdminFailures = 3, AdminFailuresPerHour = 30 }), NullLogger<FailedAuthentications>.Instance);
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = System.Net.IPAddress.Parse("203.0.113.8");
        for (var i = 0; i < 50; i++) Assert.Null(throttle.AdminLockedOut(context));
        // The whole burst is still there for mistakes.
        for (var i = 0; i < 3; i++) Assert.Null(throttle.AdminFailure(context));
        Assert.NotNull(throttle.AdminFailure(context));
    }
}
