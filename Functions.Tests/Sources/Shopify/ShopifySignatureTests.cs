using Connectors.Connections;
using Connectors.Sources.Shopify;
using Connectors.Tests.Fixtures;

namespace Connectors.Tests.Sources.Shopify;

/// <summary>
/// X-Shopify-Hmac-Sha256 = base64 HMAC-SHA256(secret, raw body), required only when the connection holds a secret.
/// The signatures are fixed literals (see SignatureVectorsTests for where they come from), never computed here.
/// </summary>
public sealed class ShopifySignatureTests
{
    const string Secret = "shpss_0123456789abcdef";
    static readonly byte[] Body = System.Text.Encoding.UTF8.GetBytes("""{"id":820982911946154508,"email":"jon@example.com","name":"#9999","total_price":"1180.00","note":"café ₹"}""");
    // printf '%s' "$BODY" | openssl dgst -sha256 -hmac shpss_0123456789abcdef -binary | base64
    const string Signature = "VQwfLDYwRjy5bvqnxnbdkoC2EAVjAjAmVnp+REqhoZA=";
    // The same body with the key shpss_0123456789abcdefx.
    const string OtherSecretSignature = "zRPFKymwpYqqUpuL7xBtJE+uYJPWbwbizEUjuSeeSIE=";
    readonly ShopifySource _source = new();

    bool Check(string? secret, byte[] body, string? header) =>
        _source.Authenticate(ShopSamples.Connection(Platform.Shopify, secret), header is null ? ShopSamples.Headers() : ShopSamples.Headers(("X-Shopify-Hmac-Sha256", header)), body, DateTimeOffset.UtcNow);

    [Fact]
    public void A_valid_signature_passes() => Assert.True(Check(Secret, Body, Signature));

    [Fact]
    public void The_events_header_without_the_x_prefix_is_accepted_too() =>
        Assert.True(_source.Authenticate(ShopSamples.Connection(Platform.Shopify, Secret), ShopSamples.Headers(("shopify-hmac-sha256", Signature)), Body, DateTimeOffset.UtcNow));

    [Fact]
    public void A_signature_made_with_another_secret_fails() => Assert.False(Check(Secret, Body, OtherSecretSignature));

    [Fact]
    public void One_changed_byte_in_the_body_fails()
    {
        var changed = (byte[])Body.Clone();
        changed[Array.IndexOf(changed, (byte)'9')] = (byte)'8';
        Assert.False(Check(Secret, changed, Signature));
    }

    [Fact]
    public void A_missing_or_malformed_signature_fails()
    {
        Assert.False(Check(Secret, Body, null));
        Assert.False(Check(Secret, Body, "not base64!"));
        Assert.False(Check(Secret, Body, ""));
    }

    [Fact]
    public void Without_a_secret_the_url_token_is_the_credential() => Assert.True(Check(null, Body, null));
}
