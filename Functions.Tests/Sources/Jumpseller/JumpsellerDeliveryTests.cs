using System.Text;
using Connectors.Tests.Fixtures;
using static Connectors.Tests.Sources.PlatformSamples;

namespace Connectors.Tests.Sources.Jumpseller;

/// <summary>Jumpseller deliveries through the real host: store lookup, HMAC, and the 200 answers Jumpseller needs.</summary>
public sealed class JumpsellerDeliveryTests(IngestOnlyHostFixture host) : IClassFixture<IngestOnlyHostFixture>
{
    const string HooksToken = "jumpseller-hooks-token-0123";

    async Task<string> StoreAsync()
    {
        var code = "store" + Guid.NewGuid().ToString("N")[..8];
        await host.CreateConnectionAsync("jumpseller", extra: new { storeCode = code, hooksToken = HooksToken });
        return code;
    }

    static string Order(string file, int id) => Edit("jumpseller", file, o => o["order"]!["id"] = id);

    async Task<(int Http, string Status)> SendAsync(HttpRequestMessage request)
    {
        using var response = await host.Http.SendAsync(request);
        var (http, status, _) = await AnswerAsync(response);
        return (http, status);
    }

    [Fact]
    public async Task A_signed_order_paid_is_accepted_once_and_then_answered_duplicate()
    {
        var store = await StoreAsync();
        var body = Order("order_paid.json", 70001);
        Assert.Equal((200, "accepted"), await SendAsync(JumpsellerRequests.Signed(store, HooksToken, "order_paid", body)));
        // Jumpseller's retries (and order_shipped with status Paid) carry the same sale.
        Assert.Equal((200, "duplicate"), await SendAsync(JumpsellerRequests.Signed(store, HooksToken, "order_paid", body)));
        Assert.Equal((200, "duplicate"), await SendAsync(JumpsellerRequests.Signed(store, HooksToken, "order_shipped", Order("order_shipped.json", 70001))));
    }

    [Fact]
    public async Task The_store_code_header_is_matched_without_case()
    {
        var store = await StoreAsync();
        Assert.Equal((200, "accepted"), await SendAsync(JumpsellerRequests.Signed(store.ToUpperInvariant(), HooksToken, "order_paid", Order("order_paid.json", 70002))));
    }

    [Fact]
    public async Task A_wrong_token_a_changed_byte_or_no_signature_is_401()
    {
        var store = await StoreAsync();
        var body = Encoding.UTF8.GetBytes(Order("order_paid.json", 70003));
        var good = SignedRequests.Base64Hmac(HooksToken, body);
        Assert.Equal(401, (await SendAsync(JumpsellerRequests.Signed(store, "order_paid", body, SignedRequests.Base64Hmac("not-the-token", body)))).Http);
        var changed = (byte[])body.Clone();
        changed[body.Length / 2] ^= 1;
        Assert.Equal(401, (await SendAsync(JumpsellerRequests.Signed(store, "order_paid", changed, good))).Http);
        Assert.Equal(401, (await SendAsync(JumpsellerRequests.Signed(store, "order_paid", body, null))).Http);
        Assert.Equal(401, (await SendAsync(JumpsellerRequests.Signed(store, "order_paid", body, "not base64!"))).Http);
        // The untouched delivery still goes through: nothing above was recorded as received.
        Assert.Equal((200, "accepted"), await SendAsync(JumpsellerRequests.Signed(store, "order_paid", body, good)));
    }

    [Fact]
    public async Task An_unknown_or_missing_store_code_is_404()
    {
        var body = Order("order_paid.json", 70004);
        Assert.Equal(404, (await SendAsync(JumpsellerRequests.Signed("no-such-store", HooksToken, "order_paid", body))).Http);
        var bytes = Encoding.UTF8.GetBytes(body);
        var noStore = SignedRequests.Json(JumpsellerRequests.Path, bytes, ("Jumpseller-Event", "order_paid"), ("Jumpseller-Hmac-Sha256", SignedRequests.Base64Hmac(HooksToken, bytes)));
        Assert.Equal(404, (await SendAsync(noStore)).Http);
    }

    [Fact]
    public async Task Other_events_are_ignored_pending_orders_recorded_and_unreadable_orders_unprocessable()
    {
        var store = await StoreAsync();
        Assert.Equal((200, "ignored"), await SendAsync(JumpsellerRequests.Signed(store, HooksToken, "customer_created", Text("jumpseller", "customer_created.json"))));
        Assert.Equal((200, "recorded"), await SendAsync(JumpsellerRequests.Signed(store, HooksToken, "order_pending_payment", Order("order_pending_payment.json", 70005))));
        var broken = Edit("jumpseller", "order_paid.json", o => { o["order"]!["id"] = 70006; o["order"]!.AsObject().Remove("products"); });
        Assert.Equal((200, "unprocessable"), await SendAsync(JumpsellerRequests.Signed(store, HooksToken, "order_paid", broken)));
        Assert.Equal((200, "unprocessable"), await SendAsync(JumpsellerRequests.Signed(store, HooksToken, "order_paid", "{not json")));
    }

    [Fact]
    public async Task Order_updated_queues_the_snapshot_once_and_a_product_event_once()
    {
        var store = await StoreAsync();
        var paid = Order("order_updated.json", 70007);
        Assert.Equal((200, "accepted"), await SendAsync(JumpsellerRequests.Signed(store, HooksToken, "order_updated", paid)));
        Assert.Equal((200, "duplicate"), await SendAsync(JumpsellerRequests.Signed(store, HooksToken, "order_updated", paid)));
        var product = Text("jumpseller", "product_updated.json");
        Assert.Equal((200, "accepted"), await SendAsync(JumpsellerRequests.Signed(store, HooksToken, "product_updated", product)));
        Assert.Equal((200, "duplicate"), await SendAsync(JumpsellerRequests.Signed(store, HooksToken, "product_updated", product)));
    }

    [Fact]
    public async Task An_unprocessable_delivery_is_archived_with_its_event_header_and_can_be_replayed()
    {
        var store = await StoreAsync();
        var connection = (await host.AdminJsonAsync(HttpMethod.Get, "/api/manage/connections")).EnumerateArray()
            .Single(c => c.GetProperty("storeCode").GetString() == store).GetProperty("id").GetString()!;
        var broken = Edit("jumpseller", "order_paid.json", o => { o["order"]!["id"] = 70008; o["order"]!["products"]![0]!["qty"] = -1; });
        Assert.Equal((200, "unprocessable"), await SendAsync(JumpsellerRequests.Signed(store, HooksToken, "order_paid", broken)));
        var entry = (await host.AdminJsonAsync(HttpMethod.Get, $"/api/manage/connections/{connection}/activity")).EnumerateArray()
            .Single(e => e.GetProperty("status").GetString() == "failed");
        Assert.Equal("70008", entry.GetProperty("externalId").GetString());
        Assert.Contains("order.products[0].qty", entry.GetProperty("reason").GetString());
        // The replay maps the archived body again with its Jumpseller-Event header (the signature is not kept, nor needed).
        var replay = await host.AdminJsonAsync(HttpMethod.Post, $"/api/manage/connections/{connection}/activity/{entry.GetProperty("key").GetString()}/replay");
        Assert.Equal("unprocessable", replay.GetProperty("status").GetString());
        Assert.Contains("order.products[0].qty", replay.GetProperty("error").GetString());
    }
}
