using System.Text;
using Connectors.Connections;
using Connectors.Hosting;
using Connectors.Sources.Bookto;
using Connectors.Sources.Custom;
using Connectors.Sources.Jumpseller;
using Connectors.Sources.Shopify;
using Connectors.Sources.WooCommerce;
using Connectors.Tests.Fixtures;
using Microsoft.Extensions.Options;

namespace Connectors.Tests.Sources;

/// <summary>
/// Each platform's signature checked against fixed vectors, never against an HMAC the test computes the way the code
/// does: a vector from the platform's own library tests where one is published, otherwise one computed independently
/// with openssl and recorded here as a literal (the command is in each comment). Standard Webhooks' published vector is
/// in Custom/StandardWebhooksTests.cs.
/// </summary>
public sealed class SignatureVectorsTests
{
    static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1765000000);

    static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s);
    static Connection With(string platform, string? webhookSecret = null, string? signingSecret = null) =>
        new() { Id = "c1", Platform = platform, Name = "vector", WebhookSecret = webhookSecret, SigningSecret = signingSecret };

    // Shopify/shopify-api-php, tests/Webhooks/RegistryTest.php: $processHeaders' X_SHOPIFY_HMAC for $processBody
    // ['foo' => 'bar'] (json_encode: {"foo":"bar"}), signed with the suite's apiSecretKey 'steffi' (tests/BaseTestCase.php).
    [Fact]
    public void Shopify_the_vector_from_shopifys_php_library_tests()
    {
        var source = new ShopifySource();
        bool Check(string secret, string body, string hmac) =>
            source.Authenticate(With(Platform.Shopify, secret), ShopSamples.Headers((ShopifySource.HmacHeader, hmac)), Bytes(body), Now);
        Assert.True(Check("steffi", """{"foo":"bar"}""", "/Redz4YXHLnSmmSN8grr5/Jl/Ua3d7yX3iWbjb8R8wo="));
        Assert.False(Check("steffi", """{"foo":"baz"}""", "/Redz4YXHLnSmmSN8grr5/Jl/Ua3d7yX3iWbjb8R8wo="));
        Assert.False(Check("steffl", """{"foo":"bar"}""", "/Redz4YXHLnSmmSN8grr5/Jl/Ua3d7yX3iWbjb8R8wo="));
    }

    // Computed independently (Shopify publishes no secret with its example headers), UTF-8 body with non-ASCII text:
    // printf '%s' "$BODY" | openssl dgst -sha256 -hmac shpss_0123456789abcdef -binary | base64
    [Fact]
    public void Shopify_an_independent_vector_over_a_utf8_body_in_both_header_spellings()
    {
        const string body = """{"id":820982911946154508,"email":"jon@example.com","name":"#9999","total_price":"1180.00","note":"café ₹"}""";
        const string hmac = "VQwfLDYwRjy5bvqnxnbdkoC2EAVjAjAmVnp+REqhoZA=";
        var source = new ShopifySource();
        var c = With(Platform.Shopify, "shpss_0123456789abcdef");
        Assert.True(source.Authenticate(c, ShopSamples.Headers((ShopifySource.HmacHeader, hmac)), Bytes(body), Now));
        Assert.True(source.Authenticate(c, ShopSamples.Headers((ShopifySource.EventsHmacHeader, hmac)), Bytes(body), Now));
        Assert.False(source.Authenticate(c, ShopSamples.Headers((ShopifySource.HmacHeader, hmac)), Bytes(body.Replace("é", "e")), Now));
    }

    // woocommerce/woocommerce, tests/unit-tests/webhooks/crud.php, test_generate_signature: a new WC_Webhook (empty
    // secret) signs the payload 'secret' as GBDo00G55h6IiV+6CxqivQPLbI//KzaOZm747971tPs=. An empty secret means the
    // connection checks nothing (the URL token is the credential), so the vector pins the HMAC itself: base64
    // HMAC-SHA256 of the raw bytes with the decoded secret as a UTF-8 key, as WooSecret and VerifyBase64Hmac use it.
    [Fact]
    public void WooCommerce_the_vector_from_woocommerces_own_tests()
    {
        Assert.Equal("GBDo00G55h6IiV+6CxqivQPLbI//KzaOZm747971tPs=", Convert.ToBase64String(Secrets.HmacSha256(WooSecret.Decode(""), "secret"u8)));
    }

    // Computed independently: printf '%s' "$BODY" | openssl dgst -sha256 -hmac 'w00-s3cret' -binary | base64, and with
    // the key 'a&b"c', which is what WordPress's wp_specialchars_decode makes of the stored "a&amp;b&quot;c".
    [Fact]
    public void WooCommerce_independent_vectors_with_a_plain_and_an_html_encoded_secret()
    {
        const string body = """{"id":727,"status":"processing","currency":"INR","total":"1180.00","billing":{"first_name":"Asha","city":"Bengaluru ₹"}}""";
        var source = new WooCommerceSource();
        bool Check(string secret, string signature) =>
            source.Authenticate(With(Platform.WooCommerce, secret), ShopSamples.Headers((WooCommerceSource.SignatureHeader, signature)), Bytes(body), Now);
        Assert.True(Check("w00-s3cret", "ezxJa0/3akftsK9sPqhuzEak84EcPJ/UHU7/VYGBrC8="));
        Assert.True(Check("a&amp;b&quot;c", "SJuoOtSFpTZDcVIeJWjDC8gIFnNf7gr8XicSz299T2A="));
        Assert.True(Check("a&b\"c", "SJuoOtSFpTZDcVIeJWjDC8gIFnNf7gr8XicSz299T2A="));
        Assert.False(Check("w00-s3cret", "SJuoOtSFpTZDcVIeJWjDC8gIFnNf7gr8XicSz299T2A="));
    }

    // Jumpseller documents the algorithm (base64 HMAC-SHA256 of the raw body keyed with the hooks token) and shows an
    // example header, but not the token and body behind it, so there is no published vector. Computed independently:
    // printf '%s' "$BODY" | openssl dgst -sha256 -hmac jumpseller-hooks-token-0123 -binary | base64
    [Fact]
    public void Jumpseller_an_independent_vector()
    {
        const string body = """{"order":{"id":1001,"status":"Paid","currency":"CLP","total":11900.0,"customer":{"email":"ana@example.cl","name":"Ána"}}}""";
        var source = new JumpsellerSource();
        bool Check(string token, string signature) =>
            source.Authenticate(With(Platform.Jumpseller, token), ShopSamples.Headers((JumpsellerSource.SignatureHeader, signature)), Bytes(body), Now);
        Assert.True(Check("jumpseller-hooks-token-0123", "Y//mQWI3pn/DUIMCzE00qyrr1fuJQXxh6fRQNQQcdhA="));
        Assert.False(Check("jumpseller-hooks-token-0124", "Y//mQWI3pn/DUIMCzE00qyrr1fuJQXxh6fRQNQQcdhA="));
        Assert.False(Check("jumpseller-hooks-token-0123", "Y//mQWI3pn/DUIMCzE00qyrr1fuJQXxh6fRQNQQcdhA=".Replace("qyrr", "qyrs")));
    }

    // bookto's guide (seed 001) gives the scheme, sha256=hex HMAC-SHA256(secret, "<X-Bookto-Timestamp>.<raw body>"), but
    // no example values. Computed independently:
    // printf '%s' "1765000000.$BODY" | openssl dgst -sha256 -hmac bookto-signing-secret-0123
    [Fact]
    public void Bookto_an_independent_vector_of_the_timestamp_dot_body_scheme()
    {
        const string body = """{"event":"order.paid","order":{"id":"bk_1001","total_incl":1180.0,"currency":"INR","customer":{"name":"Asha Rao"}}}""";
        const string signature = "sha256=e673f91536d413585fbd5d0ba895f98335425ad75af540a7edab9403f38884da";
        var source = new BooktoSource(Options.Create(new ConnectorOptions()));
        var c = With(Platform.Bookto, "bookto-signing-secret-0123");
        bool Check(string timestamp, string sig, DateTimeOffset now) =>
            source.Authenticate(c, ShopSamples.Headers((BooktoSource.TimestampHeader, timestamp), (BooktoSource.SignatureHeader, sig)), Bytes(body), now);
        Assert.True(Check("1765000000", signature, Now));
        Assert.True(Check("1765000000", signature.ToUpperInvariant().Replace("SHA256=", "sha256="), Now)); // hex in either case
        Assert.False(Check("1765000001", signature, Now)); // the timestamp is signed
        Assert.False(Check("1765000000", signature, Now.AddMinutes(6))); // outside SignatureTolerance
    }

    // The seed's hex scheme for custom sites (X-Connectors-Signature), computed independently exactly as the README's
    // curl does: printf '%s' "$BODY" | openssl dgst -sha256 -hmac "$SECRET"
    [Fact]
    public void Custom_an_independent_vector_of_the_hex_scheme_as_the_readme_signs()
    {
        const string body = """{"external_id":"ORD-12345","customer_name":"Asha Rao","order_date":"2026-05-25","buyer_state_code":"29","lines":[{"sku":"WIDGET-1","description":"Widget","quantity":2,"rate":100,"tax_rate":18}]}""";
        const string secret = "whsec_Kx7pQ2mR9vT4wY1zB6nD3fH8jL5sA0cE";
        const string hex = "5001a98351ee3f2e580a27cc208a89058d9bbdbbcf3136705b72a4880a268e5a";
        var source = new CustomSource(Options.Create(new Connectors.Books.BooksOptions()), Options.Create(new ConnectorOptions()));
        bool Check(string sig) => source.Authenticate(With(Platform.Custom, signingSecret: secret), ShopSamples.Headers((CustomSource.SignatureHeader, sig)), Bytes(body), Now);
        Assert.True(Check(hex));
        Assert.True(Check("sha256=" + hex));
        Assert.False(Check(hex[..^1] + "b"));
    }
}
