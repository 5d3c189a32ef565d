using System.Globalization;
using System.Net;
using System.Text.Json;
using Connectors.Tests.Fixtures;
using Connectors.Tests.Posting;

namespace Connectors.Tests.Admin.Connections;

/// <summary>
/// POST /api/manage/connections/{id}/test-event through the real host: order.updated and order.refunded act on a test
/// order the connection sent (a debit note for one more unit, a credit note for one unit back, both in the TEST series),
/// and a missing, real, foreign or unknown externalId is refused with a 400 naming the problem.
/// </summary>
public sealed class TestEventTests(HostFixture host) : IClassFixture<HostFixture>
{
    readonly BooksClient _books = new(host);

    Task<JsonElement> SendAsync(string connectionId, object body, int expect = 200) =>
        host.AdminJsonAsync(HttpMethod.Post, $"/api/manage/connections/{connectionId}/test-event", body, expect);

    static string Error(JsonElement e) => e.GetProperty("error").GetString()!;

    [Fact]
    public async Task An_update_then_a_refund_of_the_test_order_post_a_debit_note_and_a_credit_note_in_the_TEST_series()
    {
        var c = await _books.CustomConnectionAsync();
        var created = await SendAsync(c.Id, new { @event = "order.created" });
        var id = created.GetProperty("externalId").GetString()!;
        // The answer waited for posting: the sale's voucher is named in it.
        Assert.Equal("posted", JsonDocument.Parse(created.GetProperty("answer").GetString()!).RootElement.GetProperty("status").GetString());

        var updated = await SendAsync(c.Id, new { @event = "order.updated", externalId = id });
        Assert.Equal((200, id, "order.updated"), (updated.GetProperty("httpStatus").GetInt32(), updated.GetProperty("externalId").GetString(), updated.GetProperty("event").GetString()));
        var refunded = await SendAsync(c.Id, new { @event = "order.refunded", externalId = id });
        Assert.Equal(200, refunded.GetProperty("httpStatus").GetInt32());

        var vouchers = await _books.VouchersAsync(c.Id, id, 3);
        var byType = vouchers.ToDictionary(v => v.GetProperty("type").GetString()!);
        Assert.Equal(["credit-note", "debit-note", "sales"], byType.Keys.Order());
        // 1 → 2 units of 100 at 18 % GST: a debit note of 118; one unit back: a credit note of 118.
        Assert.StartsWith("TDN/", byType["debit-note"].GetProperty("number").GetString());
        Assert.Equal(118m, BooksClient.Total(byType["debit-note"], "total"));
        Assert.StartsWith("TCN/", byType["credit-note"].GetProperty("number").GetString());
        Assert.Equal(118m, BooksClient.Total(byType["credit-note"], "total"));
        Assert.All(vouchers, v => Assert.True(v.GetProperty("isTest").GetBoolean()));
        Assert.Equal("posted", (await _books.SettledActivityAsync(c.Id, id, "order.refunded")).GetProperty("status").GetString());

        // Audited as before, the follow-up's event and the voucher it posted named.
        var audit = await host.AdminJsonAsync(HttpMethod.Get, "/api/manage/audit?limit=1");
        var entry = audit.GetProperty("entries")[0];
        Assert.Equal(("connection.test-event", c.Id, $"order.refunded of order {id}, answered 200, vouchers {byType["credit-note"].GetProperty("number").GetString()}"),
            (entry.GetProperty("action").GetString(), entry.GetProperty("target").GetString(), entry.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task The_old_bodies_still_send_a_new_test_order()
    {
        var c = await _books.CustomConnectionAsync();
        using var none = await host.Http.SendAsync(host.Admin(HttpMethod.Post, $"/api/manage/connections/{c.Id}/test-event"));
        Assert.Equal(HttpStatusCode.OK, none.StatusCode);
        var noBody = JsonDocument.Parse(await none.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("order.created", noBody.GetProperty("event").GetString());
        var old = await SendAsync(c.Id, new { @event = "order.created" });
        Assert.NotEqual(noBody.GetProperty("externalId").GetString(), old.GetProperty("externalId").GetString());
        Assert.StartsWith("TEST-", old.GetProperty("externalId").GetString());
    }

    [Theory]
    [InlineData("order.updated")]
    [InlineData("order.refunded")]
    public async Task A_follow_up_without_an_external_id_is_refused_naming_it(string eventName)
    {
        var c = await _books.CustomConnectionAsync();
        var e = await SendAsync(c.Id, new { @event = eventName }, 400);
        Assert.Equal($"externalId is required for {eventName}: the external id (TEST-...) of a test order this connection sent with order.created. Send order.created first.", Error(e));
        Assert.Equal("invalid", e.GetProperty("status").GetString());
        Assert.StartsWith("externalId is required", Error(await SendAsync(c.Id, new { @event = eventName, externalId = "" }, 400)));
    }

    [Fact]
    public async Task A_follow_up_on_a_real_order_is_refused_and_the_order_is_untouched()
    {
        var c = await _books.CustomConnectionAsync();
        Assert.Equal(200, await _books.OrderAsync(c, "ORD-REAL-1", "29", DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), BooksClient.Line("REAL-1", 1, 100, 18)));
        await _books.VouchersAsync(c.Id, "ORD-REAL-1", 1);
        var e = await SendAsync(c.Id, new { @event = "order.refunded", externalId = "ORD-REAL-1" }, 400);
        Assert.StartsWith("externalId 'ORD-REAL-1' is not a test order: test events act only on orders whose id starts with TEST-", Error(e));
        Assert.Single(await _books.VouchersAsync(c.Id, "ORD-REAL-1", 1));
    }

    [Fact]
    public async Task A_follow_up_on_another_connections_test_order_or_an_unknown_one_is_refused()
    {
        var mine = await _books.CustomConnectionAsync();
        var other = await _books.CustomConnectionAsync();
        var theirs = (await SendAsync(other.Id, new { @event = "order.created" })).GetProperty("externalId").GetString()!;
        var e = await SendAsync(mine.Id, new { @event = "order.updated", externalId = theirs }, 400);
        Assert.Equal($"externalId '{theirs}' is not a test order of connection '{mine.Id}': send order.created first and use the externalId it answers.", Error(e));
        Assert.Contains("is not a test order of connection", Error(await SendAsync(mine.Id, new { @event = "order.updated", externalId = "TEST-0000000000" }, 400)));
        Assert.Single(await _books.VouchersAsync(other.Id, theirs, 1)); // their order got no note
    }

    [Fact]
    public async Task A_refund_with_no_unit_left_and_an_externalId_on_order_created_are_refused()
    {
        var c = await _books.CustomConnectionAsync();
        var id = (await SendAsync(c.Id, new { @event = "order.created" })).GetProperty("externalId").GetString()!;
        Assert.Equal(200, (await SendAsync(c.Id, new { @event = "order.refunded", externalId = id })).GetProperty("httpStatus").GetInt32());
        await _books.VouchersAsync(c.Id, id, 2);
        var e = await SendAsync(c.Id, new { @event = "order.refunded", externalId = id }, 400);
        Assert.StartsWith($"Test order '{id}' has no unit left to refund (0", Error(e));
        Assert.EndsWith("billed): send order.updated first, or a new order.created.", Error(e));
        Assert.Equal("externalId is only for order.updated and order.refunded: order.created sends a new test order of its own.",
            Error(await SendAsync(c.Id, new { @event = "order.created", externalId = id }, 400)));
        Assert.Equal("Test event 'order.deleted' is not supported: send \"order.created\", \"order.updated\" or \"order.refunded\".",
            Error(await SendAsync(c.Id, new { @event = "order.deleted", externalId = id }, 400)));
    }

    [Fact]
    public async Task Two_refunds_sent_at_once_credit_one_unit_once()
    {
        var c = await _books.CustomConnectionAsync();
        var id = (await SendAsync(c.Id, new { @event = "order.created" })).GetProperty("externalId").GetString()!;
        await SendAsync(c.Id, new { @event = "order.updated", externalId = id }); // two units billed
        await _books.VouchersAsync(c.Id, id, 2);

        // A double click in two tabs, or a retry: the refund id comes from the order's facts, so both are the same refund.
        var answers = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ =>
            host.Http.SendAsync(host.Admin(HttpMethod.Post, $"/api/manage/connections/{c.Id}/test-event", new { @event = "order.refunded", externalId = id }))));
        Assert.All(answers, a => Assert.True(a.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict, a.StatusCode.ToString()));

        await Task.Delay(1500); // time for a second credit note to appear, were one posted
        var vouchers = await _books.VouchersAsync(c.Id, id, 3);
        Assert.Single(vouchers, v => v.GetProperty("type").GetString() == "credit-note");
    }

    [Fact]
    public async Task A_follow_up_on_a_test_order_the_card_did_not_send_is_refused_and_posts_nothing()
    {
        var c = await _books.CustomConnectionAsync();
        // The developer's own test order, with lines of its own: an edit from the card would replace them all.
        Assert.Equal(200, await _books.OrderAsync(c, "TEST-MINE-1", "29", "2026-05-25", new { sku = "WIDGET-1", description = "Widget", quantity = 3, rate = 250, tax_rate = 12 }));
        await _books.VouchersAsync(c.Id, "TEST-MINE-1", 1);
        var e = await SendAsync(c.Id, new { @event = "order.updated", externalId = "TEST-MINE-1" }, 400);
        Assert.Equal("Test order 'TEST-MINE-1' was not sent by this card (it has lines other than TEST-ITEM): test follow-ups act only on orders sent with order.created here.", Error(e));
        await Task.Delay(500);
        Assert.Single(await _books.VouchersAsync(c.Id, "TEST-MINE-1", 1));
    }
}
