using System.Net;
using System.Text;
using System.Text.Json;
using Connectors.Activity;
using Connectors.Ingest;
using Connectors.Tests.Fixtures;

namespace Connectors.Tests.Sources.WooCommerce;

/// <summary>WooCommerce deliveries over real HTTP into the real host and Azurite.</summary>
public sealed class WooDeliveryTests(IngestOnlyHostFixture host) : IClassFixture<IngestOnlyHostFixture>
{


    static string Status(JsonElement body) => body.GetProperty("status").GetString()!;

    [Fact]
    public async Task The_ping_gets_exactly_200_even_with_a_secret_set_and_is_logged()
    {
        var c = await host.CreateConnectionAsync("woocommerce");
        await host.AdminJsonAsync(HttpMethod.Put, $"/api/manage/connections/{c.Id}", new { webhookSecret = "woo-secret" });
        var request = new HttpRequestMessage(HttpMethod.Post, c.Path) { Content = new ByteArrayContent(ShopSamples.Bytes("woocommerce", "ping.txt")) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-www-form-urlencoded");
        var (status, body) = await host.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("ok", Status(body));
        var entry = Assert.Single(await host.Service<ActivityLog>().ListAsync(c.Id, 10, default));
        Assert.Equal(ActivityStatus.Ping, entry.Status);
        Assert.Empty(await host.QueuedForAsync(c.Id));
    }

    [Fact]
    public async Task The_seed_curl_body_without_topic_or_signature_is_accepted_as_a_sale()
    {
        var c = await host.CreateConnectionAsync("woocommerce");
        var (status, body) = await host.SendAsync(SignedRequests.Json(c.Path, ShopSamples.Bytes("woocommerce", "no-topic--seed-002.json")));
        Assert.Equal((HttpStatusCode.OK, "accepted"), (status, Status(body)));
        var e = Assert.Single(await host.QueuedForAsync(c.Id));
        Assert.Equal((EventKind.Sale, "9999", "woo:42"), (e.Kind, e.ExternalId, e.Lines[0].Sku));
    }

    [Fact]
    public async Task Signed_deliveries_verify_and_bad_ones_get_401()
    {
        var c = await host.CreateConnectionAsync("woocommerce");
        await host.AdminJsonAsync(HttpMethod.Put, $"/api/manage/connections/{c.Id}", new { webhookSecret = "woo-secret" });
        var bytes = ShopSamples.Bytes("woocommerce", "order-created.json");
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.SendAsync(ShopSamples.Woo(c.Path, "order.created", bytes, "not-it"))).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.SendAsync(ShopSamples.Woo(c.Path, "order.created", bytes))).Status);
        Assert.Equal("accepted", Status((await host.SendAsync(ShopSamples.Woo(c.Path, "order.created", bytes, "woo-secret"))).Body));
    }

    [Fact]
    public async Task Products_arrive_on_producto_and_product()
    {
        var c = await host.CreateConnectionAsync("woocommerce");
        var bytes = ShopSamples.Bytes("woocommerce", "product-updated.json");
        Assert.Equal("accepted", Status((await host.SendAsync(ShopSamples.Woo(c.Path + "/producto", "product.updated", bytes))).Body));
        var changed = ShopSamples.Edited("woocommerce", "product-updated.json", p => { p["stock_quantity"] = 39; p["date_modified_gmt"] = "2017-03-24T12:20:00"; });
        Assert.Equal("accepted", Status((await host.SendAsync(ShopSamples.Woo(c.Path + "/product", "product.updated", changed))).Body));
        var stock = (await host.QueuedForAsync(c.Id)).Select(e => e.Lines[0].StockLevel).Order().ToList();
        Assert.Equal([39m, 40m], stock);
    }

    [Fact]
    public async Task Duplicates_unknown_topics_and_unmappable_bodies_are_all_200()
    {
        var c = await host.CreateConnectionAsync("woocommerce");
        var bytes = ShopSamples.Bytes("woocommerce", "order-created.json");
        Assert.Equal("accepted", Status((await host.SendAsync(ShopSamples.Woo(c.Path, "order.created", bytes, deliveryId: "dup-1"))).Body));
        // The same order again (a new delivery id): its business key (sale|id) makes it a duplicate.
        var (status, body) = await host.SendAsync(ShopSamples.Woo(c.Path, "order.created", bytes));
        Assert.Equal((HttpStatusCode.OK, "duplicate"), (status, Status(body)));
        // Another order with the same delivery id, as two deliveries of one webhook in the same second get: accepted.
        var other = ShopSamples.Edited("woocommerce", "order-created.json", o => o["id"] = 728);
        (status, body) = await host.SendAsync(ShopSamples.Woo(c.Path, "order.created", other, deliveryId: "dup-1"));
        Assert.Equal((HttpStatusCode.OK, "accepted"), (status, Status(body)));

        (status, body) = await host.SendAsync(ShopSamples.Woo(c.Path, "coupon.created", Encoding.UTF8.GetBytes("""{"id":720,"code":"free shipping"}""")));
        Assert.Equal((HttpStatusCode.OK, "ignored"), (status, Status(body)));

        (status, body) = await host.SendAsync(ShopSamples.Woo(c.Path, "order.created", ShopSamples.Edited("woocommerce", "order-created.json", o => o["line_items"]![0]!["quantity"] = "two")));
        Assert.Equal((HttpStatusCode.OK, "unprocessable"), (status, Status(body)));
        var failed = (await host.Service<ActivityLog>().ListAsync(c.Id, 10, default)).Single(a => a.Status == ActivityStatus.Failed);
        Assert.Contains("line_items[0].quantity", failed.Reason);

        // Pending orders are recorded (200 "recorded"), not queued.
        (status, body) = await host.SendAsync(ShopSamples.Woo(c.Path, "order.created", ShopSamples.Bytes("woocommerce", "order-created--on-hold.json")));
        Assert.Equal((HttpStatusCode.OK, "recorded"), (status, Status(body)));
        Assert.Equal(["727", "728"], (await host.QueuedForAsync(c.Id)).Select(e => e.ExternalId).Order());
    }

    [Fact]
    public async Task An_order_update_with_refunds_queues_the_sale_and_its_snapshot_carrying_each_refund_once()
    {
        var c = await host.CreateConnectionAsync("woocommerce");
        var bytes = ShopSamples.Bytes("woocommerce", "order-updated--refunds.json");
        var (_, body) = await host.SendAsync(ShopSamples.Woo(c.Path, "order.updated", bytes));
        Assert.Equal(2, body.GetProperty("eventIds").GetArrayLength());
        // A later update listing the same refunds queues nothing new.
        (_, body) = await host.SendAsync(ShopSamples.Woo(c.Path, "order.updated", bytes));
        Assert.Equal("duplicate", Status(body));
        var queued = await host.QueuedForAsync(c.Id);
        Assert.Equal(["724", "726"], queued.Single(e => e.Kind == EventKind.Update).Refunds.Select(e => e.RefundId!).Order());
        // Two events, one body: archived once in a row of its own, not on any one event's claim.
        Assert.Single(queued.Select(e => e.RawBlob).Distinct());
        Assert.StartsWith("table:", queued[0].RawBlob);
    }
}
