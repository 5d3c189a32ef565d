using System.Text.Json;
using Connectors.Tests.Fixtures;
using Connectors.Tests.Posting;
using static Connectors.Tests.Posting.BooksClient;

namespace Connectors.Tests.Clients;

/// <summary>
/// The SDKs in clients/ (Python, PHP, Node, C#) against the real host: an order, an edit and a refund reach the books
/// with the right totals, a re-send is a success (409), the server's error is named in the exception, 5xx answers and
/// dropped connections are retried with back-off, 4xx never.
/// </summary>
public sealed class ClientsTests(HostFixture host) : IClassFixture<HostFixture>
{
    readonly BooksClient _books = new(host);

    static JsonElement OfType(JsonElement[] vouchers, string type) => Assert.Single(vouchers, v => v.GetProperty("type").GetString() == type);

    static object Order(string id, string sku, decimal quantity) => new
    {
        external_id = id, customer_name = "Asha Rao", order_date = "2026-05-25", buyer_state_code = "29",
        lines = new[] { new { sku, description = "Widget", quantity, rate = 99.50m, tax_rate = 18m } },
    };

    [Theory]
    [MemberData(nameof(ClientDriver.Languages), MemberType = typeof(ClientDriver))]
    public async Task An_order_an_edit_and_a_refund_sent_through_the_SDK_post_a_voucher_a_debit_note_and_a_credit_note(string language)
    {
        var sku = $"SDK-{language}-W";
        var order = $"ORD-SDK-{language}";
        await _books.PutItemAsync(sku, "Widget", 10);
        var c = await _books.CustomConnectionAsync();

        // 2 x 99.50 = 199.00, CGST 9 % 17.91 + SGST 9 % 17.91 (buyer in state 29, the books' state) = 234.82.
        // Sent waiting for posting: the answer names the voucher.
        var sale = await ClientDriver.RunAsync(language, c.DeliveryUrl, c.SigningSecret!, "order", Order(order, sku, 2), wait: 10);
        Assert.True(sale.Ok, sale.Message);
        Assert.Equal((200, "posted", 1), (sale.StatusCode, sale.Status, sale.Attempts));
        var number = Assert.Single(sale.Vouchers!);
        var voucher = await _books.VoucherAsync(number);
        Assert.Equal((199.00m, 35.82m, 234.82m), (Total(voucher, "taxable"), Total(voucher, "tax"), Total(voucher, "total")));
        AssertBalanced(voucher);

        // 2 -> 3 units: a debit note for 99.50 + CGST 8.96 + SGST 8.96 (each 9 % of 99.50 = 8.955, rounded per tax) = 117.42.
        var edit = await ClientDriver.RunAsync(language, c.DeliveryUrl, c.SigningSecret!, "update", new
        {
            external_id = order, updated_at = "2026-05-26T10:15:00+05:30",
            lines = new[] { new { sku, description = "Widget", quantity = 3m, rate = 99.50m, tax_rate = 18m } },
        });
        Assert.True(edit.Ok, edit.Message);
        Assert.Equal((200, "accepted"), (edit.StatusCode, edit.Status));
        Assert.StartsWith("ev_", edit.EventId);
        var dn = OfType(await _books.VouchersAsync(c.Id, order, 2), "debit-note");
        Assert.Equal(117.42m, Total(dn, "total"));

        // One unit refunded: a credit note for 99.50 at the sale's 18 %, the same 117.42.
        var refund = await ClientDriver.RunAsync(language, c.DeliveryUrl, c.SigningSecret!, "refund", new
        {
            external_id = order, refund_id = "REF-9991", refund_date = "2026-05-27", refunded_at = "2026-05-27T16:40:00+05:30",
            lines = new[] { new { sku, quantity = 1m, rate = 99.50m } },
        });
        Assert.True(refund.Ok, refund.Message);
        var cn = OfType(await _books.VouchersAsync(c.Id, order, 3), "credit-note");
        Assert.Equal(("REF-9991", 117.42m), (cn.GetProperty("reference").GetString(), Total(cn, "total")));
        Assert.Equal(8m, await _books.StockAsync(sku));

        // The order re-sent (a site retrying after a timeout): 409 is a success, nothing posted twice.
        var again = await ClientDriver.RunAsync(language, c.DeliveryUrl, c.SigningSecret!, "order", Order(order, sku, 2));
        Assert.True(again.Ok, again.Message);
        Assert.Equal((409, "duplicate", true), (again.StatusCode, again.Status, again.Duplicate));
        Assert.Equal(3, (await _books.VouchersAsync(c.Id, order, 3)).Length);
    }

    [Theory]
    [MemberData(nameof(ClientDriver.Languages), MemberType = typeof(ClientDriver))]
    public async Task A_wrong_secret_raises_naming_the_servers_error_after_one_attempt(string language)
    {
        var c = await _books.CustomConnectionAsync();
        await using var proxy = new FlakyProxy(host.BaseUrl);
        var outcome = await ClientDriver.RunAsync(language, proxy.Url(c.DeliveryUrl), "not-the-signing-secret", "order", Order($"ORD-SDK-401-{language}", "SDK-401", 1));
        Assert.False(outcome.Ok);
        Assert.Equal((401, "unauthorized", "The signature does not match the body.", 1), (outcome.StatusCode, outcome.Status, outcome.Error, outcome.Attempts));
        Assert.Contains("The signature does not match the body.", outcome.Message);
        Assert.Contains("401", outcome.Message);
        Assert.Equal(1, proxy.Requests);
    }

    [Theory]
    [MemberData(nameof(ClientDriver.Languages), MemberType = typeof(ClientDriver))]
    public async Task An_invalid_payload_400_raises_naming_the_field_and_is_never_retried(string language)
    {
        var c = await _books.CustomConnectionAsync();
        await using var proxy = new FlakyProxy(host.BaseUrl);
        var outcome = await ClientDriver.RunAsync(language, proxy.Url(c.DeliveryUrl), c.SigningSecret!, "order", Order($"ORD-SDK-400-{language}", "SDK-400", 0), maxAttempts: 5);
        Assert.False(outcome.Ok);
        Assert.Equal((400, "invalid", "lines[0].quantity must be greater than 0.", 1), (outcome.StatusCode, outcome.Status, outcome.Error, outcome.Attempts));
        Assert.Contains("lines[0].quantity must be greater than 0.", outcome.Message);
        Assert.Equal(1, proxy.Requests);
    }

    [Theory]
    [MemberData(nameof(ClientDriver.Languages), MemberType = typeof(ClientDriver))]
    public async Task A_dropped_connection_and_a_503_are_retried_with_back_off_and_the_order_posts_once(string language)
    {
        var sku = $"SDK-RETRY-{language}";
        var order = $"ORD-SDK-RETRY-{language}";
        await _books.PutItemAsync(sku, "Widget", 10);
        var c = await _books.CustomConnectionAsync();
        await using var proxy = new FlakyProxy(host.BaseUrl, [Fault.Drop, Fault.Unavailable]);
        var outcome = await ClientDriver.RunAsync(language, proxy.Url(c.DeliveryUrl), c.SigningSecret!, "order", Order(order, sku, 2), maxAttempts: 5, baseDelayMs: 20);
        Assert.True(outcome.Ok, outcome.Message);
        Assert.Equal((200, "accepted", 3), (outcome.StatusCode, outcome.Status, outcome.Attempts));
        Assert.Equal(3, proxy.Requests);
        Assert.Equal(234.82m, Total(Assert.Single(await _books.VouchersAsync(c.Id, order, 1)), "total"));
        Assert.Equal(8m, await _books.StockAsync(sku));
    }

    [Theory]
    [MemberData(nameof(ClientDriver.Languages), MemberType = typeof(ClientDriver))]
    public async Task A_503_on_every_attempt_raises_naming_the_servers_error_after_max_attempts(string language)
    {
        var c = await _books.CustomConnectionAsync();
        await using var proxy = new FlakyProxy(host.BaseUrl, alwaysUnavailable: true);
        var outcome = await ClientDriver.RunAsync(language, proxy.Url(c.DeliveryUrl), c.SigningSecret!, "order", Order($"ORD-SDK-503-{language}", "SDK-503", 1), maxAttempts: 3, baseDelayMs: 5);
        Assert.False(outcome.Ok);
        Assert.Equal((503, "unavailable", FlakyProxy.UnavailableError, 3), (outcome.StatusCode, outcome.Status, outcome.Error, outcome.Attempts));
        Assert.Contains(FlakyProxy.UnavailableError, outcome.Message);
        Assert.Equal(3, proxy.Requests);
    }
}
