using System.Text.Json;
using Connectors.Tests.Fixtures;
using static Connectors.Tests.Posting.BooksClient;

namespace Connectors.Tests.Posting;

/// <summary>Edits, refunds and out-of-order arrival through the real host.</summary>
public sealed class OrderLifecycleTests(HostFixture host) : IClassFixture<HostFixture>
{
    readonly BooksClient _books = new(host);

    static JsonElement OfType(JsonElement[] vouchers, string type, int index = 0) => vouchers.Where(v => v.GetProperty("type").GetString() == type).ElementAt(index);

    [Fact]
    public async Task Edits_post_a_debit_note_for_increases_and_a_credit_note_for_decreases_leaving_the_sale_intact()
    {
        await _books.PutItemAsync("EDIT-W", "Widget", 10);
        var c = await _books.CustomConnectionAsync();
        await _books.OrderAsync(c, "ORD-EDIT", "29", "2026-05-25", Line("EDIT-W", 2, 100, 18));
        var sale = Assert.Single(await _books.VouchersAsync(c.Id, "ORD-EDIT", 1));
        var saleNumber = sale.GetProperty("number").GetString()!;
        Assert.Equal(8m, await _books.StockAsync("EDIT-W"));

        // 2 -> 3 units: a debit note for 1 x 100 @ 18 % = 100 + 9 + 9 = 118, one more unit out of stock.
        await _books.UpdateAsync(c, "ORD-EDIT", "2026-05-26", Line("EDIT-W", 3, 100, 18));
        var dn = OfType(await _books.VouchersAsync(c.Id, "ORD-EDIT", 2), "debit-note");
        Assert.Matches(@"^DN/26-27/\d{6}$", dn.GetProperty("number").GetString());
        Assert.Equal(saleNumber, dn.GetProperty("linkedTo").GetString());
        Assert.Equal(100m, Total(dn, "taxable"));
        Assert.Equal(18m, Total(dn, "tax"));
        Assert.Equal(118m, Total(dn, "total"));
        Assert.Equal(1m, dn.GetProperty("lines")[0].GetProperty("quantity").GetDecimal());
        AssertBalanced(dn);
        Assert.Equal(7m, await _books.StockAsync("EDIT-W"));

        // 3 -> 1 unit: a credit note for 2 x 100 = 200 + 18 + 18 = 236, two units back.
        await _books.UpdateAsync(c, "ORD-EDIT", "2026-05-27", Line("EDIT-W", 1, 100, 18));
        var cn = OfType(await _books.VouchersAsync(c.Id, "ORD-EDIT", 3), "credit-note");
        Assert.Matches(@"^CN/26-27/\d{6}$", cn.GetProperty("number").GetString());
        Assert.Equal(236m, Total(cn, "total"));
        var cnJournal = cn.GetProperty("journal").EnumerateArray().ToDictionary(j => j.GetProperty("account").GetString()!, j => (Dr: j.GetProperty("debit").GetDecimal(), Cr: j.GetProperty("credit").GetDecimal()));
        Assert.Equal((0m, 236m), cnJournal["Debtors"]);
        Assert.Equal((200m, 0m), cnJournal["Sales"]);
        Assert.Equal(9m, await _books.StockAsync("EDIT-W"));

        // A price cut on the remaining unit (100 -> 90): credit note for 10 + 0.90 + 0.90 = 11.80, no stock change.
        await _books.UpdateAsync(c, "ORD-EDIT", "2026-05-28", Line("EDIT-W", 1, 90, 18));
        var cut = OfType(await _books.VouchersAsync(c.Id, "ORD-EDIT", 4), "credit-note", 1);
        Assert.Equal(11.80m, Total(cut, "total"));
        Assert.Equal(9m, await _books.StockAsync("EDIT-W"));

        // The same lines again (a new snapshot, not a byte-identical duplicate): nothing posted, the event still settles as posted.
        Assert.Equal(200, await _books.SendAsync(c, "order.updated", new { external_id = "ORD-EDIT", customer_name = "Asha R.", order_date = "2026-05-29", lines = new[] { Line("EDIT-W", 1, 90, 18) } }));
        await HostFixture.Eventually(async () =>
        {
            var list = await host.AdminJsonAsync(HttpMethod.Get, $"/api/manage/connections/{c.Id}/activity?top=50");
            return list.EnumerateArray().Count(e => e.GetProperty("event").GetString() == "order.updated" && e.GetProperty("status").GetString() == "posted") == 4;
        }, "all four updates to be posted");
        var all = await _books.VouchersAsync(c.Id, "ORD-EDIT", 4);
        Assert.Equal(4, all.Length);

        // The original sale never changed; sale + DN - CN = what the order bills now: 1 x 90 + 18 % = 106.20.
        Assert.Equal(236m, Total(await _books.VoucherAsync(saleNumber), "total"));
        var net = all.Sum(v => (v.GetProperty("type").GetString() == "credit-note" ? -1 : 1) * Total(v, "total"));
        Assert.Equal(106.20m, net);
    }

    [Fact]
    public async Task One_edit_can_raise_one_sku_and_lower_another_posting_both_notes()
    {
        var c = await _books.CustomConnectionAsync();
        await _books.OrderAsync(c, "ORD-MIX", "27", "2026-05-25", Line("MIX-A", 2, 100, 18), Line("MIX-B", 2, 50, 5));
        await _books.VouchersAsync(c.Id, "ORD-MIX", 1);
        // A: 2 -> 3 (+100, IGST +18 = 118); B: 2 -> 1 (-50, IGST -2.50 = 52.50).
        await _books.UpdateAsync(c, "ORD-MIX", "2026-05-26", Line("MIX-A", 3, 100, 18), Line("MIX-B", 1, 50, 5));
        var vouchers = await _books.VouchersAsync(c.Id, "ORD-MIX", 3);
        Assert.Equal(118m, Total(OfType(vouchers, "debit-note"), "total"));
        var cn = OfType(vouchers, "credit-note");
        Assert.Equal(52.50m, Total(cn, "total"));
        Assert.Equal(2.50m, Tax(cn.GetProperty("lines")[0], "IGST"));
    }

    [Fact]
    public async Task Refunds_post_credit_notes_taxed_like_the_sale_and_over_refunds_fail_with_the_reason()
    {
        await _books.PutItemAsync("REF-W", "Widget", 10);
        var c = await _books.CustomConnectionAsync();
        await _books.OrderAsync(c, "ORD-REF", "27", "2026-05-25", Line("REF-W", 3, 100, 18));
        var sale = Assert.Single(await _books.VouchersAsync(c.Id, "ORD-REF", 1));
        Assert.Equal(7m, await _books.StockAsync("REF-W"));

        // Refund 1 of 3: the sale's 18 % and its place of supply (27: IGST) -> 100 + 18 = 118; one unit back in stock.
        await _books.RefundAsync(c, "ORD-REF", "RF-1", "2026-05-30", RefundLine("REF-W", 1, 100));
        var cn = OfType(await _books.VouchersAsync(c.Id, "ORD-REF", 2), "credit-note");
        Assert.Equal("RF-1", cn.GetProperty("reference").GetString());
        Assert.Equal(sale.GetProperty("number").GetString(), cn.GetProperty("linkedTo").GetString());
        Assert.Equal("27", cn.GetProperty("placeOfSupply").GetString());
        Assert.Equal(18m, Tax(cn.GetProperty("lines")[0], "IGST"));
        Assert.Equal(118m, Total(cn, "total"));
        Assert.Equal(8m, await _books.StockAsync("REF-W"));

        // 3 more when only 2 are still open: held (kept, not credited: an edit adding units may still come), the activity says why.
        await _books.RefundAsync(c, "ORD-REF", "RF-2", "2026-05-30", RefundLine("REF-W", 3, 100));
        var held = await _books.SettledActivityAsync(c.Id, "ORD-REF / RF-2", "order.refunded");
        Assert.Equal("held", held.GetProperty("status").GetString());
        Assert.Contains("more than the 2 still open", held.GetProperty("reason").GetString());

        // The remaining 2 refund fine: 236; everything back in stock.
        await _books.RefundAsync(c, "ORD-REF", "RF-3", "2026-05-30", RefundLine("REF-W", 2, 100));
        var notes = (await _books.VouchersAsync(c.Id, "ORD-REF", 3)).Where(v => v.GetProperty("type").GetString() == "credit-note").ToList();
        Assert.Equal(2, notes.Count);
        Assert.Equal(236m, Total(notes[1], "total"));
        Assert.Equal(10m, await _books.StockAsync("REF-W"));
    }

    [Fact]
    public async Task Edits_are_dated_when_made_and_an_order_returning_to_an_earlier_state_is_posted_each_time()
    {
        await _books.PutItemAsync("BACK-W", "Widget", 10);
        var c = await _books.CustomConnectionAsync();
        await _books.OrderAsync(c, "ORD-BACK", "29", "2026-05-25", Line("BACK-W", 2, 100, 18));
        Assert.Single(await _books.VouchersAsync(c.Id, "ORD-BACK", 1));

        // 2 -> 3 -> 2 -> 3, each edit with its own updated_at (the last body is otherwise identical to the first edit's).
        Assert.Equal(200, await _books.UpdateAsync(c, "ORD-BACK", "2026-06-01T10:00:00+05:30", Line("BACK-W", 3, 100, 18)));
        await _books.VouchersAsync(c.Id, "ORD-BACK", 2);
        Assert.Equal(200, await _books.UpdateAsync(c, "ORD-BACK", "2026-06-02T10:00:00+05:30", Line("BACK-W", 2, 100, 18)));
        await _books.VouchersAsync(c.Id, "ORD-BACK", 3);
        Assert.Equal(200, await _books.UpdateAsync(c, "ORD-BACK", "2026-06-03T23:30:00+05:30", Line("BACK-W", 3, 100, 18)));
        var all = await _books.VouchersAsync(c.Id, "ORD-BACK", 4);
        Assert.Equal(["sales", "debit-note", "credit-note", "debit-note"], all.Select(v => v.GetProperty("type").GetString()));
        // Each note carries its edit's date as written (the shop's calendar), not the order's.
        Assert.Equal(["2026-05-25", "2026-06-01", "2026-06-02", "2026-06-03"], all.Select(v => v.GetProperty("date").GetString()));
        Assert.Equal(7m, await _books.StockAsync("BACK-W"));

        // The same edit again (same updated_at): 409, nothing posted twice.
        Assert.Equal(409, await _books.UpdateAsync(c, "ORD-BACK", "2026-06-03T23:30:00+05:30", Line("BACK-W", 3, 100, 18)));

        // An edit sent as the seed's SDK does, with only the order id and lines: accepted, and dated the day it arrived.
        var sentOn = DateTime.UtcNow.ToString("yyyy-MM-dd");
        Assert.Equal(200, await _books.SendAsync(c, "order.updated", new { external_id = "ORD-BACK", lines = new[] { Line("BACK-W", 4, 100, 18) } }));
        var sdk = (await _books.VouchersAsync(c.Id, "ORD-BACK", 5))[4];
        Assert.Equal("debit-note", sdk.GetProperty("type").GetString());
        Assert.Contains(sdk.GetProperty("date").GetString(), new[] { sentOn, DateTime.UtcNow.ToString("yyyy-MM-dd") });
        Assert.Equal(6m, await _books.StockAsync("BACK-W"));
    }

    /// <summary>Order ORD-{name} of 2 x {name}-W (stock 10 before), and refund RF-{name} of 3: accepted (200), then held by posting (more than is sold).</summary>
    async Task<(CreatedConnection Connection, JsonElement Refused)> RefusedRefundAsync(string name)
    {
        await _books.PutItemAsync($"{name}-W", "Widget", 10);
        var c = await _books.CustomConnectionAsync();
        await _books.OrderAsync(c, $"ORD-{name}", "29", "2026-05-25", Line($"{name}-W", 2, 100, 18));
        Assert.Single(await _books.VouchersAsync(c.Id, $"ORD-{name}", 1));
        Assert.Equal(200, await _books.RefundAsync(c, $"ORD-{name}", $"RF-{name}", "2026-05-30", RefundLine($"{name}-W", 3, 100)));
        var refused = await _books.SettledActivityAsync(c.Id, $"ORD-{name} / RF-{name}", "order.refunded");
        Assert.Equal("held", refused.GetProperty("status").GetString());
        Assert.Contains("more than the 2 still open", refused.GetProperty("reason").GetString());
        return (c, refused);
    }

    [Fact]
    public async Task A_refund_refused_at_posting_can_be_sent_again_corrected_under_the_same_refund_id()
    {
        var (c, _) = await RefusedRefundAsync("FIX");

        // The corrected refund, same refund_id: accepted again (not 409) and posted: 1 x 100 + 9 + 9 = 118.
        int status = 0;
        await HostFixture.Eventually(async () => (status = await _books.RefundAsync(c, "ORD-FIX", "RF-FIX", "2026-05-30", RefundLine("FIX-W", 1, 100))) != 409,
            "the refused refund's key to be freed");
        Assert.Equal(200, status);
        var cn = OfType(await _books.VouchersAsync(c.Id, "ORD-FIX", 2), "credit-note");
        Assert.Equal(118m, Total(cn, "total"));
        Assert.Equal(9m, await _books.StockAsync("FIX-W"));

        // Once posted, the same refund is a duplicate as always, and nothing posts twice.
        Assert.Equal(409, await _books.RefundAsync(c, "ORD-FIX", "RF-FIX", "2026-05-30", RefundLine("FIX-W", 1, 100)));
        await Task.Delay(300);
        Assert.Equal(2, (await _books.VouchersAsync(c.Id, "ORD-FIX", 2)).Length);
        Assert.Equal(9m, await _books.StockAsync("FIX-W"));
    }

    [Fact]
    public async Task A_held_refund_is_credited_when_an_edit_brings_the_units_and_a_replay_of_it_posts_nothing_more()
    {
        var (c, held) = await RefusedRefundAsync("RPL");

        // The order is corrected to 3 units, edited before the refund was made (26 vs 30 May): a debit note for one unit,
        // and the held refund of 3 now fits: its credit note of 354 posts with the edit, and its entry says posted.
        await _books.UpdateAsync(c, "ORD-RPL", "2026-05-26", Line("RPL-W", 3, 100, 18));
        var all = await _books.VouchersAsync(c.Id, "ORD-RPL", 3);
        Assert.Equal(["sales", "debit-note", "credit-note"], all.Select(v => v.GetProperty("type").GetString()));
        Assert.Equal(354m, Total(all[2], "total"));
        Assert.Equal(10m, await _books.StockAsync("RPL-W"));
        var key = held.GetProperty("key").GetString();
        await HostFixture.Eventually(async () => (await host.AdminJsonAsync(HttpMethod.Get, $"/api/manage/connections/{c.Id}/activity?top=200")).EnumerateArray()
            .Any(e => e.GetProperty("key").GetString() == key && e.GetProperty("status").GetString() == "posted"), "the held refund's entry to say posted");

        // Replaying it from the activity log changes nothing: it is in the books once.
        await host.AdminJsonAsync(HttpMethod.Post, $"/api/manage/connections/{c.Id}/activity/{key}/replay");
        await Task.Delay(1000);
        Assert.Equal(3, (await _books.VouchersAsync(c.Id, "ORD-RPL", 3)).Length);
        Assert.Equal(10m, await _books.StockAsync("RPL-W"));
    }

    [Fact]
    public async Task A_refund_that_arrives_before_its_sale_waits_and_posts_once_the_sale_exists()
    {
        await _books.PutItemAsync("OOO-W", "Widget", 10);
        var c = await _books.CustomConnectionAsync();
        await _books.RefundAsync(c, "ORD-OOO", "RF-OOO", "2026-05-30", RefundLine("OOO-W", 1, 100));
        // The refund is retried after the visibility timeout; meanwhile the sale arrives.
        await Task.Delay(500);
        await _books.OrderAsync(c, "ORD-OOO", "29", "2026-05-25", Line("OOO-W", 2, 100, 18));
        var vouchers = await _books.VouchersAsync(c.Id, "ORD-OOO", 2, TimeSpan.FromSeconds(40));
        Assert.Equal(["sales", "credit-note"], vouchers.Select(v => v.GetProperty("type").GetString()));
        Assert.Equal(118m, Total(vouchers[1], "total"));
        Assert.Equal(9m, await _books.StockAsync("OOO-W"));
        Assert.Equal("posted", (await _books.SettledActivityAsync(c.Id, "ORD-OOO / RF-OOO", "order.refunded")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task The_trial_balance_sums_every_voucher_per_account_and_balances()
    {
        var c = await _books.CustomConnectionAsync();
        await _books.OrderAsync(c, "ORD-TB", "29", "2026-05-25", Line("TB-1", 1, 100, 18));
        await _books.VouchersAsync(c.Id, "ORD-TB", 1);
        var tb = await host.AdminJsonAsync(HttpMethod.Get, "/api/manage/trial-balance");
        Assert.True(tb.GetProperty("balanced").GetBoolean());
        Assert.True(tb.GetProperty("vouchers").GetInt32() >= 1);
        var accounts = tb.GetProperty("accounts").EnumerateArray().ToDictionary(a => a.GetProperty("account").GetString()!, a => a.GetProperty("balance").GetDecimal());
        Assert.True(accounts["Debtors"] >= 118m);
        Assert.Equal(0m, accounts.Values.Sum());
        Assert.Equal(tb.GetProperty("debit").GetDecimal(), tb.GetProperty("credit").GetDecimal());
    }

    [Fact]
    public async Task A_refund_before_its_sale_is_held_with_that_reason_and_credited_when_the_sale_arrives()
    {
        await _books.PutItemAsync("EARLY-W", "Widget", 10);
        var c = await _books.CustomConnectionAsync();
        await _books.RefundAsync(c, "ORD-EARLY", "RF-EARLY", "2026-05-30", RefundLine("EARLY-W", 1, 100));
        var held = await _books.SettledActivityAsync(c.Id, "ORD-EARLY / RF-EARLY", "order.refunded");
        Assert.Equal("held", held.GetProperty("status").GetString());
        Assert.StartsWith("Waiting for the sale of order ORD-EARLY", held.GetProperty("reason").GetString());
        Assert.Equal(10m, await _books.StockAsync("EARLY-W"));

        // The sale arrives: its voucher and the refund's credit note post together, linked to it; one unit stays sold.
        await _books.OrderAsync(c, "ORD-EARLY", "29", "2026-05-25", Line("EARLY-W", 2, 100, 18));
        var all = await _books.VouchersAsync(c.Id, "ORD-EARLY", 2);
        Assert.Equal(["sales", "credit-note"], all.Select(v => v.GetProperty("type").GetString()));
        Assert.Equal(all[0].GetProperty("number").GetString(), all[1].GetProperty("linkedTo").GetString());
        Assert.Equal("RF-EARLY", all[1].GetProperty("reference").GetString());
        Assert.Equal("2026-05-30", all[1].GetProperty("date").GetString());
        Assert.Equal(118m, Total(all[1], "total"));
        Assert.Equal(9m, await _books.StockAsync("EARLY-W"));
    }
}
