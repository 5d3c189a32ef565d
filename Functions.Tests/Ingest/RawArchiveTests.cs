using System.Net;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs.Models;
using Connectors.Activity;
using Connectors.Ingest;
using Connectors.Storage;
using Connectors.Tests.Fixtures;
using Microsoft.AspNetCore.Http;

namespace Connectors.Tests.Ingest;

/// <summary>
/// Small bodies are archived as table rows (on the receipt claim when the delivery carries one event), large ones as
/// blobs, and all (and blob references written before the
/// table existed) load back with their kept headers, never the signatures; archived deliveries replay from either.
/// </summary>
public sealed class RawArchiveTests(IngestOnlyHostFixture host) : IClassFixture<IngestOnlyHostFixture>
{
    RawArchive Archive => host.Service<RawArchive>();
    static readonly DateTimeOffset At = new(2026, 6, 1, 10, 0, 0, TimeSpan.Zero);

    static HeaderDictionary Headers() => new()
    {
        ["Content-Type"] = "application/json",
        ["X-Shopify-Topic"] = "orders/create",
        ["X-Shopify-Hmac-Sha256"] = "c2lnbmF0dXJl",
        ["X-Connectors-Signature"] = "abc123",
        ["Authorization"] = "Bearer nope",
    };

    static byte[] Body(int size)
    {
        var body = new byte[size];
        Random.Shared.NextBytes(body);
        return body;
    }

    static void AssertKeptHeaders(IHeaderDictionary headers)
    {
        Assert.Equal("application/json", headers.ContentType.ToString());
        Assert.Equal("orders/create", headers["X-Shopify-Topic"].ToString());
        Assert.False(headers.ContainsKey("X-Shopify-Hmac-Sha256"));
        Assert.False(headers.ContainsKey("X-Connectors-Signature"));
        Assert.False(headers.ContainsKey("Authorization"));
    }

    [Fact]
    public async Task A_small_body_is_a_table_row_and_loads_back_with_its_headers_but_no_signature()
    {
        var connection = "raw-" + Guid.NewGuid().ToString("N")[..8];
        var body = Body(RawArchive.MaxTableBodyBytes);

        var reference = await Archive.SaveAsync(connection, "k1", At, body, Headers(), CancellationToken.None);

        Assert.Equal($"table:{RawArchive.PartitionFor(connection, At)}/k1", reference);
        var row = (await host.Storage.Table(TableNames.RawDeliveries).GetEntityAsync<TableEntity>(RawArchive.PartitionFor(connection, At), "k1")).Value;
        Assert.DoesNotContain("abc123", row.GetString("Headers"));
        Assert.DoesNotContain("c2lnbmF0dXJl", row.GetString("Headers"));
        Assert.False(await host.Storage.Container(ContainerNames.Raw).GetBlobClient(RawArchive.NameFor(connection, "k1", At)).ExistsAsync());
        var (loaded, headers) = await Archive.LoadAsync(reference, CancellationToken.None);
        Assert.Equal(body, loaded);
        AssertKeptHeaders(headers);

        // An empty body is a row too.
        var (empty, _) = await Archive.LoadAsync(await Archive.SaveAsync(connection, "k2", At, Array.Empty<byte>(), Headers(), CancellationToken.None), CancellationToken.None);
        Assert.Empty(empty);
    }

    [Fact]
    public async Task A_body_over_the_row_limit_is_a_blob_and_loads_back()
    {
        var connection = "raw-" + Guid.NewGuid().ToString("N")[..8];
        var body = Body(RawArchive.MaxTableBodyBytes + 1);

        var reference = await Archive.SaveAsync(connection, "k1", At, body, Headers(), CancellationToken.None);

        Assert.Equal(RawArchive.NameFor(connection, "k1", At), reference);
        Assert.False(RawArchive.IsTableReference(reference));
        var metadata = (await host.Storage.Container(ContainerNames.Raw).GetBlobClient(reference).GetPropertiesAsync()).Value.Metadata;
        Assert.DoesNotContain("abc123", Encoding.UTF8.GetString(Convert.FromBase64String(metadata["headers"])));
        var (loaded, headers) = await Archive.LoadAsync(reference, CancellationToken.None);
        Assert.Equal(body, loaded);
        AssertKeptHeaders(headers);
    }

    [Fact]
    public async Task A_blob_reference_written_before_the_table_existed_still_loads()
    {
        // Written the way the archive wrote every body before: blob name, headers as base64 JSON metadata.
        var name = RawArchive.NameFor("raw-old", "k-" + Guid.NewGuid().ToString("N")[..8], At);
        var body = Encoding.UTF8.GetBytes("""{"external_id":"OLD-1"}""");
        await host.Storage.Container(ContainerNames.Raw).GetBlobClient(name).UploadAsync(BinaryData.FromBytes(body), new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
            Metadata = new Dictionary<string, string> { ["headers"] = Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["Content-Type"] = "application/json", ["X-Shopify-Topic"] = "orders/create" })) },
        });

        var (loaded, headers) = await Archive.LoadAsync(name, CancellationToken.None);

        Assert.Equal(body, loaded);
        AssertKeptHeaders(headers);
    }

    [Fact]
    public async Task A_delivery_of_one_event_keeps_its_body_on_the_receipt_claim_and_no_row_of_its_own()
    {
        var c = await host.CreateConnectionAsync("custom");
        var order = CustomOrders.Created("CARRY-1");
        var (status, _) = await host.SendAsync(SignedRequests.Custom(c.Path, c.SigningSecret!, "order.created", order));
        Assert.Equal(HttpStatusCode.OK, status);
        var queued = Assert.Single(await host.QueuedForAsync(c.Id));
        Assert.StartsWith("receipt:", queued.RawBlob);
        var (loaded, headers) = await Archive.LoadAsync(queued.RawBlob, CancellationToken.None);
        Assert.Equal(order, Encoding.UTF8.GetString(loaded));
        Assert.Equal("order.created", headers["X-Connectors-Event"].ToString());
        Assert.False(headers.ContainsKey("X-Connectors-Signature"));

        var rows = 0;
        var partition = Keys.Escape(c.Id) + "|";
        await foreach (var _ in host.Storage.Table(TableNames.RawDeliveries).QueryAsync<TableEntity>(r => r.PartitionKey.CompareTo(partition) >= 0 && r.PartitionKey.CompareTo(partition + "~") < 0)) rows++;
        Assert.Equal(0, rows);
    }

    [Fact]
    public async Task An_abandoned_claim_keeps_its_body_until_the_retry_takes_it_over_at_once_with_its_own()
    {
        var receipts = host.Service<Receipts>();
        var reference = Receipts.RawReference("conn-abandon", "order|A-1");
        var (first, claim, _) = await receipts.ClaimAsync("conn-abandon", "order|A-1", "ev_a1", new RawArchive.Carried("first"u8.ToArray(), "{}"), CancellationToken.None);
        Assert.Equal(Receipts.ClaimResult.Owner, first);
        await receipts.AbandonAsync(claim!);
        Assert.Equal("first", Encoding.UTF8.GetString((await Archive.LoadAsync(reference, CancellationToken.None)).Body));

        // The sender's retry is not made to wait for the claim to go stale.
        var started = DateTime.UtcNow;
        var (retry, retried, _) = await receipts.ClaimAsync("conn-abandon", "order|A-1", "ev_a1", new RawArchive.Carried("retry"u8.ToArray(), "{}"), CancellationToken.None);
        Assert.Equal(Receipts.ClaimResult.Owner, retry);
        Assert.True(DateTime.UtcNow - started < Receipts.WaitForOwner, "taken over at once");
        Assert.Equal("retry", Encoding.UTF8.GetString((await Archive.LoadAsync(reference, CancellationToken.None)).Body));

        await receipts.CompleteAsync(retried!, CancellationToken.None);
        var (again, _, existing) = await receipts.ClaimAsync("conn-abandon", "order|A-1", "ev_a1", null, CancellationToken.None);
        Assert.Equal(Receipts.ClaimResult.AlreadyEnqueued, again);
        Assert.Equal("ev_a1", existing);
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(700, false)]
    public async Task An_accepted_delivery_replays_from_its_archive_through_the_admin_route(int lines, bool inTable)
    {
        var c = await host.CreateConnectionAsync("custom");
        var order = CustomOrders.Created("ARCH-" + lines, "29", Enumerable.Range(0, lines).Select(i => ($"SKU-{i:D4}", 1m, 10m, 18m)).ToArray());
        Assert.Equal(inTable, Encoding.UTF8.GetByteCount(order) <= RawArchive.MaxTableBodyBytes);
        var (status, answer) = await host.SendAsync(SignedRequests.Custom(c.Path, c.SigningSecret!, "order.created", order));
        Assert.Equal(HttpStatusCode.OK, status);
        var eventId = answer.GetProperty("eventId").GetString();
        var key = (await host.AdminJsonAsync(HttpMethod.Get, $"/api/manage/connections/{c.Id}/activity?top=1"))[0].GetProperty("key").GetString()!;
        var entry = (await host.Service<ActivityLog>().GetAsync(c.Id, key, CancellationToken.None))!;
        Assert.Equal(inTable, RawArchive.IsTableReference(entry.RawBlob!));
        Assert.Equal(entry.RawBlob, Assert.Single(await host.QueuedForAsync(c.Id)).RawBlob);

        // Mapped again from the archive (body and the event header both restored): the same event, so a duplicate.
        var replay = await host.AdminJsonAsync(HttpMethod.Post, $"/api/manage/connections/{c.Id}/activity/{key}/replay");
        Assert.Equal("duplicate", replay.GetProperty("status").GetString());
        Assert.Equal(eventId, replay.GetProperty("eventId").GetString());
        Assert.Single(await host.QueuedForAsync(c.Id));
    }
}
