using Microsoft.Extensions.Options;

namespace Connectors.Throttling;

/// <summary>
/// Limits on failed authentications (section "Throttle", e.g. Throttle__AddressFailures). Token buckets: a burst of
/// *Failures, refilled at *FailuresPerHour. Only failures take tokens; docs/settings.md says why these numbers.
/// </summary>
public sealed class ThrottleOptions
{
    public const string Section = "Throttle";

    /// <summary>Off: every failure is answered 401/404 as without the limiter.</summary>
    public bool Enabled { get; set; } = true;
    /// <summary>Failed signatures (401) on one connection answered as such before 429.</summary>
    public int ConnectionFailures { get; set; } = 20;
    public int ConnectionFailuresPerHour { get; set; } = 60;
    /// <summary>Failed authentications (401 and 404) from one client address (an IPv6 /64) before 429.</summary>
    public int AddressFailures { get; set; } = 100;
    public int AddressFailuresPerHour { get; set; } = 600;
    /// <summary>Wrong admin keys from one client address before 429 (then the right key waits too).</summary>
    public int AdminFailures { get; set; } = 10;
    public int AdminFailuresPerHour { get; set; } = 30;
    /// <summary>How many proxies of ours in front of the host append to X-Forwarded-For; 0 trusts no header (right for Azure
    /// Functions alone: its worker already takes the client address from the Functions host's header).</summary>
    public int TrustedProxies { get; set; }

    public string? Problem()
    {
        foreach (var (name, value) in new[]
        {
            (nameof(ConnectionFailures), ConnectionFailures), (nameof(ConnectionFailuresPerHour), ConnectionFailuresPerHour),
            (nameof(AddressFailures), AddressFailures), (nameof(AddressFailuresPerHour), AddressFailuresPerHour),
            (nameof(AdminFailures), AdminFailures), (nameof(AdminFailuresPerHour), AdminFailuresPerHour),
        })
            if (value is < 1 or > 1_000_000)
                return $"{Section}:{name} is {value}: it must be between 1 and 1000000 (set {Section}:{nameof(Enabled)} to false to turn throttling off).";
        if (TrustedProxies is < 0 or > 10)
            return $"{Section}:{nameof(TrustedProxies)} is {TrustedProxies}: it must be between 0 (use the connection's address) and 10.";
        return null;
    }

    public sealed class Check : IValidateOptions<ThrottleOptions>
    {
        public ValidateOptionsResult Validate(string? name, ThrottleOptions options) =>
            options.Problem() is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
    }
}
