using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;

namespace Connectors.Throttling;

/// <summary>
/// The address a request's failures are counted against: the connection's remote IP, or, behind TrustedProxies proxies
/// that each append to X-Forwarded-For, the entry that many places from the right (entries further left are the
/// client's own claims). IPv6 counts per /64, the block one subscriber gets.
/// </summary>
public static class ClientAddress
{
    public static string Of(HttpContext context, int trustedProxies)
    {
        var address = context.Connection.RemoteIpAddress;
        if (trustedProxies > 0 && Forwarded(context.Request.Headers["X-Forwarded-For"], trustedProxies) is { } forwarded) address = forwarded;
        return Partition(address);
    }

    public static string Partition(IPAddress? address)
    {
        if (address is null) return "unknown";
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            Span<byte> bytes = stackalloc byte[16];
            address.TryWriteBytes(bytes, out _);
            return Convert.ToHexStringLower(bytes[..8]) + "::/64";
        }
        return address.ToString();
    }

    /// <summary>The trusted entry, or null when the header has fewer entries than trusted proxies (then the socket's address counts).</summary>
    static IPAddress? Forwarded(Microsoft.Extensions.Primitives.StringValues header, int trustedProxies)
    {
        var entries = header.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToList();
        if (entries.Count < trustedProxies) return null;
        return Parse(entries[^trustedProxies]);
    }

    /// <summary>"1.2.3.4", "1.2.3.4:5678", "::1", "[::1]:5678".</summary>
    internal static IPAddress? Parse(string entry)
    {
        if (IPAddress.TryParse(entry, out var plain)) return plain;
        if (entry.StartsWith('[') && entry.IndexOf(']') is var close and > 0 && IPAddress.TryParse(entry[1..close], out var v6)) return v6;
        if (entry.LastIndexOf(':') is var colon and > 0 && IPAddress.TryParse(entry[..colon], out var v4)) return v4;
        return null;
    }
}
