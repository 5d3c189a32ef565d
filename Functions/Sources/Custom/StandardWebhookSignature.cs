using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using StandardWebhooks;

namespace Connectors.Sources.Custom;

/// <summary>
/// Standard Webhooks (standardwebhooks.com) for custom sites, next to the hex X-Connectors-Signature: webhook-id,
/// webhook-timestamp and webhook-signature ("v1,&lt;base64&gt;", several separated by spaces during the sender's own
/// rotation) over "{id}.{timestamp}.{body}", HMAC-SHA256 keyed with the secret's bytes: the text after "whsec_"
/// decoded from base64 (our secrets are letters and digits, so base64 and base64url read them alike; an older secret
/// with '-' or '_' is decoded as base64url). The signature itself is computed by the StandardWebhooks package's
/// Sign; its Verify is not used because it checks the time against the machine clock with a fixed 5 minutes, where we
/// use the host's clock and the SignatureTolerance setting.
/// </summary>
public static class StandardWebhookSignature
{
    public const string IdHeader = "webhook-id";
    public const string TimestampHeader = "webhook-timestamp";
    public const string SignatureHeader = "webhook-signature";
    const string SecretPrefix = "whsec_";
    static readonly UTF8Encoding StrictUtf8 = new(false, true);

    /// <summary>Whether the delivery uses this scheme (it carries webhook-signature).</summary>
    public static bool IsUsedBy(IHeaderDictionary headers) => headers.ContainsKey(SignatureHeader);

    /// <summary>
    /// True when some v1 signature in webhook-signature matches some secret, the timestamp is within tolerance of now
    /// and the id has no '.' (the spec: neither id nor timestamp may carry the delimiter). Every pair is compared in
    /// constant time without stopping early.
    /// </summary>
    public static bool Verify(IHeaderDictionary headers, ReadOnlySpan<byte> body, IEnumerable<string> secrets, DateTimeOffset now, TimeSpan tolerance)
    {
        if (headers[IdHeader] is not { Count: 1 } ids || headers[TimestampHeader] is not { Count: 1 } stamps || headers[SignatureHeader] is not { Count: 1 } sigs) return false;
        var id = ids[0]!.Trim();
        var timestamp = stamps[0]!.Trim();
        if (id.Length is 0 or > 200 || id.Contains('.')) return false;
        if (timestamp.Length is 0 or > 12 || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)) return false;
        // The package signs the timestamp as it formats it: a zero-padded header would be signed differently, so refuse it.
        if (seconds.ToString(CultureInfo.InvariantCulture) != timestamp) return false;
        var sentAt = DateTimeOffset.FromUnixTimeSeconds(Math.Min(seconds, 253402300799));
        if ((now - sentAt).Duration() > tolerance) return false;
        string payload;
        try { payload = StrictUtf8.GetString(body); } catch (DecoderFallbackException) { return false; }

        var given = Candidates(sigs[0]!).ToList();
        if (given.Count == 0) return false;
        var ok = false;
        foreach (var secret in secrets)
        {
            if (KeyOf(secret) is not { } key) continue;
            var expected = Encoding.ASCII.GetBytes(new StandardWebhook(key).Sign(id, sentAt, payload));
            foreach (var candidate in given) ok |= CryptographicOperations.FixedTimeEquals(expected, candidate);
        }
        return ok;
    }

    /// <summary>The v1 entries of the header, as "v1,&lt;base64&gt;" bytes (other versions, e.g. v1a, are not ours).</summary>
    static IEnumerable<byte[]> Candidates(string header) =>
        header.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(s => s.StartsWith("v1,", StringComparison.Ordinal) && s.Length <= 100)
            .Take(10)
            .Select(s => Encoding.ASCII.GetBytes(s));

    /// <summary>The HMAC key a Standard Webhooks sender derives from the secret, or null when it is not base64.</summary>
    public static byte[]? KeyOf(string secret)
    {
        var text = secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret;
        if (text.Length == 0) return null;
        var buffer = new byte[text.Length];
        if (Convert.TryFromBase64String(text, buffer, out var n)) return buffer[..n];
        var utf8 = Encoding.ASCII.GetBytes(text);
        return Base64Url.IsValid(utf8) ? Base64Url.DecodeFromUtf8(utf8) : null;
    }
}
