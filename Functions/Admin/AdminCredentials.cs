using Connectors.Connections;
using Connectors.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Connectors.Admin;

/// <summary>
/// The admin keys the local host accepts: AdminKey (named "default") and any number of named ones, AdminKeys__&lt;name&gt;.
/// A request's credential is the key's name, never the key: it is what the audit log records.
/// </summary>
public sealed class AdminCredentials(IOptions<ConnectorOptions> options)
{
    public const string DefaultName = "default";
    /// <summary>Where the admin filter leaves the matched key's name for the handlers (HttpContext.Items).</summary>
    public const string ItemKey = "Connectors.AdminCredential";
    /// <summary>The claim the Azure Functions host sets to the name of the function key a request used.</summary>
    public const string FunctionsKeyIdClaim = "http://schemas.microsoft.com/2017/07/functions/claims/keyid";

    public bool Any => Keys().Any();

    public IEnumerable<(string Name, string Key)> Keys()
    {
        var o = options.Value;
        if (!string.IsNullOrEmpty(o.AdminKey)) yield return (DefaultName, o.AdminKey);
        foreach (var (name, key) in o.AdminKeys.OrderBy(k => k.Key, StringComparer.Ordinal))
            if (!string.IsNullOrEmpty(key)) yield return (name, key);
    }

    /// <summary>The name of the key given, or null. Every key is compared, in constant time, without stopping early.</summary>
    public string? Match(string? given)
    {
        string? match = null;
        foreach (var (name, key) in Keys())
            if (Secrets.FixedTimeEquals(given, key)) match ??= name;
        return match;
    }

    /// <summary>
    /// Who made this admin request: the local filter's match, else (in Azure, where the Functions host checked the key)
    /// the host's key-id claim when it passes one, else "function-key".
    /// </summary>
    public static string Of(HttpContext context) =>
        context.Items[ItemKey] as string
        ?? context.User.FindFirst(FunctionsKeyIdClaim)?.Value
        ?? "function-key";
}
