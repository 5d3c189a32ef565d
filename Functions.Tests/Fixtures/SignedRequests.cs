using System.Security.Cryptography;
using System.Text;

namespace Connectors.Tests.Fixtures;

/// <summary>
/// Builds deliveries signed the way each platform signs them, for tests of everything after the signature. Whether the
/// schemes are right is pinned by fixed vectors (Sources/SignatureVectorsTests.cs), not by these helpers.
/// </summary>
public static class SignedRequests
{
    public static string HexHmac(string key, byte[] body) => Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), body));
    public static string Base64Hmac(string key, byte[] body) => Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), body));

    public static HttpRequestMessage Json(string path, string body, params (string Name, string Value)[] headers) => Json(path, Encoding.UTF8.GetBytes(body), headers);

    public static HttpRequestMessage Json(string path, byte[] body, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        return request;
    }

    /// <summary>A Custom-source delivery: X-Connectors-Event and X-Connectors-Signature (hex HMAC-SHA256 of the raw body).</summary>
    public static HttpRequestMessage Custom(string path, string secret, string eventName, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        return Json(path, bytes, ("X-Connectors-Event", eventName), ("X-Connectors-Signature", HexHmac(secret, bytes)));
    }
}
