using static Connectors.Tests.Sources.BooksQueries;
using static Connectors.Tests.Sources.PlatformSamples;

namespace Connectors.Tests.Sources.Jumpseller;

/// <summary>One Jumpseller order end to end through the host: paid, edited, cancelled — the worked numbers in the books.</summary>
public sealed class JumpsellerPostingTests(VatBooksHostFixture host) : IClassFixture<VatBooksHostFixture>
{
    const string HooksToken = "jumpseller-hooks-token-e2e";

    async Task<string> SendAsync(string store, string eventName, string body, string? triggeredAt = null)
    {
        using var response = await host.Http.SendAsync(JumpsellerRequests.Signed(store, HooksToken, eventName, body, triggeredAt));
        return (await AnswerAsync(response)).Status;
    }

    [Fact]
    public async Task Paid_then_edited_then_cancelled_order_posts_sale_debit_note_and_credit_note()
    {
        var connection = await host.CreateConnectionAsync("jumpseller", extra: new { storeCode = "e2estore", hooksToken = HooksToken });
        await PutItemAsync(host, "TSH-001", 10);
        await PutItemAsync(host, "js:1002:77", 5);

        Assert.Equal("accepted", await SendAsync("e2estore", "order_paid", Text("jumpseller", "order_paid.json")));
        var sale = Assert.Single(await VouchersAsync(host, connection.Id, "5001", 1));
        Assert.Equal(("sales", "5001", "Jane Doe"), (sale.GetProperty("type").GetString(), sale.GetProperty("reference").GetString(), sale.GetProperty("customer").GetString()));
        Assert.Equal("2026-05-01", sale.GetProperty("date").GetString());
        // 2 x 25.00 + (40.00 - 10.00) + 5.00 shipping = 85.00 net; Jumpseller's own tax 9.50 + 5.70 + 0.95 = 16.15.
        Assert.Equal(new[] { ("TSH-001", 2m, 50.00m, 9.50m), ("js:1002:77", 1m, 30.00m, 5.70m), ("shipping", 1m, 5.00m, 0.95m) }, Lines(sale));
        Assert.Equal((85.00m, 16.15m, 101.15m), (Total(sale, "taxable"), Total(sale, "tax"), Total(sale, "total")));
        AssertBalanced(sale);
        await EventuallyStockAsync(host, "TSH-001", 8);
        await EventuallyStockAsync(host, "js:1002:77", 4);

        // The buyer is a customer keyed by the billing tax id.
        var customers = await host.AdminJsonAsync(HttpMethod.Get, "/api/manage/customers");
        Assert.Contains(customers.EnumerateArray(), c => c.GetProperty("key").GetString()!.Equals("DE123456789", StringComparison.OrdinalIgnoreCase));

        // A retry of order_paid changes nothing; order_updated with a third shirt posts a debit note for it.
        Assert.Equal("duplicate", await SendAsync("e2estore", "order_paid", Text("jumpseller", "order_paid.json")));
        Assert.Equal("accepted", await SendAsync("e2estore", "order_updated", Text("jumpseller", "order_updated.json")));
        var dn = OfType(await VouchersAsync(host, connection.Id, "5001", 2), "debit-note");
        Assert.Equal(new[] { ("TSH-001", 1m, 25.00m, 4.75m) }, Lines(dn));
        Assert.Equal(29.75m, Total(dn, "total"));
        Assert.Equal(sale.GetProperty("number").GetString(), dn.GetProperty("linkedTo").GetString());
        await EventuallyStockAsync(host, "TSH-001", 7);

        // Cancelled: everything still open is credited (75 + 30 + 5 = 110 net, 14.25 + 5.70 + 0.95 = 20.90 tax) and restocked.
        Assert.Equal("accepted", await SendAsync("e2estore", "order_canceled", Text("jumpseller", "order_canceled.json")));
        var cn = OfType(await VouchersAsync(host, connection.Id, "5001", 3), "credit-note");
        Assert.Equal((110.00m, 20.90m, 130.90m), (Total(cn, "taxable"), Total(cn, "tax"), Total(cn, "total")));
        AssertBalanced(cn);
        await EventuallyStockAsync(host, "TSH-001", 10);
        await EventuallyStockAsync(host, "js:1002:77", 5);
        Assert.Equal(3, (await VouchersAsync(host, connection.Id, "5001", 3)).Length);
    }

    [Fact]
    public async Task An_order_edited_back_to_an_earlier_state_posts_the_credit_and_a_retry_of_that_delivery_does_not()
    {
        var connection = await host.CreateConnectionAsync("jumpseller", extra: new { storeCode = "backstore", hooksToken = HooksToken });
        await PutItemAsync(host, "TSH-001", 10);
        await PutItemAsync(host, "js:1002:77", 5);
        var twoShirts = Text("jumpseller", "order_paid.json");
        Assert.Equal("accepted", await SendAsync("backstore", "order_paid", twoShirts));
        await VouchersAsync(host, connection.Id, "5001", 1);

        // Three shirts (a debit note of 29.75), then back to two, each order_updated at its own Jumpseller-Triggered-At.
        Assert.Equal("accepted", await SendAsync("backstore", "order_updated", Text("jumpseller", "order_updated.json"), "2026-05-02 10:00:00.000 UTC"));
        await VouchersAsync(host, connection.Id, "5001", 2);
        Assert.Equal("accepted", await SendAsync("backstore", "order_updated", twoShirts, "2026-05-03 10:00:00.000 UTC"));
        var cn = OfType(await VouchersAsync(host, connection.Id, "5001", 3), "credit-note");
        Assert.Equal(new[] { ("TSH-001", 1m, 25.00m, 4.75m) }, Lines(cn));
        await EventuallyStockAsync(host, "TSH-001", 8);

        // Jumpseller's retry of that same delivery (same moment): a duplicate, nothing posted twice.
        Assert.Equal("duplicate", await SendAsync("backstore", "order_updated", twoShirts, "2026-05-03 10:00:00.000 UTC"));
        await Task.Delay(300);
        Assert.Equal(3, (await VouchersAsync(host, connection.Id, "5001", 3)).Length);
    }

    [Fact]
    public async Task An_order_placed_in_march_and_paid_in_april_is_dated_when_order_paid_was_triggered()
    {
        // created_at 20 March 2026 (year 25-26); Jumpseller-Triggered-At of order_paid 15 April 2026: SV/26-27/…, 15 April.
        var connection = await host.CreateConnectionAsync("jumpseller", extra: new { storeCode = "fystore", hooksToken = HooksToken });
        var body = Edit("jumpseller", "order_paid.json", o =>
        {
            o["order"]!["id"] = 5101;
            o["order"]!["created_at"] = "2026-03-20 10:00:00 UTC";
            o["order"]!["completed_at"] = "2026-03-20 10:00:00 UTC";
            o["order"]!["products"]![0]!["sku"] = "TSH-DATED";
        });
        Assert.Equal("accepted", await SendAsync("fystore", "order_paid", body, "2026-04-15 09:12:30.125 UTC"));
        var sale = Assert.Single(await VouchersAsync(host, connection.Id, "5101", 1));
        Assert.Equal("2026-04-15", sale.GetProperty("date").GetString());
        Assert.StartsWith("SV/26-27/", sale.GetProperty("number").GetString());
        Assert.Equal(101.15m, Total(sale, "total"));
    }
}
