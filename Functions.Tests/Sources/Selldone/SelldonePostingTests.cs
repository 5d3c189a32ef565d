using static Connectors.Tests.Sources.BooksQueries;
using static Connectors.Tests.Sources.PlatformSamples;

namespace Connectors.Tests.Sources.Selldone;

/// <summary>Selldone baskets end to end through the host: paid, one item cancelled, one item returned; and a tax-inclusive sale.</summary>
public sealed class SelldonePostingTests(UsdVatBooksHostFixture host) : IClassFixture<UsdVatBooksHostFixture>
{
    async Task<string> SendAsync(string path, string file) => await SendBodyAsync(path, Text("selldone", file));

    async Task<string> SendBodyAsync(string path, string body)
    {
        using var response = await host.Http.SendAsync(Fixtures.SignedRequests.Json(path, body));
        return (await AnswerAsync(response)).Status;
    }

    [Fact]
    public async Task A_tax_inclusive_basket_posts_what_the_buyer_paid_shipping_tax_included()
    {
        var shop = await host.CreateConnectionAsync("selldone");
        await PutItemAsync(host, "VASE-GREEN", 5);
        await PutItemAsync(host, "CARD-A", 5);
        Assert.Equal("accepted", await SendBodyAsync(shop.Path, SelldoneMapTests.InclusiveBasket(7002)));
        var sale = Assert.Single(await VouchersAsync(host, shop.Id, "7002", 1));
        // Gross 112.54 / 20.46 / 12.10 split into taxable + the tax Selldone stated (19.53, 3.55, 2.10 on shipping).
        Assert.Equal(new[] { ("VASE-GREEN", 2m, 93.01m, 19.53m), ("CARD-A", 1m, 16.91m, 3.55m), ("shipping", 1m, 10.00m, 2.10m) }, Lines(sale));
        // 145.10 = Selldone's final price for a tax-inclusive shop: price 143.00 + tax_shipping 2.10.
        Assert.Equal((119.92m, 25.18m, 145.10m), (Total(sale, "taxable"), Total(sale, "tax"), Total(sale, "total")));
        AssertBalanced(sale);
        await EventuallyStockAsync(host, "VASE-GREEN", 3);
        await EventuallyStockAsync(host, "CARD-A", 4);
    }

    [Fact]
    public async Task Paid_basket_then_cancelled_item_then_returned_item()
    {
        var shop = await host.CreateConnectionAsync("selldone");
        await PutItemAsync(host, "MUG-BLUE", 10);
        await PutItemAsync(host, "TEE-S", 10);

        Assert.Equal("accepted", await SendAsync(shop.Path, "PaymentOrder.json"));
        var sale = Assert.Single(await VouchersAsync(host, shop.Id, "7001", 1));
        // Mug 54.00 - 5.40 code discount = 48.60 (+4.86), tee 18.00 - 1.80 = 16.20 (+1.62), shipping 10.00 (+1.00);
        // the total is Selldone's final price: basket price 74.80 + tax 6.48 + tax_shipping 1.00.
        Assert.Equal(new[] { ("MUG-BLUE", 2m, 48.60m, 4.86m), ("TEE-S", 1m, 16.20m, 1.62m), ("shipping", 1m, 10.00m, 1.00m) }, Lines(sale));
        Assert.Equal((74.80m, 7.48m, 82.28m), (Total(sale, "taxable"), Total(sale, "tax"), Total(sale, "total")));
        AssertBalanced(sale);
        await EventuallyStockAsync(host, "MUG-BLUE", 8);
        await EventuallyStockAsync(host, "TEE-S", 9);

        // The tee is cancelled: a credit note for exactly what it was sold for, and back to stock. Selldone's retry is a duplicate.
        Assert.Equal("accepted", await SendAsync(shop.Path, "CancelProduct.json"));
        Assert.Equal("duplicate", await SendAsync(shop.Path, "CancelProduct.json"));
        var cancel = OfType(await VouchersAsync(host, shop.Id, "7001", 2), "credit-note");
        Assert.Equal(new[] { ("TEE-S", 1m, 16.20m, 1.62m) }, Lines(cancel));
        Assert.Equal(17.82m, Total(cancel, "total"));
        await EventuallyStockAsync(host, "TEE-S", 10);

        // One of the two mugs comes back: 30.00 - 5.70 (its half of the discounts) = 24.30 + 10 % = 26.73.
        Assert.Equal("accepted", await SendAsync(shop.Path, "ReturnOrder.json"));
        var ret = OfType(await VouchersAsync(host, shop.Id, "7001", 3), "credit-note", 1);
        Assert.Equal(new[] { ("MUG-BLUE", 1m, 24.30m, 2.43m) }, Lines(ret));
        Assert.Equal(26.73m, Total(ret, "total"));
        AssertBalanced(ret);
        await EventuallyStockAsync(host, "MUG-BLUE", 9);

        // Status steps post nothing.
        Assert.Equal("recorded", await SendAsync(shop.Path, "SentOrder.json"));
        Assert.Equal(3, (await VouchersAsync(host, shop.Id, "7001", 3)).Length);
    }
}
