using System.Net;
using System.Text.Json;
using Connectors.Tests.Fixtures;
using Connectors.Tests.Posting;
using static Connectors.Tests.Posting.BooksClient;

namespace Connectors.Tests.Sources.Custom;

/// <summary>
/// Custom deliveries through the real host and the queue trigger: refunds idempotent on (order, refund id), and answers
/// that wait for posting (Prefer: wait=N) saying whether the voucher was posted.
/// </summary>
public sealed class CustomPostingTests(HostFixture host) : IClassFixture<HostFixture>
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

    Task<(HttpStatusCode Status, JsonElement Body)> SendWaitingAsync(CreatedConnection c, string eventName, object body, string prefer = "wait=10")
    {
        var request = SignedRequests.Custom(c.Path, c.SigningSecret!, eventName, JsonSerializer.Serialize(body));
        request.Headers.Add("Prefer", prefer);
        return host.SendAsync(request);
    }

    [Fact]
    public async Task A_sale_waited_for_is_answered_posted_with_its_voucher_and_an_over_refund_202_held_with_the_reason()
    {
        await _books.PutItemAsync("WAIT-W", "Widget", 10);
        var c = await _books.CustomConnectionAsync();
        var sale = new { external_id = "ORD-WAIT", customer_name = "Asha Rao", order_date = "2026-05-25", buyer_state_code = "29", lines = new[] { Line("WAIT-W", 2, 100, 18) } };
        var (status, body) = await SendWaitingAsync(c, "order.created", sale, "respond-async, wait=10");
        Assert.Equal((HttpStatusCode.OK, "posted"), (status, body.GetProperty("status").GetString()));
        var number = Assert.Single(body.GetProperty("vouchers").EnumerateArray()).GetString();
        Assert.Equal(236m, Total(await _books.VoucherAsync(number!), "total"));

        // 3 of the 2 sold: posting holds it (kept, not credited: an edit adding units may still come), and the waiting
        // sender hears why (202; the key is freed, so a corrected copy under the same refund id is taken).
        var refund = new { external_id = "ORD-WAIT", refund_id = "RF-WAIT", refund_date = "2026-05-30", lines = new[] { RefundLine("WAIT-W", 3, 100) } };
        (status, body) = await SendWaitingAsync(c, "order.refunded", refund);
        Assert.Equal((HttpStatusCode.Accepted, "held"), (status, body.GetProperty("status").GetString()));
        Assert.Contains("more than the 2 still open", body.GetProperty("error").GetString());

        // Without the preference the answer is the usual "accepted": durable and queued.
        (status, body) = await host.SendAsync(SignedRequests.Custom(c.Path, c.SigningSecret!, "order.refunded",
            JsonSerializer.Serialize(new { external_id = "ORD-WAIT", refund_id = "RF-WAIT-2", refund_date = "2026-05-30", lines = new[] { RefundLine("WAIT-W", 1, 100) } })));
        Assert.Equal((HttpStatusCode.OK, "accepted"), (status, body.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task The_custom_samples_post_a_sale_a_debit_note_for_the_edit_and_a_credit_note_for_the_refund()
    {
        var c = await _books.CustomConnectionAsync();
        foreach (var (file, eventName) in new[] { ("order-created", "order.created"), ("order-updated", "order.updated"), ("order-refunded", "order.refunded") })
        {
            var (status, _) = await host.SendAsync(SignedRequests.Custom(c.Path, c.SigningSecret!, eventName, PlatformSamples.Text("custom", file + ".json")));
            Assert.Equal(HttpStatusCode.OK, status);
        }
        var vouchers = await _books.VouchersAsync(c.Id, "ORD-12345", 3);
        decimal TotalOf(string type) => Total(Assert.Single(vouchers, v => v.GetProperty("type").GetString() == type), "total");
        Assert.Equal(516m, TotalOf("sales"));       // 2 x 100 + 18 % and 250 + 12 %
        Assert.Equal(118m, TotalOf("debit-note"));  // the edit's third widget
        Assert.Equal(118m, TotalOf("credit-note")); // one widget refunded
    }
}
