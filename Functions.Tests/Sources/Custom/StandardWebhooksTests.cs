using System.Net;
using System.Text;
using Connectors.Sources.Custom;
using Connectors.Tests.Fixtures;
using StandardWebhooks;

namespace Connectors.Tests.Sources.Custom;

/// <summary>
/// Standard Webhooks on the custom route: the specification's published test vector, several signatures during a
/// rotation, the timestamp tolerance, and real deliveries signed by the StandardWebhooks package with a connection's
/// own secret, whose webhook-id deduplicates.
/// </summary>
public sealed class StandardWebhooksTests(IngestOnlyHostFixture host) : IClassFixture<IngestOnlyHostFixture>
{
    // The published vector: standard-webhooks/standard-webhooks, libraries/python/tests/test_webhooks.py
    // (test_sign_function, test_invalid_signature_raises_error, test_multi_sig_payload_is_valid); the same literals are in
    // its other libraries' tests.
    const string VectorSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const string VectorId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    const long VectorTimestamp = 1614265330;
    const string VectorPayload = """{"test": 2432232314}""";
    const string VectorSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    const string VectorWrongSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA=";
    const string VectorOtherSignature = "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=";
    static readonly DateTimeOffset VectorTime = DateTimeOffset.FromUnixTimeSeconds(VectorTimestamp);
    static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    static Microsoft.AspNetCore.Http.HeaderDictionary Headers(string id, long timestamp, string signature) => ShopSamples.Headers(
        (StandardWebhookSignature.IdHeader, id), (StandardWebhookSignature.TimestampHeader, timestamp.ToString()), (StandardWebhookSignature.SignatureHeader, signature));

    static bool Verify(string signature, string payload = VectorPayload, DateTimeOffset? now = null, string[]? secrets = null, long timestamp = VectorTimestamp, string id = VectorId) =>
        StandardWebhookSignature.Verify(Headers(id, timestamp, signature), Encoding.UTF8.GetBytes(payload), secrets ?? [VectorSecret], now ?? VectorTime.AddSeconds(30), Tolerance);

    [Fact]
    public void The_published_test_vector_verifies_and_its_wrong_signature_does_not()
    {
        Assert.True(Verify(VectorSignature));
        Assert.False(Verify(VectorWrongSignature));
        Assert.False(Verify(VectorSignature, payload: """{"test": 2432232315}"""));
        Assert.False(Verify(VectorSignature, id: "msg_p5jXN8AQM9LWM0D4loKWxJel"));
        Assert.False(Verify(VectorSignature, secrets: ["whsec_" + Convert.ToBase64String(new byte[24])]));
        // The vector's secret is 24 bytes once the text after whsec_ is base64-decoded.
        Assert.Equal(24, StandardWebhookSignature.KeyOf(VectorSecret)!.Length);
    }

    [Fact]
    public void Any_of_several_signatures_may_match_as_in_the_published_multi_signature_case()
    {
        Assert.True(Verify($"{VectorOtherSignature} v2,{VectorOtherSignature[3..]} {VectorSignature} {VectorOtherSignature}"));
        Assert.False(Verify($"{VectorOtherSignature} v2,{VectorSignature[3..]}")); // the right bytes under another version are not a v1 signature
    }

    [Fact]
    public void The_timestamp_must_be_within_the_tolerance_of_now_and_written_plainly()
    {
        Assert.True(Verify(VectorSignature, now: VectorTime + Tolerance));
        Assert.True(Verify(VectorSignature, now: VectorTime - Tolerance));
        Assert.False(Verify(VectorSignature, now: VectorTime + Tolerance + TimeSpan.FromSeconds(1)));
        Assert.False(Verify(VectorSignature, now: VectorTime - Tolerance - TimeSpan.FromSeconds(1)));
        var padded = ShopSamples.Headers((StandardWebhookSignature.IdHeader, VectorId), (StandardWebhookSignature.TimestampHeader, "0" + VectorTimestamp), (StandardWebhookSignature.SignatureHeader, VectorSignature));
        Assert.False(StandardWebhookSignature.Verify(padded, Encoding.UTF8.GetBytes(VectorPayload), [VectorSecret], VectorTime, Tolerance));
    }

    [Fact]
    public void During_a_rotation_the_old_secret_and_the_new_one_both_verify()
    {
        var fresh = Connectors.Connections.Secrets.NewSigningSecret();
        Assert.True(Verify(VectorSignature, secrets: [fresh, VectorSecret]));
        Assert.False(Verify(VectorSignature, secrets: [fresh]));
    }

    [Fact]
    public void A_connection_secret_is_what_a_standard_webhooks_library_accepts()
    {
        for (var i = 0; i < 50; i++)
        {
            var secret = Connectors.Connections.Secrets.NewSigningSecret();
            Assert.Matches("^whsec_[A-Za-z0-9]{44}$", secret);
            Assert.Equal(33, StandardWebhookSignature.KeyOf(secret)!.Length);
            Assert.Equal(Convert.FromBase64String(secret[6..]), StandardWebhookSignature.KeyOf(secret));
        }
        // A secret issued before (base64url, may hold '-' or '_') still maps to its bytes.
        Assert.Equal(new byte[] { 0xfb, 0xff }, StandardWebhookSignature.KeyOf("whsec_-_8"));
    }

    static HttpRequestMessage Signed(string path, string secretOrSignatures, string body, string? id = null, DateTimeOffset? at = null, bool isSignatureList = false)
    {
        var when = at ?? DateTimeOffset.UtcNow;
        var msgId = id ?? "msg_" + Guid.NewGuid().ToString("N");
        var signature = isSignatureList ? secretOrSignatures : new StandardWebhook(secretOrSignatures).Sign(msgId, when, body);
        return SignedRequests.Json(path, body, ("X-Connectors-Event", "order.created"),
            (StandardWebhookSignature.IdHeader, msgId), (StandardWebhookSignature.TimestampHeader, when.ToUnixTimeSeconds().ToString()), (StandardWebhookSignature.SignatureHeader, signature));
    }

    [Fact]
    public async Task A_delivery_signed_by_the_StandardWebhooks_package_with_the_connection_secret_is_accepted_and_its_id_deduplicates()
    {
        var c = await host.CreateConnectionAsync("custom");
        var (status, body) = await host.SendAsync(Signed(c.Path, c.SigningSecret!, CustomOrders.Created("SW-1"), id: "msg_sw_1"));
        Assert.True(status == HttpStatusCode.OK, body.GetRawText());
        Assert.Equal("accepted", body.GetProperty("status").GetString());

        // The sender's retry of the same message id, even with another body, is the same delivery.
        (status, body) = await host.SendAsync(Signed(c.Path, c.SigningSecret!, CustomOrders.Created("SW-2"), id: "msg_sw_1"));
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("duplicate", body.GetProperty("status").GetString());
        (status, _) = await host.SendAsync(Signed(c.Path, c.SigningSecret!, CustomOrders.Created("SW-2"), id: "msg_sw_2"));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["SW-1", "SW-2"], (await host.QueuedForAsync(c.Id)).Select(e => e.ExternalId).Order());
    }

    [Fact]
    public async Task A_wrong_secret_or_a_stale_timestamp_is_refused_with_an_error_naming_the_headers()
    {
        var c = await host.CreateConnectionAsync("custom");
        var (status, body) = await host.SendAsync(Signed(c.Path, Connectors.Connections.Secrets.NewSigningSecret(), CustomOrders.Created("SW-BAD-1")));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("webhook-signature", body.GetProperty("error").GetString());
        (status, _) = await host.SendAsync(Signed(c.Path, c.SigningSecret!, CustomOrders.Created("SW-BAD-2"), at: DateTimeOffset.UtcNow.AddMinutes(-10)));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        // A webhook-signature without its id and timestamp is not verified by the hex scheme either.
        var bytes = Encoding.UTF8.GetBytes(CustomOrders.Created("SW-BAD-3"));
        (status, _) = await host.SendAsync(SignedRequests.Json(c.Path, bytes, ("X-Connectors-Event", "order.created"),
            ("X-Connectors-Signature", SignedRequests.HexHmac(c.SigningSecret!, bytes)), (StandardWebhookSignature.SignatureHeader, "v1,x")));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Empty(await host.QueuedForAsync(c.Id));
    }

    [Fact]
    public async Task After_a_rotation_the_sender_may_sign_with_both_secrets_or_the_old_one_during_the_grace()
    {
        var c = await host.CreateConnectionAsync("custom");
        var rotated = await host.AdminJsonAsync(HttpMethod.Post, $"/api/manage/connections/{c.Id}/rotate");
        var newSecret = rotated.GetProperty("signingSecret").GetString()!;
        var at = DateTimeOffset.UtcNow;
        var order = CustomOrders.Created("SW-ROT-1");
        var both = $"{new StandardWebhook(c.SigningSecret!).Sign("msg_rot_1", at, order)} {new StandardWebhook(newSecret).Sign("msg_rot_1", at, order)}";
        var (status, body) = await host.SendAsync(Signed(c.Path, both, order, id: "msg_rot_1", at: at, isSignatureList: true));
        Assert.True(status == HttpStatusCode.OK, body.GetRawText());
        (status, body) = await host.SendAsync(Signed(c.Path, c.SigningSecret!, CustomOrders.Created("SW-ROT-2")));
        Assert.True(status == HttpStatusCode.OK, body.GetRawText());
        (status, body) = await host.SendAsync(Signed(c.Path, newSecret, CustomOrders.Created("SW-ROT-3")));
        Assert.True(status == HttpStatusCode.OK, body.GetRawText());
    }
}
