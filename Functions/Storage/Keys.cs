using System.Security.Cryptography;
using System.Text;

namespace Connectors.Storage;

/// <summary>Turns arbitrary text (order ids, SKUs) into valid, deterministic table keys.</summary>
public static class Keys
{
    /// <summary>Table keys may not contain / \ # ? or control characters; escape them reversibly (and '%' itself).</summary>
    public static string Escape(string value)
    {
        var sb = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (c is '/' or '\\' or '#' or '?' or '%' || char.IsControl(c)) sb.Append('%').Append(((int)c).ToString("X2"));
            else sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>Lower-case hex SHA-256 of the UTF-8 text: fixed length, safe in any key.</summary>
    public static string Hash(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    public static string Hash(ReadOnlySpan<byte> value) => Convert.ToHexStringLower(SHA256.HashData(value));

    /// <summary>Row keys that sort newest first.</summary>
    public static string NewestFirst(DateTimeOffset at) => (DateTimeOffset.MaxValue.UtcTicks - at.UtcTicks).ToString("D19");
}
