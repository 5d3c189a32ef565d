using System.Net;
using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;
using Connectors.Connections;
using Connectors.Protection;
using Connectors.Reliability.Routes;
using Connectors.Reliability.Security;
using Connectors.Storage;
using Connectors.Tests.Fixtures;

namespace Connectors.Tests.Protection;

/// <summary>
/// Connection secrets in the Connections table are Data Protection ciphertexts: a dump of every table, blob and queued
/// message after connections of every platform and real deliveries finds none of them (nor any URL token) in clear,
/// and a row written in clear by an older version is read as it is and rewritten encrypted on first use.
/// </summary>
public sealed class ConnectionSecretsAtRestTests(IngestOnlyHostFixture host) : IClassFixture<IngestOnlyHostFixture>
{
    static string NewSecret(string prefix) => prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    [Fact]
    public async Task A_dump_of_every_table_row_blob_and_message_holds_no_secret_or_token_in_clear()
    {
        var values = new List<(string, string)>();
        var custom = await host.CreateConnectionAsync("custom", "at-rest custom");
        values.Add(("custom signing secret", custom.SigningSecret!));
        var (status, _) = await host.SendAsync(SignedRequests.Custom(custom.Path, custom.SigningSecret!, "order.created", CustomOrders.Created("REST-1")));
        Assert.Equal(HttpStatusCode.OK, status);
        var rotated = await host.AdminJsonAsync(HttpMethod.Post, $"/api/manage/connections/{custom.Id}/rotate");
        values.Add(("rotated signing secret", rotated.GetProperty("signingSecret").GetString()!));

        var shopifySecret = NewSecret("shpss_");
        var shopify = await host.CreateConnectionAsync("shopify", "at-rest shopify", new { webhookSecret = shopifySecret });
        values.Add(("shopify secret", shopifySecret));
        values.Add(("shopify token", shopify.Path.Split('/')[^1]));
        (status, _) = await host.SendAsync(ShopSamples.Shopify(shopify.Path, "orders/create", ShopSamples.Bytes("shopify", "orders-create.json"), shopifySecret));
        Assert.Equal(HttpStatusCode.OK, status);

        var wooSecret = NewSecret("wc_");
        var woo = await host.CreateConnectionAsync("woocommerce", "at-rest woo", new { webhookSecret = wooSecret });
        values.Add(("woocommerce secret", wooSecret));
        values.Add(("woocommerce token", woo.Path.Split('/')[^1]));
        var wooBody = ShopSamples.Bytes("woocommerce", "order-created.json");
        (status, _) = await host.SendAsync(SignedRequests.Json(woo.Path, wooBody, ("X-WC-Webhook-Topic", "order.created"), ("X-WC-Webhook-Signature", SignedRequests.Base64Hmac(wooSecret, wooBody))));
        Assert.Equal(HttpStatusCode.OK, status);

        var hooksToken = NewSecret("js_");
        await host.CreateConnectionAsync("jumpseller", "at-rest jumpseller", new { storeCode = "at-rest-store", hooksToken });
        values.Add(("jumpseller hooks token", hooksToken));
        var selldone = await host.CreateConnectionAsync("selldone", "at-rest selldone");
        values.Add(("selldone token", selldone.Path.Split('/')[^1]));
        var booktoSecret = NewSecret("bk_");
        var bookto = await host.CreateConnectionAsync("bookto", "at-rest bookto", new { webhookSecret = booktoSecret });
        values.Add(("bookto secret", booktoSecret));
        var booktoBody = ShopSamples.Bytes("bookto", "order.paid.json");
        (status, _) = await host.SendAsync(SignedRequests.Json(bookto.Path, booktoBody, [("X-Bookto-Event", "order.paid"), .. SourceRoutes.BooktoSignature(booktoSecret, booktoBody, DateTimeOffset.UtcNow)]));
        Assert.Equal(HttpStatusCode.OK, status);
        await host.Service<Connectors.Ingest.Outbox>().WhenRelayedAsync();

        var dump = await StorageDump.OfAccountAsync(host.Storage);
        Assert.Empty(StorageDump.Find(dump, values));
        // Controls: the dump did read the Connections rows, the raw archive and the key ring.
        Assert.Contains(dump, p => p.Where.StartsWith("table Connections", StringComparison.Ordinal) && p.Text.Contains("at-rest bookto"));
        Assert.Contains(dump, p => p.Text.Contains("REST-1"));
        Assert.Contains(dump, p => p.Where.StartsWith("blob data-protection/", StringComparison.Ordinal) && p.Text.Contains("<key id="));
        // And the secrets still work: every one is readable back through the store.
        var store = new ConnectionStore(host.Storage, TimeProvider.System, host.Service<SecretProtection>());
        Assert.Equal(booktoSecret, (await store.GetAsync(bookto.Id, default))!.WebhookSecret);
    }

    [Fact]
    public async Task A_connection_written_in_clear_is_read_and_rewritten_encrypted_on_first_use()
    {
        var table = host.Storage.Table(TableNames.Connections);
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var signingSecret = Secrets.NewSigningSecret();
        var previous = Secrets.NewSigningSecret();
        // The layout before encryption: the secrets as plain strings.
        await table.AddEntityAsync(new TableEntity("connection", id)
        {
            ["Id"] = id, ["Platform"] = "custom", ["Name"] = "written in clear", ["CreatedAt"] = DateTimeOffset.UtcNow.AddDays(-30),
            ["SigningSecret"] = signingSecret, ["PreviousSigningSecret"] = previous, ["PreviousSigningSecretUntil"] = DateTimeOffset.UtcNow.AddHours(1),
        });

        var (status, body) = await host.SendAsync(SignedRequests.Custom($"/api/custom/{id}", signingSecret, "order.created", CustomOrders.Created("CLEAR-1")));
        Assert.True(status == HttpStatusCode.OK, body.GetRawText());

        var row = (await table.GetEntityAsync<TableEntity>("connection", id)).Value;
        foreach (var field in new[] { "SigningSecret", "PreviousSigningSecret" })
            Assert.True(SecretProtection.IsProtected(row.GetString(field)), $"{field} is still in clear: {row.GetString(field)?[..6]}…");
        Assert.DoesNotContain(signingSecret, string.Join("|", row.Select(p => p.Value)));
        Assert.DoesNotContain(previous, string.Join("|", row.Select(p => p.Value)));
        Assert.Equal("written in clear", row.GetString("Name"));

        // Another instance (a fresh store, no cache) reads the rewritten row: both secrets still verify.
        var store = new ConnectionStore(host.Storage, TimeProvider.System, host.Service<SecretProtection>());
        var read = (await store.GetAsync(id, default))!;
        Assert.Equal(signingSecret, read.SigningSecret);
        Assert.Equal(previous, read.PreviousSigningSecret);
        (status, body) = await host.SendAsync(SignedRequests.Custom($"/api/custom/{id}", previous, "order.created", CustomOrders.Created("CLEAR-2")));
        Assert.True(status == HttpStatusCode.OK, body.GetRawText());
        Assert.Equal(row.ETag, (await table.GetEntityAsync<TableEntity>("connection", id)).Value.ETag); // rewritten once, not on every read
    }
}
