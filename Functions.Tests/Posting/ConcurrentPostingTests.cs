using Connectors.Books;
using Connectors.Ingest;
using Connectors.Tests.Fixtures;
using static Connectors.Tests.Posting.BooksClient;

namespace Connectors.Tests.Posting;

/// <summary>Stock and voucher numbers under concurrent posting. Each test uses its own financial year, so it owns its series.</summary>
public sealed class ConcurrentPostingTests(HostFixture host) : IClassFixture<HostFixture>
{
    readonly BooksClient _books = new(host);

    [Fact]
    public async Task Fifty_concurrent_orders_for_one_sku_leave_the_exact_stock_and_consecutive_numbers()
    {
        await _books.PutItemAsync("HOT-1", "Hot item", 500);
        var c = await _books.CustomConnectionAsync();
        // Order i takes 1 + i % 3 units: 17 x 1 + 17 x 2 + 16 x 3 = 99 units in all.
        var statuses = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            _books.OrderAsync(c, $"HOT-{i:D2}", "29", "2028-05-01", Line("HOT-1", 1 + i % 3, 10, 18))));
        Assert.All(statuses, s => Assert.Equal(200, s));
        var numbers = new List<string>();
        for (var i = 0; i < 50; i++)
            numbers.Add(Assert.Single(await _books.VouchersAsync(c.Id, $"HOT-{i:D2}", 1, TimeSpan.FromSeconds(60))).GetProperty("number").GetString()!);
        Assert.Equal(500m - 99m, await _books.StockAsync("HOT-1"));
        Assert.Equal(Enumerable.Range(1, 50).Select(n => $"SV/28-29/{n:D6}"), numbers.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Forty_concurrent_sales_each_delivered_twice_get_numbers_one_to_forty_exactly()
    {
        var connection = "numbering-" + Guid.NewGuid().ToString("N")[..8];
        var sales = Enumerable.Range(1, 40).Select(i => Event(EventKind.Sale, connection, $"NUM-{i}", "2030-07-01",
            [new CanonicalLine { Sku = "NUM-SKU", Description = "x", Quantity = 1, Rate = i, TaxRate = 5 }], "29")).ToList();
        // Each event twice (a redelivery racing the first delivery): still one voucher per event.
        var outcomes = await Task.WhenAll(sales.Concat(sales).Select(e => Task.Run(() => _books.Poster.PostAsync(e, CancellationToken.None))));
        var numbers = outcomes.Select(o => Assert.Single(o.VoucherNumbers)).Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.Equal(Enumerable.Range(1, 40).Select(n => $"SV/30-31/{n:D6}"), numbers);
        // Each number holds the voucher of the event that got it.
        for (var i = 0; i < 40; i++)
        {
            var v = (await _books.StoredVoucherAsync(outcomes[i].VoucherNumbers[0]))!;
            Assert.Equal($"NUM-{i + 1}", v.Reference);
            Assert.Equal(i + 1m, v.Totals.Taxable);
        }
        var counter = await host.Storage.Table(Connectors.Storage.TableNames.Vouchers).GetEntityAsync<Azure.Data.Tables.TableEntity>(
            host.Service<VoucherStore>().Partition("SV", "30-31"), "counter");
        Assert.Equal(40L, counter.Value.GetInt64("Last"));
    }

    [Fact]
    public async Task Concurrent_refunds_of_one_order_are_serialised_and_never_refund_more_than_was_sold()
    {
        await _books.PutItemAsync("SER-W", "Widget", 20);
        var connection = "serial-" + Guid.NewGuid().ToString("N")[..8];
        await _books.Poster.PostAsync(Event(EventKind.Sale, connection, "SER-1", "2031-05-01",
            [new CanonicalLine { Sku = "SER-W", Description = "Widget", Quantity = 10, Rate = 100, TaxRate = 18 }], "29"), CancellationToken.None);
        Assert.Equal(10m, await _books.StockAsync("SER-W"));

        // 14 refunds of one unit race for the 10 sold: exactly 10 post, 4 are held as over-refunds (nothing credited).
        var refunds = Enumerable.Range(1, 14).Select(i => Event(EventKind.Refund, connection, "SER-1", "2031-05-02",
            [new CanonicalLine { Sku = "SER-W", Quantity = 1, Rate = 100 }], refundId: $"R{i}"));
        var outcomes = await Task.WhenAll(refunds.Select(e => Task.Run(() => _books.Poster.PostAsync(e, CancellationToken.None))));
        var results = outcomes.Select(o => o.VoucherNumbers.SingleOrDefault()).ToList();
        Assert.Equal(10, results.Count(r => r is not null));
        Assert.Equal(4, outcomes.Count(o => o.Status == "held" && o.VoucherNumbers.Count == 0));
        Assert.Equal(Enumerable.Range(1, 10).Select(n => $"CN/31-32/{n:D6}"), results.OfType<string>().Order(StringComparer.Ordinal));
        Assert.Equal(20m, await _books.StockAsync("SER-W"));
        var (order, _) = await host.Service<OrderStore>().GetAsync(connection, "SER-1", CancellationToken.None);
        Assert.Equal(0m, order!.Lines["SER-W"].Quantity);
        Assert.Equal(0m, order.Lines["SER-W"].Total);
    }
}
