using System.Net;
using System.Text.Json;
using Connectors.Ingest;
using Connectors.Posting;
using Connectors.Tests.Fixtures;
using static Connectors.Tests.Posting.BooksClient;

namespace Connectors.Tests.Posting;

/// <summary>
/// Amounts are never converted: an order in a currency other than the books' (INR here, the default) is not posted and
/// its activity entry says why; the books' currency, in any case, posts as before.
/// </summary>
public sealed class CurrencyPostingTests(HostFixture host) : IClassFixture<HostFixture>
{
    readonly BooksClient _books = new(host);
    const string Mismatch = "Order currency EUR differs from the books' currency INR; not posted.";

    /// <summary>The India sample (2 × 118.00 incl. 18 % GST) as another order, in the given currency.</summary>
    static byte[] IndiaOrder(long id, string currency) =>
        ShopSamples.Edited("shopify", "orders-create--india-inclusive.json", o => { o["id"] = id; o["currency"] = currency; });

    async Task<string> DeliverAsync(CreatedConnection c, string topic, byte[] body)
    {
        using var response = await host.Http.SendAsync(ShopSamples.Shopify(c.Path, topic, body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("status").GetString()!;
    }

    async Task<HttpStatusCode> VoucherListStatusAsync(string connectionId, string externalId)
    {
        using var response = await host.Http.SendAsync(host.Admin(HttpMethod.Get, $"/api/manage/vouchers?connection={connectionId}&order={externalId}"));
        return response.StatusCode;
    }

    [Fact]
    public async Task A_shop_order_in_a_foreign_currency_fails_with_the_reason_while_the_same_order_in_the_books_currency_posts()
    {
        await _books.PutItemAsync("TEA-ASSAM-250", "Assam Tea 250 g", 10);
        var c = await host.CreateConnectionAsync("shopify");

        // Accepted (the shop gets its 200), then refused by posting on the first attempt: failed, with both currencies named,
        // not retried into the poison queue (the reason carries no "gave up after" note), nothing booked, no stock moved.
        Assert.Equal("accepted", await DeliverAsync(c, "orders/create", IndiaOrder(5734112650001, "EUR")));
        var failed = await _books.SettledActivityAsync(c.Id, "5734112650001", "orders/create");
        Assert.Equal("failed", failed.GetProperty("status").GetString());
        Assert.Equal(Mismatch, failed.GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.NotFound, await VoucherListStatusAsync(c.Id, "5734112650001"));
        Assert.Equal(10m, await _books.StockAsync("TEA-ASSAM-250"));

        // The same order in rupees posts: taxable 200, GST 36, total 236.
        Assert.Equal("accepted", await DeliverAsync(c, "orders/create", IndiaOrder(5734112650002, "INR")));
        var sale = Assert.Single(await _books.VouchersAsync(c.Id, "5734112650002", 1));
        Assert.Equal((200.00m, 36.00m, 236.00m), (Total(sale, "taxable"), Total(sale, "tax"), Total(sale, "total")));
        Assert.Equal("posted", (await _books.SettledActivityAsync(c.Id, "5734112650002", "orders/create")).GetProperty("status").GetString());
        Assert.Equal(8m, await _books.StockAsync("TEA-ASSAM-250"));
    }

    [Fact]
    public async Task A_custom_order_in_the_books_currency_written_in_lower_case_posts()
    {
        var c = await _books.CustomConnectionAsync();
        Assert.Equal(200, await _books.SendAsync(c, "order.created", new
        {
            external_id = "CUR-LOWER", customer_name = "Asha Rao", order_date = "2026-05-25", buyer_state_code = "29", currency = "inr",
            lines = new[] { Line("CUR-W", 2, 100, 18) },
        }));
        var v = Assert.Single(await _books.VouchersAsync(c.Id, "CUR-LOWER", 1));
        Assert.Equal(236m, Total(v, "total"));
        Assert.Equal("posted", (await _books.SettledActivityAsync(c.Id, "CUR-LOWER", "order.created")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task The_engine_compares_currencies_ignoring_case_and_spaces_and_refuses_a_foreign_one_for_every_kind_of_event()
    {
        var connection = "currency-" + Guid.NewGuid().ToString("N")[..8];
        CanonicalLine[] lines = [new() { Sku = "CUR-D", Description = "CUR-D", Quantity = 1, Rate = 100, TaxRate = 18 }];
        var poster = _books.Poster;

        // " inr " on INR books, and no currency at all, post.
        var lower = await poster.PostAsync(Event(EventKind.Sale, connection, "CUR-D1", "2026-06-01", lines, "29") with { Currency = " inr " }, CancellationToken.None);
        Assert.Equal(118m, (await _books.StoredVoucherAsync(Assert.Single(lower.VoucherNumbers)))!.Totals.Total);
        Assert.Single((await poster.PostAsync(Event(EventKind.Sale, connection, "CUR-D2", "2026-06-01", lines, "29"), CancellationToken.None)).VoucherNumbers);

        // A foreign sale is refused (not deferred, not retried), and so are a foreign refund and cancel: even for an order
        // whose sale has not arrived they fail at once rather than waiting for it.
        var sale = await Assert.ThrowsAsync<PostingRejectedException>(() =>
            poster.PostAsync(Event(EventKind.Sale, connection, "CUR-D3", "2026-06-01", lines, "29") with { Currency = "EUR" }, CancellationToken.None));
        Assert.Equal(Mismatch, sale.Message);
        var refund = await Assert.ThrowsAsync<PostingRejectedException>(() =>
            poster.PostAsync(Event(EventKind.Refund, connection, "CUR-D1", "2026-06-02", lines, refundId: "R1") with { Currency = "eur" }, CancellationToken.None));
        Assert.Equal(Mismatch, refund.Message);
        var cancel = await Assert.ThrowsAsync<PostingRejectedException>(() =>
            poster.PostAsync(Event(EventKind.Cancel, connection, "CUR-NEVER-SOLD", "2026-06-02", []) with { Currency = "EUR" }, CancellationToken.None));
        Assert.Equal(Mismatch, cancel.Message);
    }
}
