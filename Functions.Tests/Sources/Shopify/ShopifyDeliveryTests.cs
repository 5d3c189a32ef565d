using System.Net;
using System.Text;
using System.Text.Json;
using Connectors.Activity;
using Connectors.Ingest;
using Connectors.Tests.Fixtures;

namespace Connectors.Tests.Sources.Shopify;

/// <summary>Shopify deliveries over real HTTP into the real host and Azurite: the answers Shopify must get.</summary>
public sealed class ShopifyDeliveryTests(IngestOnlyHostFixture host) : IClassFixture<IngestOnlyHostFixture>
{


    async Task<CreatedConnection> WithSecretAsync(string secret)
    {
        var c = await host.CreateConnectionAsync("shopify");
        await host.AdminJsonAsync(HttpMethod.Put, $"/api/manage/connections/{c.Id}", new { webhookSecret = secret });
        return c;
    }

    static string Status(JsonElement body) => body.GetProperty("status").GetString()!;

    [Fact]
    public async Task A_signed_order_is_accepted_and_queued_as_the_sale()
    {
        var c = await WithSecretAsync("shpss_host_1");
        Assert.Contains("/api/shopify/", c.DeliveryUrl);
        var (status, body) = await host.SendAsync(ShopSamples.Shopify(c.Path, "orders/create", ShopSamples.Bytes("shopify", "orders-create.json"), "shpss_host_1"));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("accepted", Status(body));
        var e = Assert.Single(await host.QueuedForAsync(c.Id));
        Assert.Equal((EventKind.Sale, "450789469", "shopify"), (e.Kind, e.ExternalId, e.Platform));
        Assert.Equal(3, e.Lines.Count);
    }

    [Fact]
    public async Task Bad_or_missing_signatures_get_401_when_a_secret_is_set()
    {
        var c = await WithSecretAsync("shpss_host_2");
        var bytes = ShopSamples.Bytes("shopify", "orders-create.json");
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.SendAsync(ShopSamples.Shopify(c.Path, "orders/create", bytes, "wrong"))).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.SendAsync(ShopSamples.Shopify(c.Path, "orders/create", bytes))).Status);
        Assert.Empty(await host.QueuedForAsync(c.Id));
    }

    [Fact]
    public async Task An_unknown_token_or_another_platforms_token_gets_404()
    {
        var bytes = ShopSamples.Bytes("shopify", "orders-create.json");
        var (status, body) = await host.SendAsync(ShopSamples.Shopify("/api/shopify/not-a-real-token-0123456789", "orders/create", bytes));
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.DoesNotContain("not-a-real-token", body.GetRawText());
        var woo = await host.CreateConnectionAsync("woocommerce");
        var token = woo.Path.Split('/')[^1];
        Assert.Equal(HttpStatusCode.NotFound, (await host.SendAsync(ShopSamples.Shopify("/api/shopify/" + token, "orders/create", bytes))).Status);
    }

    [Fact]
    public async Task A_repeated_webhook_id_or_the_same_order_again_is_200_duplicate()
    {
        var c = await host.CreateConnectionAsync("shopify");
        var bytes = ShopSamples.Bytes("shopify", "orders-create.json");
        Assert.Equal("accepted", Status((await host.SendAsync(ShopSamples.Shopify(c.Path, "orders/create", bytes, webhookId: "same-id"))).Body));
        var (status, body) = await host.SendAsync(ShopSamples.Shopify(c.Path, "orders/create", bytes, webhookId: "same-id"));
        Assert.Equal((HttpStatusCode.OK, "duplicate"), (status, Status(body)));
        // A new delivery id with the same order: the business key (sale|id) catches it.
        (status, body) = await host.SendAsync(ShopSamples.Shopify(c.Path, "orders/create", bytes, webhookId: "other-id"));
        Assert.Equal((HttpStatusCode.OK, "duplicate"), (status, Status(body)));
        Assert.Single(await host.QueuedForAsync(c.Id));
    }

    [Fact]
    public async Task An_unknown_topic_is_200_ignored()
    {
        var c = await host.CreateConnectionAsync("shopify");
        var (status, body) = await host.SendAsync(ShopSamples.Shopify(c.Path, "customers/create", Encoding.UTF8.GetBytes("""{"id":706405506930370084,"email":"bob@biller.com"}""")));
        Assert.Equal((HttpStatusCode.OK, "ignored"), (status, Status(body)));
        Assert.Empty(await host.QueuedForAsync(c.Id));
    }

    [Fact]
    public async Task An_unmappable_order_is_200_unprocessable_archived_and_failed_in_the_activity()
    {
        var c = await host.CreateConnectionAsync("shopify");
        var bytes = ShopSamples.Edited("shopify", "orders-create.json", o => o["line_items"]![1]!["price"] = "12,50");
        var (status, body) = await host.SendAsync(ShopSamples.Shopify(c.Path, "orders/create", bytes));
        Assert.Equal((HttpStatusCode.OK, "unprocessable"), (status, Status(body)));
        Assert.Contains("line_items[1].price", body.GetProperty("error").GetString());
        var entry = Assert.Single(await host.Service<ActivityLog>().ListAsync(c.Id, 10, default));
        Assert.Equal(ActivityStatus.Failed, entry.Status);
        Assert.Contains("line_items[1].price", entry.Reason);
        Assert.Equal("450789469", entry.ExternalId);
        Assert.False(string.IsNullOrEmpty(entry.RawBlob));
        Assert.Empty(await host.QueuedForAsync(c.Id));
    }

    [Fact]
    public async Task An_archived_delivery_replays_with_its_topic_and_ids()
    {
        var c = await host.CreateConnectionAsync("shopify");
        var bad = ShopSamples.Edited("shopify", "orders-create.json", o => o["line_items"]![0]!["quantity"] = "one");
        Assert.Equal("unprocessable", Status((await host.SendAsync(ShopSamples.Shopify(c.Path, "orders/create", bad))).Body));
        var failed = Assert.Single(await host.Service<ActivityLog>().ListAsync(c.Id, 10, default));
        // The replay maps the archived copy again: the topic header was kept with it (the signature was not).
        var replayed = await host.AdminJsonAsync(HttpMethod.Post, $"/api/manage/connections/{c.Id}/activity/{failed.Key}/replay");
        Assert.Equal("unprocessable", Status(replayed));
        Assert.Contains("line_items[0].quantity", replayed.GetProperty("error").GetString());

        Assert.Equal("accepted", Status((await host.SendAsync(ShopSamples.Shopify(c.Path, "orders/create", ShopSamples.Bytes("shopify", "orders-create.json")))).Body));
        var accepted = (await host.Service<ActivityLog>().ListAsync(c.Id, 10, default)).First(a => a.Status == ActivityStatus.Accepted);
        Assert.Equal("duplicate", Status(await host.AdminJsonAsync(HttpMethod.Post, $"/api/manage/connections/{c.Id}/activity/{accepted.Key}/replay")));
    }

    [Fact]
    public async Task A_refund_and_a_product_update_are_queued_with_their_own_keys()
    {
        var c = await host.CreateConnectionAsync("shopify");
        Assert.Equal("accepted", Status((await host.SendAsync(ShopSamples.Shopify(c.Path, "refunds/create", ShopSamples.Bytes("shopify", "refunds-create.json")))).Body));
        Assert.Equal("accepted", Status((await host.SendAsync(ShopSamples.Shopify(c.Path, "products/update", ShopSamples.Bytes("shopify", "products-update.json")))).Body));
        var kinds = (await host.QueuedForAsync(c.Id)).Select(e => e.Kind).Order().ToList();
        Assert.Equal([EventKind.Refund, EventKind.Product], kinds);
    }
}
