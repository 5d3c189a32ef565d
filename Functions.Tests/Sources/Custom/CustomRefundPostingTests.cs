using Connectors.Tests.Fixtures;
using Connectors.Tests.Posting;
using static Connectors.Tests.Posting.BooksClient;

namespace Connectors.Tests.Sources.Custom;

/// <summary>Custom refunds through the real host and the queue trigger: idempotent on (order, refund id).</summary>
public sealed class CustomRefundPostingTests(HostFixture host) : IClassFixture<HostFixture>
{
    readonly BooksClient _books = new(host);

    [Fact]
    public async Task The_same_refund_id_on_two_orders_posts_a_credit_note_on_each_and_a_resend_is_409_and_posted_once()
    {
        await _books.PutItemAsync("PER-ORDER-W", "Widget", 10);
        var c = await _books.CustomConnectionAsync();
        foreach (var order in new[] { "ORD-1001", "ORD-1002" })
        {
            Assert.Equal(200, await _books.OrderAsync(c, order, "29", "2026-05-25", Line("PER-ORDER-W", 2, 100, 18)));
            await _books.VouchersAsync(c.Id, order, 1);
        }

        Assert.Equal(200, await _books.RefundAsync(c, "ORD-1001", "R-1", "2026-05-30", RefundLine("PER-ORDER-W", 1, 100)));
        Assert.Equal(200, await _books.RefundAsync(c, "ORD-1002", "R-1", "2026-05-30", RefundLine("PER-ORDER-W", 1, 100)));
        foreach (var order in new[] { "ORD-1001", "ORD-1002" })
        {
            var cn = Assert.Single(await _books.VouchersAsync(c.Id, order, 2), v => v.GetProperty("type").GetString() == "credit-note");
            Assert.Equal("R-1", cn.GetProperty("reference").GetString());
            Assert.Equal(118m, Total(cn, "total"));
            Assert.Equal("posted", (await _books.SettledActivityAsync(c.Id, $"{order} / R-1", "order.refunded")).GetProperty("status").GetString());
        }
        Assert.Equal(8m, await _books.StockAsync("PER-ORDER-W"));

        // The same refund of the same order again: 409, nothing queued, nothing posted twice.
        Assert.Equal(409, await _books.RefundAsync(c, "ORD-1001", "R-1", "2026-05-30", RefundLine("PER-ORDER-W", 1, 100)));
        Assert.Equal(2, (await _books.VouchersAsync(c.Id, "ORD-1001", 2)).Length);
        Assert.Equal(8m, await _books.StockAsync("PER-ORDER-W"));
    }
}
