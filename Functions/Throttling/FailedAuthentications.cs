using System.Globalization;
using System.Threading.RateLimiting;
using Connectors.Sources;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Connectors.Throttling;

/// <summary>
/// Counts failed authentications per connection and per client address (System.Threading.RateLimiting token buckets)
/// and says when the next failure is answered 429 instead. Only failures are counted, and a source request is checked
/// before it is counted, so a valid delivery never meets the limiter: someone else's failures (or a platform's
/// shared egress address) can never refuse it. Called from the pipeline and the admin filter, so the local host and
/// the Azure Functions worker behave alike. Design and limits: docs/settings.md (Throttling).
/// </summary>
public sealed partial class FailedAuthentications : IDisposable
{
    public readonly record struct Failure(string? ConnectionId, string Address);

    readonly ThrottleOptions _options;
    readonly ILogger<FailedAuthentications> _log;
    readonly PartitionedRateLimiter<Failure> _byConnection, _byAddress, _sources;
    readonly PartitionedRateLimiter<string> _admin;
    /// <summary>One log line per partition per 10 minutes: a guesser must not flood the logs either.</summary>
    readonly PartitionedRateLimiter<string> _logged;

    public FailedAuthentications(IOptions<ThrottleOptions> options, ILogger<FailedAuthentications> log)
    {
        _options = options.Value;
        _log = log;
        var byConnection = _byConnection = PartitionedRateLimiter.Create<Failure, string>(f => f.ConnectionId is null
            ? RateLimitPartition.GetNoLimiter("")
            : RateLimitPartition.GetTokenBucketLimiter("c:" + f.ConnectionId, _ => Bucket(_options.ConnectionFailures, _options.ConnectionFailuresPerHour)));
        var byAddress = _byAddress = PartitionedRateLimiter.Create<Failure, string>(f =>
            RateLimitPartition.GetTokenBucketLimiter("a:" + f.Address, _ => Bucket(_options.AddressFailures, _options.AddressFailuresPerHour)));
        // The connection first: a connection already over its own limit does not also drain its address's budget.
        _sources = PartitionedRateLimiter.CreateChained(byConnection, byAddress);
        _admin = PartitionedRateLimiter.Create<string, string>(a => RateLimitPartition.GetTokenBucketLimiter(a, _ => Bucket(_options.AdminFailures, _options.AdminFailuresPerHour)));
        _logged = PartitionedRateLimiter.Create<string, string>(p => RateLimitPartition.GetFixedWindowLimiter(p, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = 1, Window = TimeSpan.FromMinutes(10), QueueLimit = 0, AutoReplenishment = false,
        }));
    }

    public bool Enabled => _options.Enabled;

    public string AddressOf(HttpContext context) => ClientAddress.Of(context, _options.TrustedProxies);

    /// <summary>
    /// A source request failed to authenticate (404: connectionId null; 401: its connection). Null: answer it as usual;
    /// otherwise the 429 to answer instead, with Retry-After set.
    /// </summary>
    public IResult? SourceFailure(HttpContext context, string? connectionId)
    {
        if (!_options.Enabled) return null;
        var failure = new Failure(connectionId, AddressOf(context));
        using var lease = _sources.AttemptAcquire(failure);
        if (lease.IsAcquired) return null;
        var wait = RetryAfter(lease);
        if (connectionId is not null) Noted("connection " + connectionId, wait);
        else Noted("address " + failure.Address, wait);
        SetRetryAfter(context, wait);
        return WebhookPipeline.Answer(429, new DeliveryAnswer(AnswerStatus.Throttled)
        {
            Error = $"Too many failed authentications; retry after {Seconds(wait)} s. Correctly signed deliveries are not limited.",
        });
    }

    /// <summary>
    /// Before the admin key is compared: an address over its limit is refused even with the right key, so a guesser
    /// learns nothing from the answers (unlike source secrets, an admin key may be short enough to guess).
    /// </summary>
    public TimeSpan? AdminLockedOut(HttpContext context)
    {
        if (!_options.Enabled) return null;
        var address = AddressOf(context);
        // Not AttemptAcquire(0): the bucket refills a fraction of a token per 100 ms tick, and a zero-permit acquire
        // succeeds on any fraction, which let the right key (and so a right guess) through a lock-out.
        if (_admin.GetStatistics(address) is { CurrentAvailablePermits: >= 1 }) return null;
        // Less than a whole failure left: refused. A whole token that arrived since is spent on this request.
        using var lease = _admin.AttemptAcquire(address);
        return lease.IsAcquired ? null : Refused(context, RetryAfter(lease));
    }

    /// <summary>A wrong admin key: null to answer 401, or how long to wait (429).</summary>
    public TimeSpan? AdminFailure(HttpContext context)
    {
        if (!_options.Enabled) return null;
        var address = AddressOf(context);
        using var lease = _admin.AttemptAcquire(address);
        if (lease.IsAcquired) return null;
        var wait = RetryAfter(lease);
        Noted("admin key from address " + address, wait);
        return Refused(context, wait);
    }

    static TimeSpan Refused(HttpContext context, TimeSpan wait) { SetRetryAfter(context, wait); return wait; }

    static void SetRetryAfter(HttpContext context, TimeSpan wait) => context.Response.Headers.RetryAfter = Seconds(wait);

    public static string Seconds(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    static TimeSpan RetryAfter(RateLimitLease lease) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);

    void Noted(string partition, TimeSpan wait)
    {
        using var once = _logged.AttemptAcquire(partition);
        if (once.IsAcquired) LogThrottled(_log, partition, Seconds(wait));
    }

    /// <summary>A burst of failures, refilled at perHour (in steps of at least 100 ms, the partitioned limiter's tick).</summary>
    static TokenBucketRateLimiterOptions Bucket(int burst, int perHour)
    {
        var tokens = (int)Math.Ceiling(perHour / 36_000.0);
        return new TokenBucketRateLimiterOptions
        {
            TokenLimit = burst,
            TokensPerPeriod = tokens,
            ReplenishmentPeriod = TimeSpan.FromHours(1) * tokens / perHour,
            QueueLimit = 0,
            AutoReplenishment = false, // the partitioned limiter's own timer replenishes every partition
        };
    }

    public void Dispose()
    {
        _sources.Dispose();
        _byConnection.Dispose();
        _byAddress.Dispose();
        _admin.Dispose();
        _logged.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Too many failed authentications for {Partition}: further failures are answered 429 (retry after {Seconds} s)")]
    static partial void LogThrottled(ILogger logger, string partition, string seconds);
}
