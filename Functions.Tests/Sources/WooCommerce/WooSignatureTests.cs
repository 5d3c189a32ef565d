using System.Text;
using Connectors.Connections;
using Connectors.Sources.WooCommerce;
using Connectors.Tests.Fixtures;

namespace Connectors.Tests.Sources.WooCommerce;

/// <summary>X-WC-Webhook-Signature = base64 HMAC-SHA256(wp_specialchars_decode(secret), raw body); the ping is unsigned.</summary>
public sealed class WooSignatureTests
{
    const string Secret = "w00-s3cret";
    static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"id":727,"status":"processing","currency":"INR","total":"1180.00","billing":{"first_name":"Asha","city":"Bengaluru ₹"}}""");
    // Fixed literals, never computed here: printf '%s' "$BODY" | openssl dgst -sha256 -hmac 'w00-s3cret' -binary | base64,
    // then with the keys 'other' and 'a&b"c' (see SignatureVectorsTests, which also has WooCommerce's own test vector).
    const string Signature = "ezxJa0/3akftsK9sPqhuzEak84EcPJ/UHU7/VYGBrC8=";
    const string OtherSecretSignature = "EY0VizNV7bDOmrD7d7lgWWDACCn+xLUqvbDGeHGLWjk=";
    const string DecodedSecretSignature = "SJuoOtSFpTZDcVIeJWjDC8gIFnNf7gr8XicSz299T2A=";
    readonly WooCommerceSource _source = new();

    bool Check(string? secret, byte[] body, string? header) =>
        _source.Authenticate(ShopSamples.Connection(Platform.WooCommerce, secret), header is null ? ShopSamples.Headers() : ShopSamples.Headers(("X-WC-Webhook-Signature", header)), body, DateTimeOffset.UtcNow);

    [Fact]
    public void A_valid_signature_passes() => Assert.True(Check(Secret, Body, Signature));

    [Fact]
    public void A_wrong_secret_a_changed_byte_or_no_signature_fails()
    {
        Assert.False(Check(Secret, Body, OtherSecretSignature));
        var changed = (byte[])Body.Clone();
        changed[^3] ^= 1;
        Assert.False(Check(Secret, changed, Signature));
        Assert.False(Check(Secret, Body, null));
    }

    [Fact]
    public void WooCommerce_signs_with_the_html_entity_decoded_secret()
    {
        // The secret as WordPress stored it ("a&amp;b&quot;c") signs as a&b"c.
        Assert.True(Check("a&amp;b&quot;c", Body, DecodedSecretSignature));
        Assert.True(Check("a&b\"c", Body, DecodedSecretSignature));
        Assert.Equal("&lt;", WooSecret.Decode("&amp;lt;"));
    }

    [Fact]
    public void The_ping_is_recognised_only_without_a_topic()
    {
        var ping = Encoding.UTF8.GetBytes("webhook_id=17");
        Assert.True(_source.IsPing(ShopSamples.Headers(), ping));
        Assert.True(_source.IsPing(ShopSamples.Headers(), ShopSamples.Bytes("woocommerce", "ping.txt")));
        Assert.False(_source.IsPing(ShopSamples.Headers(("X-WC-Webhook-Topic", "order.created")), ping));
        Assert.False(_source.IsPing(ShopSamples.Headers(), Encoding.UTF8.GetBytes("webhook_id=")));
        Assert.False(_source.IsPing(ShopSamples.Headers(), Body));
    }
}
