using System.Globalization;
using System.Text;
using Connectors.Sources.Bookto;
using Connectors.Tests.Fixtures;

namespace Connectors.Tests.Sources.Bookto;

/// <summary>Deliveries as bookto sends them: X-Bookto-Signature = sha256=hex HMAC-SHA256(secret, "&lt;timestamp&gt;.&lt;raw body&gt;").</summary>
public static class BooktoRequests
{
    public static string Sign(string secret, long timestamp, string body) =>
        "sha256=" + SignedRequests.HexHmac(secret, Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + "." + body));

    public static HttpRequestMessage Signed(string path, string secret, string body, DateTimeOffset sentAt, string eventName = "order.paid")
    {
        var ts = sentAt.ToUnixTimeSeconds();
        return Raw(path, body, ts.ToString(CultureInfo.InvariantCulture), Sign(secret, ts, body), eventName);
    }

    public static HttpRequestMessage Raw(string path, string body, string? timestamp, string? signature, string eventName = "order.paid")
    {
        var headers = new List<(string, string)> { (BooktoSource.EventHeader, eventName) };
        if (timestamp is not null) headers.Add((BooktoSource.TimestampHeader, timestamp));
        if (signature is not null) headers.Add((BooktoSource.SignatureHeader, signature));
        return SignedRequests.Json(path, Encoding.UTF8.GetBytes(body), headers.ToArray());
    }
}
