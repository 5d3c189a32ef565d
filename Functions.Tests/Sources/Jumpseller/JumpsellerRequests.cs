using System.Text;
using Connectors.Sources.Jumpseller;
using Connectors.Tests.Fixtures;

namespace Connectors.Tests.Sources.Jumpseller;

/// <summary>Deliveries as Jumpseller sends them: store code, event and base64 HMAC-SHA256(hooks token, raw body).</summary>
public static class JumpsellerRequests
{
    public const string Path = "/api/jumpseller";

    public static HttpRequestMessage Signed(string storeCode, string hooksToken, string eventName, string body, string? triggeredAt = null) =>
        Signed(storeCode, eventName, Encoding.UTF8.GetBytes(body), SignedRequests.Base64Hmac(hooksToken, Encoding.UTF8.GetBytes(body)), triggeredAt);

    public static HttpRequestMessage Signed(string storeCode, string eventName, byte[] body, string? signature, string? triggeredAt = null)
    {
        var headers = new List<(string, string)> { (JumpsellerSource.StoreCodeHeader, storeCode), (JumpsellerSource.EventHeader, eventName) };
        if (signature is not null) headers.Add((JumpsellerSource.SignatureHeader, signature));
        if (triggeredAt is not null) headers.Add((JumpsellerSource.TriggeredAtHeader, triggeredAt));
        return SignedRequests.Json(Path, body, headers.ToArray());
    }
}
