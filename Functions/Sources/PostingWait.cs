using Microsoft.AspNetCore.Http;

namespace Connectors.Sources;

/// <summary>
/// RFC 7240's "wait" preference (Prefer: wait=10): a custom site that wants the seed's "200 = voucher posted" asks the
/// answer to wait for posting, up to Max. Without it a 200 means durable and queued, which is what keeps answers fast.
/// </summary>
public static class PostingWait
{
    public const string Header = "Prefer";
    public static readonly TimeSpan Max = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    /// <summary>The wait asked for (capped at Max), or null when the request has no wait preference.</summary>
    public static TimeSpan? Requested(IHeaderDictionary headers)
    {
        foreach (var header in headers[Header])
            foreach (var preference in (header ?? "").Split([',', ';'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                if (preference.StartsWith("wait=", StringComparison.OrdinalIgnoreCase) && int.TryParse(preference.AsSpan(5), out var seconds) && seconds > 0)
                    return TimeSpan.FromSeconds(Math.Min(seconds, Max.TotalSeconds));
        return null;
    }
}
