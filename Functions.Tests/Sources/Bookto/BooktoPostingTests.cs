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

    static async Task<JsonElement[]> CustomersAsync(VatBooksHostFixture host, string key, string query = "") =>
        (await host.AdminJsonAsync(HttpMethod.Get, "/api/manage/customers" + query)).EnumerateArray()
            .Where(c => c.GetProperty("key").GetString() == key).ToArray();

    static string[] Numbers(JsonElement customer) => customer.GetProperty("vouchers").EnumerateArray().Select(v => v.GetString()!).ToArray();

    [Fact]
    public async Task A_test_orders_customer_is_kept_in_the_test_books_and_listed_only_with_includeTest()
    {
        var shop = await host.CreateConnectionAsync("bookto", extra: new { webhookSecret = Secret });
        // Tom's test order (is_test_order) and then a real order of his.
        Assert.Equal("accepted", await SendAsync(shop.Path, Edit("bookto", "order.paid.test.json", o => o["order_id"] = "ord_test_cust")));
        var test = Assert.Single(await VouchersAsync(host, shop.Id, "ord_test_cust", 1)).GetProperty("number").GetString()!;
        Assert.StartsWith("TSV/", test);
        JsonElement tested = default;
        await Fixtures.HostFixture.Eventually(async () =>
        {
            var found = (await CustomersAsync(host, "tom@example.be", "?includeTest=true")).Where(c => Numbers(c).Contains(test)).ToList();
            if (found.Count == 1) tested = found[0];
            return found.Count == 1;
        }, "the test order's customer in the test books");
        Assert.True(tested.GetProperty("isTest").GetBoolean());
        Assert.All(Numbers(tested), n => Assert.StartsWith("T", n));
        Assert.Equal(("Tom Janssens", "tom@example.be"), (tested.GetProperty("name").GetString(), tested.GetProperty("email").GetString()));
        // The accountant's list (no includeTest) does not know Tom: a test order leaves no customer in the real books.
        Assert.Empty(await CustomersAsync(host, "tom@example.be"));

        Assert.Equal("accepted", await SendAsync(shop.Path, Edit("bookto", "order.paid.test.json", o => { o["order_id"] = "ord_real_cust"; o["is_test_order"] = false; })));
        var real = Assert.Single(await VouchersAsync(host, shop.Id, "ord_real_cust", 1)).GetProperty("number").GetString()!;
        Assert.StartsWith("SV/", real);
        JsonElement listed = default;
        await Fixtures.HostFixture.Eventually(async () =>
        {
            var found = await CustomersAsync(host, "tom@example.be");
            if (found.Length == 1) listed = found[0];
            return found.Length == 1;
        }, "the real order's customer in the real books");
        // The real customer carries the real sale only; with includeTest Tom is listed twice, once in each books.
        Assert.Equal([real], Numbers(listed));
        Assert.False(listed.GetProperty("isTest").GetBoolean());
        var both = await CustomersAsync(host, "tom@example.be", "?includeTest=true");
        Assert.Equal([false, true], both.Select(c => c.GetProperty("isTest").GetBoolean()).Order());
        Assert.Contains(test, Numbers(both.Single(c => c.GetProperty("isTest").GetBoolean())));
    }
}
