using System.Text.Json;
using static Connectors.Tests.Sources.BooksQueries;
using static Connectors.Tests.Sources.PlatformSamples;

namespace Connectors.Tests.Sources.Bookto;

/// <summary>bookto orders end to end through the host: the sale's VAT figures, one customer per buyer, test orders apart.</summary>
public sealed class BooktoPostingTests(VatBooksHostFixture host) : IClassFixture<VatBooksHostFixture>
{
    const string Secret = "bookto-e2e-secret";

    async Task<string> SendAsync(string path, string body)
    {
        using var response = await host.Http.SendAsync(BooktoRequests.Signed(path, Secret, body, DateTimeOffset.UtcNow));
        return (await AnswerAsync(response)).Status;
    }

    [Fact]
    public async Task The_same_buyer_twice_is_one_customer_with_both_sales()
    {
        var shop = await host.CreateConnectionAsync("bookto", extra: new { webhookSecret = Secret });
        Assert.Equal("accepted", await SendAsync(shop.Path, Text("bookto", "order.paid.json")));
        var first = Assert.Single(await VouchersAsync(host, shop.Id, "ord_8f3a1c", 1));
        Assert.Equal("sales", first.GetProperty("type").GetString());
        Assert.Equal(new[] { ("Workshop ticket", 1m, 100.00m, 21.00m) }, Lines(first));
        Assert.Equal((100.00m, 21.00m, 121.00m), (Total(first, "taxable"), Total(first, "tax"), Total(first, "total")));
        Assert.Equal("Peeters BV", first.GetProperty("customer").GetString());
        AssertBalanced(first);

        Assert.Equal("accepted", await SendAsync(shop.Path, Text("bookto", "order.paid.same-buyer.json")));
        var second = Assert.Single(await VouchersAsync(host, shop.Id, "ord_9b7d2e", 1));
        Assert.Equal("duplicate", await SendAsync(shop.Path, Text("bookto", "order.paid.json")));

        JsonElement buyer = default;
        await Fixtures.HostFixture.Eventually(async () =>
        {
            var matches = (await host.AdminJsonAsync(HttpMethod.Get, "/api/manage/customers")).EnumerateArray()
                .Where(c => c.GetProperty("key").GetString()!.Equals("BE0123456789", StringComparison.OrdinalIgnoreCase)).ToList();
            Assert.True(matches.Count <= 1, "the same buyer became two customers");
            if (matches.Count == 1) buyer = matches[0].Clone();
            return matches.Count == 1 && buyer.GetProperty("vouchers").GetArrayLength() == 2;
        }, "one customer with both vouchers");
        Assert.Equal(new[] { first.GetProperty("number").GetString(), second.GetProperty("number").GetString() }.Order(),
            buyer.GetProperty("vouchers").EnumerateArray().Select(v => v.GetString()).Order());
        Assert.Equal(("Peeters BV", "an.peeters@example.be", "BE0123456789", "BE"),
            (buyer.GetProperty("name").GetString(), buyer.GetProperty("email").GetString(), buyer.GetProperty("taxId").GetString(), buyer.GetProperty("country").GetString()));
        // The address and the peppol id an EU invoice names, as bookto's guide asks them mapped.
        Assert.Equal(("Kerkstraat 1\n9000 Gent", "0208:0123456789"), (buyer.GetProperty("address").GetString(), buyer.GetProperty("peppolId").GetString()));
    }

    [Fact]
    public async Task A_test_order_posts_in_the_test_series()
    {
        var shop = await host.CreateConnectionAsync("bookto", extra: new { webhookSecret = Secret });
        Assert.Equal("accepted", await SendAsync(shop.Path, Text("bookto", "order.paid.test.json")));
        var voucher = Assert.Single(await VouchersAsync(host, shop.Id, "ord_test_01", 1));
        Assert.True(voucher.GetProperty("isTest").GetBoolean());
        Assert.StartsWith("TSV/", voucher.GetProperty("number").GetString());
    }
}
