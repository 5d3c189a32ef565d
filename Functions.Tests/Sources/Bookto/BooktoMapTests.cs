using System.Text;
using System.Text.Json.Nodes;
using Connectors.Connections;
using Connectors.Hosting;
using Connectors.Ingest;
using Connectors.Sources;
using Connectors.Sources.Bookto;
using Connectors.Sources.Fields;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using static Connectors.Tests.Sources.PlatformSamples;

namespace Connectors.Tests.Sources.Bookto;

/// <summary>bookto's order.paid against the sample files, and its signature check at the edges of the tolerance.</summary>
public sealed class BooktoMapTests
{
    const string Secret = "bk_signing_secret_for_tests";
    static readonly Connection Shop = new() { Id = "c-bk", Platform = Platform.Bookto, Name = "bookto shop", WebhookSecret = Secret };
    static readonly DateTimeOffset Now = new(2026, 5, 4, 10, 0, 10, TimeSpan.Zero);
    static readonly BooktoSource Source = new(Options.Create(new ConnectorOptions()));

    static SourceMapping Map(string body, string eventName = "order.paid") =>
        Source.Map(Shop, new HeaderDictionary { [BooktoSource.EventHeader] = eventName }, Encoding.UTF8.GetBytes(body), Now);

    [Fact]
    public void Order_paid_is_one_sale_line_with_bookto_vat_figures()
    {
        var draft = Assert.Single(Events(Map(Text("bookto", "order.paid.json"))).Drafts);
        Assert.Equal("sale|ord_8f3a1c", draft.DedupeKey);
        var e = draft.Event;
        Assert.Equal((EventKind.Sale, "ord_8f3a1c", "ORD-1001", "EUR", false, false), (e.Kind, e.ExternalId, e.OrderName, e.Currency, e.PricesIncludeTax, e.IsTest));
        Assert.Equal((new DateOnly(2026, 5, 4), new DateTimeOffset(2026, 5, 4, 10, 0, 5, TimeSpan.Zero)), (e.Date, e.DateUtc));
        Assert.Equal("BE", e.Country);
        var line = Assert.Single(e.Lines);
        Assert.Equal(("Workshop ticket", 1m, 100.00m, 21m, 21.00m), (line.Sku, line.Quantity, line.Rate, line.TaxRate, line.TaxAmount));
        Assert.Equal("Workshop ticket — Bookkeeping basics, 12 June, Ghent", line.Description);
        Assert.Equal(121.00m, line.Rate + line.TaxAmount);
        Assert.Equal(("BE0123456789", "Peeters BV", "an.peeters@example.be", "BE0123456789"), (e.Customer!.Key, e.Customer.Name, e.Customer.Email, e.Customer.TaxId));
        Assert.Equal(("Kerkstraat 1\n9000 Gent", "0208:0123456789"), (e.Customer.Address, e.Customer.PeppolId));
        Assert.Equal("paid (standard)", e.SourceStatus);
    }

    [Fact]
    public void The_same_buyer_has_the_same_key_on_every_order()
    {
        var first = Assert.Single(Events(Map(Text("bookto", "order.paid.json"))).Drafts).Event.Customer!.Key;
        var again = Assert.Single(Events(Map(Text("bookto", "order.paid.same-buyer.json"))).Drafts).Event.Customer!.Key;
        var spaced = Edit("bookto", "order.paid.same-buyer.json", o => o["buyer"]!["match_ref"] = " be 0123.456.789 ");
        Assert.Equal(first, again);
        Assert.Equal(first, Assert.Single(Events(Map(spaced)).Drafts).Event.Customer!.Key);
    }

    [Fact]
    public void A_test_order_is_marked_test_and_a_private_buyer_is_keyed_by_email()
    {
        var e = Assert.Single(Events(Map(Text("bookto", "order.paid.test.json"))).Drafts).Event;
        Assert.True(e.IsTest);
        Assert.Equal("tom@example.be", e.Customer!.Key);
        Assert.Equal("Tom Janssens", e.Customer.Name);
    }

    [Theory]
    [InlineData(" BE 0123.456.789 ", "BE0123456789")]
    [InlineData("Tom@Example.BE", "tom@example.be")]
    [InlineData("0208:0123456789", "0208:0123456789")]
    [InlineData("iso6523-actorid-upis::0208:ABC", "iso6523-actorid-upis::0208:abc")]
    public void Match_refs_are_normalised(string given, string key) => Assert.Equal(key, CustomerKeys.Given(given));

    [Fact]
    public void Without_match_ref_the_key_follows_the_same_rule()
    {
        var body = Edit("bookto", "order.paid.json", o => o["buyer"]!.AsObject().Remove("match_ref"));
        Assert.Equal("BE0123456789", Assert.Single(Events(Map(body)).Drafts).Event.Customer!.Key);
    }

    [Fact]
    public void Amounts_that_do_not_add_up_are_unprocessable()
    {
        var invalid = Assert.IsType<SourceMapping.Invalid>(Map(Edit("bookto", "order.paid.json", o => o["amount"]!["vat"] = 20.99m)));
        Assert.Contains("does not add up", invalid.Error);
    }

    [Fact]
    public void A_missing_amount_is_named()
    {
        Assert.Contains("amount", Assert.IsType<SourceMapping.Invalid>(Map(Edit("bookto", "order.paid.json", o => o.AsObject().Remove("amount")))).Error);
    }

    [Fact]
    public void Other_events_are_ignored()
    {
        Assert.IsType<SourceMapping.Ignored>(Map(Text("bookto", "order.paid.json"), "order.refunded"));
    }

    static HeaderDictionary Signed(string body, long ts, string secret = Secret) => new()
    {
        [BooktoSource.TimestampHeader] = ts.ToString(System.Globalization.CultureInfo.InvariantCulture),
        [BooktoSource.SignatureHeader] = BooktoRequests.Sign(secret, ts, body),
    };

    [Theory]
    [InlineData(0, true)]
    [InlineData(-300, true)]
    [InlineData(300, true)]
    [InlineData(-301, false)]
    [InlineData(301, false)]
    public void Timestamps_are_accepted_only_within_five_minutes(int offsetSeconds, bool ok)
    {
        var body = Text("bookto", "order.paid.json");
        var ts = Now.ToUnixTimeSeconds() + offsetSeconds;
        Assert.Equal(ok, Source.Authenticate(Shop, Signed(body, ts), Encoding.UTF8.GetBytes(body), Now));
    }

    [Fact]
    public void The_signature_covers_the_timestamp_and_the_body()
    {
        var body = Text("bookto", "order.paid.json");
        var ts = Now.ToUnixTimeSeconds();
        var headers = Signed(body, ts);
        headers[BooktoSource.TimestampHeader] = (ts - 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.False(Source.Authenticate(Shop, headers, Encoding.UTF8.GetBytes(body), Now));
        var changed = Encoding.UTF8.GetBytes(body);
        changed[^3] ^= 1;
        Assert.False(Source.Authenticate(Shop, Signed(body, ts), changed, Now));
        Assert.False(Source.Authenticate(Shop, Signed(body, ts, "another-secret"), Encoding.UTF8.GetBytes(body), Now));
        Assert.True(Source.Authenticate(Shop, Signed(body, ts), Encoding.UTF8.GetBytes(body), Now));
    }
}
