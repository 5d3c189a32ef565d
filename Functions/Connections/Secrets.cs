using System.Security.Cryptography;
using System.Text;

namespace Connectors.Connections;

/// <summary>Secret material: generated with the OS CSPRNG, compared in constant time.</summary>
public static class Secrets
{
    /// <summary>A URL-safe random string of the given strength (base64url, no padding).</summary>
    public static string NewUrlSafe(int bytes)
    {
        Span<byte> buffer = stackalloc byte[bytes];
        RandomNumberGenerator.Fill(buffer);
        return Convert.ToBase64String(buffer).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>
    /// A 264-bit signing secret, "whsec_" and 44 letters and digits: the base64 of 33 random bytes, drawn again until
    /// the encoding has no '+' or '/' (so it reads the same in base64 and base64url, needs no padding and no JSON
    /// escaping). Standard Webhooks senders decode it to those 33 bytes; the hex scheme keys with the whole text.
    /// </summary>
    public static string NewSigningSecret()
    {
        Span<byte> buffer = stackalloc byte[33];
        while (true)
        {
            RandomNumberGenerator.Fill(buffer);
            var text = Convert.ToBase64String(buffer);
            if (text.All(char.IsAsciiLetterOrDigit)) return "whsec_" + text;
        }
    }

    /// <summary>128-bit+ token for delivery URLs (160 bits here).</summary>
    public static string NewUrlToken() => NewUrlSafe(20);

    public static bool FixedTimeEquals(string? a, string? b)
    {
        if (a is null || b is null) return false;
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));
    }

    /// <summary>HMAC-SHA256 of the raw bytes with a text key (UTF-8), as every platform we receive from signs.</summary>
    public static byte[] HmacSha256(string key, ReadOnlySpan<byte> message) => HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), message);

    /// <summary>Constant-time check of a base64 signature header against HMAC-SHA256(key, body) (Shopify, WooCommerce, Jumpseller).</summary>
    public static bool VerifyBase64Hmac(string? key, ReadOnlySpan<byte> body, string? header)
    {
        if (string.IsNullOrEmpty(key) || string.IsNullOrWhiteSpace(header)) return false;
        Span<byte> given = stackalloc byte[64];
        if (!Convert.TryFromBase64String(header.Trim(), given, out var n) || n != 32) return false;
        return CryptographicOperations.FixedTimeEquals(HmacSha256(key, body), given[..n]);
    }

    /// <summary>Constant-time check of a hex signature (optionally "sha256=" prefixed) against HMAC-SHA256(key, body).</summary>
    public static bool VerifyHexHmac(string? key, ReadOnlySpan<byte> body, string? header)
    {
        if (string.IsNullOrEmpty(key) || string.IsNullOrWhiteSpace(header)) return false;
        var hex = header.Trim();
        if (hex.StartsWith("sha256=", StringComparison.OrdinalIgnoreCase)) hex = hex[7..];
        if (hex.Length != 64) return false;
        byte[] given;
        try { given = Convert.FromHexString(hex); } catch (FormatException) { return false; }
        return CryptographicOperations.FixedTimeEquals(HmacSha256(key, body), given);
    }

    /// <summary>Tokens are stored only as this hash; the token itself is shown once.</summary>
    public static string HashToken(string token) => Storage.Keys.Hash("token:" + token);
}
