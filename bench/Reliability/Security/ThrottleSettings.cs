namespace Connectors.Reliability.Security;

/// <summary>
/// Limits for the rigs of scenarios that send bad requests on purpose to check each answer (malformed-input,
/// authentication): the limiter stays on, with budgets beyond the scenario's volume, so every answer is the one the
/// input deserves and not a 429. The limiter itself is the guessing scenario's subject, at the default limits.
/// </summary>
public static class ThrottleSettings
{
    public static readonly IReadOnlyDictionary<string, string?> BeyondScenarioVolume = new Dictionary<string, string?>
    {
        ["Throttle:ConnectionFailures"] = "1000000",
        ["Throttle:AddressFailures"] = "1000000",
        ["Throttle:AdminFailures"] = "1000000",
    };
}
