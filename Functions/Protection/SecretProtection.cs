using Microsoft.AspNetCore.DataProtection;

namespace Connectors.Protection;

/// <summary>
/// Encrypts a connection's secrets for storage with ASP.NET Core Data Protection (AES-256-CBC + HMACSHA256 under
/// the key ring's current key). Each value is bound to its connection and field (the purpose chain), so a ciphertext
/// copied into another row or field does not decrypt there. Stored values carry a prefix; a value without it was
/// written in clear before encryption existed and is read as it is (ConnectionStore rewrites it encrypted).
/// </summary>
public sealed class SecretProtection(IDataProtectionProvider provider)
{
    public const string Prefix = "dp1:";
    const string Purpose = "Connectors.Connections.Secrets.v1";

    readonly IDataProtector _root = provider.CreateProtector(Purpose);

    public string? Protect(string connectionId, string field, string? clear) =>
        string.IsNullOrEmpty(clear) ? clear : Prefix + _root.CreateProtector(connectionId, field).Protect(clear);

    /// <summary>The clear value; wasClear says it was stored in clear (the old layout).</summary>
    public string? Unprotect(string connectionId, string field, string? stored, out bool wasClear)
    {
        wasClear = false;
        if (string.IsNullOrEmpty(stored)) return stored;
        if (!stored.StartsWith(Prefix, StringComparison.Ordinal))
        {
            wasClear = true;
            return stored;
        }
        return _root.CreateProtector(connectionId, field).Unprotect(stored[Prefix.Length..]);
    }

    public static bool IsProtected(string? stored) => stored is not null && stored.StartsWith(Prefix, StringComparison.Ordinal);
}
