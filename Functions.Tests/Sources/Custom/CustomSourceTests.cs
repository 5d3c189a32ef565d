using System.Net;
using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;
using Connectors.Ingest;
using Connectors.Tests.Fixtures;

namespace Connectors.Tests.Sources.Custom;

/// <summary>The Custom source's response codes, over real HTTP into the real host and a real Azurite queue.</summary>
public sealed class CustomSourceTests(IngestOnlyHostFixture host) : IClassFixture<IngestOnlyHostFixture>
{


    [Fact]
    public async Task A_signed_order_is_accepted_and_queued_as_a_canonical_sale()
    {
        var c = await host.CreateConnectionAsync("custom");
        Assert.StartsWith("whsec_", c.SigningSecret);
        var (status, body) = await host.SendAsync(SignedRequests.Custom(c.Path, c.SigningSecret!, "order.created",
            CustomOrders.Created("ORD-1", "29", ("WIDGET-1", 2m, 100.50m, 18m), ("GADGET", 1.5m, 10m, 5m))));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("accepted", body.GetProperty("status").GetString());
        var queued = Assert.Single(await host.QueuedForAsync(c.Id));
        Assert.Equal(body.GetProperty("eventId").GetString(), queued.EventId);
        Assert.Equal(EventKind.Sale, queued.Kind);
        Assert.Equal("ORD-1", queued.ExternalId);
        Assert.Equal("29", queued.PlaceOfSupply);
        Assert.Equal("Asha Rao", queued.Customer!.Name);
        Assert.Equal(new DateOnly(2026, 5, 25), queued.Date);
        Assert.Equal(100.50m, queued.Lines[0].Rate);
        Assert.Equal(1.5m, queued.Lines[1].Quantity);
        Assert.False(queued.IsTest);
        Assert.NotEmpty(queued.RawBlob);
    }

    [Fact]
    public async Task Messages_are_base64_as_the_Functions_queue_trigger_reads_them_by_default()
    {
        var c = await host.CreateConnectionAsync("custom");
        var (status, _) = await host.SendAsync(SignedRequests.Custom(c.Path, c.SigningSecret!, "order.created", CustomOrders.Created("B64-1")));
        Assert.Equal(HttpStatusCode.OK, status);

        // Read the raw message text with no decoding: it must be base64 of the JSON envelope.
        await host.Service<Connectors.Ingest.Outbox>().WhenRelayedAsync();
        var raw = new QueueClient(host.Azurite.ConnectionString, Connectors.Hosting.QueueNames.Events, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None });
        var texts = (await raw.PeekMessagesAsync(32)).Value.Select(m => m.Body.ToString()).ToList();
        var decoded = texts.Select(t => Encoding.UTF8.GetString(Convert.FromBase64String(t))).ToList();
        Assert.Contains(decoded, d => d.Contains("\"externalId\":\"B64-1\""));
    }

    [Fact]
    public async Task The_signature_may_carry_a_sha256_prefix_and_must_match_the_raw_body()
    {
        var c = await host.CreateConnectionAsync("custom");
        var json = CustomOrders.Created("SIG-1");
        var bytes = Encoding.UTF8.GetBytes(json);
        var prefixed = SignedRequests.Json(c.Path, bytes, ("X-Connectors-Event", "order.created"), ("X-Connectors-Signature", "sha256=" + SignedRequests.HexHmac(c.SigningSecret!, bytes)));
        Assert.Equal(HttpStatusCode.OK, (await host.SendAsync(prefixed)).Status);

        var changed = Encoding.UTF8.GetBytes(CustomOrders.Created("SIG-2"));
        var wrongBody = SignedRequests.Json(c.Path, changed, ("X-Connectors-Event", "order.created"), ("X-Connectors-Signature", SignedRequests.HexHmac(c.SigningSecret!, bytes)));
        var (status, body) = await host.SendAsync(wrongBody);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("unauthorized", body.GetProperty("status").GetString());

        var wrongSecret = SignedRequests.Custom(c.Path, "whsec_wrong", "order.created", CustomOrders.Created("SIG-3"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.SendAsync(wrongSecret)).Status);
        var unsigned = SignedRequests.Json(c.Path, CustomOrders.Created("SIG-4"), ("X-Connectors-Event", "order.created"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.SendAsync(unsigned)).Status);
        Assert.DoesNotContain(await host.QueuedForAsync(c.Id), e => e.ExternalId != "SIG-1");
    }

    [Fact]
    public async Task The_seed_s_X_Booksmor_headers_are_accepted_as_aliases_and_the_primary_header_wins_when_both_are_sent()
    {
        var c = await host.CreateConnectionAsync("custom");
        var bytes = Encoding.UTF8.GetBytes(CustomOrders.Created("ALIAS-1"));
        var seedHeaders = SignedRequests.Json(c.Path, bytes, ("X-Booksmor-Event", "order.created"), ("X-Booksmor-Signature", SignedRequests.HexHmac(c.SigningSecret!, bytes)));
        var (status, body) = await host.SendAsync(seedHeaders);
        Assert.Equal(HttpStatusCode.OK, status);
        var queued = Assert.Single(await host.QueuedForAsync(c.Id));
        Assert.Equal((EventKind.Sale, "ALIAS-1"), (queued.Kind, queued.ExternalId));
        Assert.Equal(body.GetProperty("eventId").GetString(), queued.EventId);

        // Both names sent and disagreeing: the X-Connectors-Signature is the one checked.
        var other = Encoding.UTF8.GetBytes(CustomOrders.Created("ALIAS-2"));
        var both = SignedRequests.Json(c.Path, other, ("X-Connectors-Event", "order.created"), ("X-Connectors-Signature", new string('0', 64)),
            ("X-Booksmor-Signature", SignedRequests.HexHmac(c.SigningSecret!, other)));
        (status, body) = await host.SendAsync(both);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("does not match", body.GetProperty("error").GetString());
        Assert.Single(await host.QueuedForAsync(c.Id));
    }

    [Fact]
    public async Task Without_any_signature_header_the_401_names_the_headers_expected()
    {
        var c = await host.CreateConnectionAsync("custom");
        var (status, body) = await host.SendAsync(SignedRequests.Json(c.Path, CustomOrders.Created("NOSIG-1"), ("X-Booksmor-Event", "order.created")));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("unauthorized", body.GetProperty("status").GetString());
        var error = body.GetProperty("error").GetString()!;
        Assert.Contains("X-Connectors-Signature (or X-Booksmor-Signature) header is missing", error);
        Assert.DoesNotContain("does not match", error);

        (status, body) = await host.SendAsync(SignedRequests.Custom(c.Path, "whsec_wrong", "order.created", CustomOrders.Created("NOSIG-2")));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("The signature does not match the body.", body.GetProperty("error").GetString());
        var activity = await host.AdminJsonAsync(HttpMethod.Get, $"/api/manage/connections/{c.Id}/activity?top=10");
        Assert.Contains(activity.EnumerateArray(), e => e.GetProperty("reason").GetString()!.Contains("header is missing"));
        Assert.Empty(await host.QueuedForAsync(c.Id));
    }

    [Theory]
    [InlineData("{not json", "not valid JSON")]
    [InlineData("[]", "JSON object")]
    [InlineData("""{"customer_name":"A","order_date":"2026-05-25","lines":[{"sku":"A","description":"A","quantity":1,"rate":1,"tax_rate":18}]}""", "external_id is required")]
    [InlineData("""{"external_id":"X","customer_name":"A","order_date":"2026-02-30","lines":[{"sku":"A","description":"A","quantity":1,"rate":1,"tax_rate":18}]}""", "order_date must be a valid date")]
    [InlineData("""{"external_id":"X","customer_name":"A","order_date":"2026-05-25","lines":[{"sku":"A","description":"A","quantity":0,"rate":1,"tax_rate":18}]}""", "lines[0].quantity must be greater than 0")]
    [InlineData("""{"external_id":"X","customer_name":"A","order_date":"2026-05-25","lines":[{"sku":"A","description":"A","quantity":1,"rate":-1,"tax_rate":18}]}""", "lines[0].rate must not be negative")]
    [InlineData("""{"external_id":"X","customer_name":"A","order_date":"2026-05-25","lines":[{"sku":"A","description":"A","quantity":1,"rate":1,"tax_rate":101}]}""", "lines[0].tax_rate must be between 0 and 100")]
    [InlineData("""{"external_id":"X","customer_name":"A","order_date":"2026-05-25","buyer_state_code":"2","lines":[{"sku":"A","description":"A","quantity":1,"rate":1,"tax_rate":18}]}""", "buyer_state_code must be a two-digit")]
    [InlineData("""{"external_id":"X","customer_name":"A","order_date":"2026-05-25","lines":[{"sku":"A","description":"A","quantity":"NaN","rate":1,"tax_rate":18}]}""", "lines[0].quantity must be a number")]
    [InlineData("""{"external_id":"X","customer_name":"A","order_date":"2026-05-25","lines":[]}""", "at least one line")]
    [InlineData("""{"external_id":"X","customer_name":"A","order_date":"2026-05-25","lines":[{"description":"A","quantity":1,"rate":1,"tax_rate":18}]}""", "lines[0].sku is required")]
    [InlineData("""{"external_id":"X","customer_name":"A","order_date":"2026-05-25","currency":"RUPEES","lines":[{"sku":"A","description":"A","quantity":1,"rate":1,"tax_rate":18}]}""", "currency must be a three-letter ISO 4217 code")]
    [InlineData("""{"external_id":"X","customer_name":"A","order_date":"2026-05-25","currency":978,"lines":[{"sku":"A","description":"A","quantity":1,"rate":1,"tax_rate":18}]}""", "currency must be a string")]
    public async Task A_bad_payload_is_400_with_an_error_naming_the_problem(string json, string error)
    {
        var c = await host.CreateConnectionAsync("custom");
        var (status, body) = await host.SendAsync(SignedRequests.Custom(c.Path, c.SigningSecret!, "order.created", json));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(error, body.GetProperty("error").GetString());
        Assert.Empty(await host.QueuedForAsync(c.Id));
    }

    [Theory]
    [InlineData("order.created")]
    [InlineData("order.refunded")]
    public async Task A_currency_other_than_the_books_is_400_naming_both_and_nothing_is_queued(string eventName)
    {
        // The fixture's books are the default INR; the order says EUR.
        var c = await host.CreateConnectionAsync("custom");
        var json = eventName == "order.created"
            ? """{"external_id":"CUR-EUR","customer_name":"A","order_date":"2026-05-25","currency":"EUR","lines":[{"sku":"A","description":"A","quantity":1,"rate":1,"tax_rate":18}]}"""
            : """{"external_id":"CUR-EUR","refund_id":"R-EUR","refund_date":"2026-05-26","currency":" eur ","lines":[{"sku":"A","quantity":1,"rate":1}]}""";
        var (status, body) = await host.SendAsync(SignedRequests.Custom(c.Path, c.SigningSecret!, eventName, json));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid", body.GetProperty("status").GetString());
        Assert.Equal("Order currency EUR differs from the books' currency INR; not posted.", body.GetProperty("error").GetString());
        Assert.Empty(await host.QueuedForAsync(c.Id));
        var entry = (await host.AdminJsonAsync(HttpMethod.Get, $"/api/manage/connections/{c.Id}/activity?top=5")).EnumerateArray().First();
        Assert.Equal(("rejected", 400, "CUR-EUR"), (entry.GetProperty("status").GetString(), entry.GetProperty("httpStatus").GetInt32(), entry.GetProperty("externalId").GetString()));
        Assert.Contains("differs from the books' currency INR", entry.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task The_books_currency_in_any_case_is_accepted_and_carried_on_the_event()
    {
        var c = await host.CreateConnectionAsync("custom");
        var json = """{"external_id":"CUR-INR","customer_name":"A","order_date":"2026-05-25","currency":" inr ","lines":[{"sku":"A","description":"A","quantity":1,"rate":1,"tax_rate":18}]}""";
        var (status, _) = await host.SendAsync(SignedRequests.Custom(c.Path, c.SigningSecret!, "order.created", json));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("INR", Assert.Single(await host.QueuedForAsync(c.Id)).Currency);
        // Without a currency the amounts are the books' own, as before.
        Assert.Equal(HttpStatusCode.OK, (await host.SendAsync(SignedRequests.Custom(c.Path, c.SigningSecret!, "order.created", CustomOrders.Created("CUR-NONE")))).Status);
        Assert.Null(Assert.Single(await host.QueuedForAsync(c.Id), e => e.ExternalId == "CUR-NONE").Currency);
    }

    [Fact]
    public async Task A_missing_or_unknown_event_header_is_400()
    {
        var c = await host.CreateConnectionAsync("custom");
        var (status, body) = await host.SendAsync(SignedRequests.Custom(c.Path, c.SigningSecret!, "order.shipped", CustomOrders.Created("EV-1")));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("order.shipped", body.GetProperty("error").GetString());
        var bytes = Encoding.UTF8.GetBytes(CustomOrders.Created("EV-2"));
        (status, body) = await host.SendAsync(SignedRequests.Json(c.Path, bytes, ("X-Connectors-Signature", SignedRequests.HexHmac(c.SigningSecret!, bytes))));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("X-Connectors-Event", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Unknown_and_revoked_connections_are_404()
    {
        var (status, body) = await host.SendAsync(SignedRequests.Custom("/api/custom/0000000000000000", "whsec_x", "order.created", CustomOrders.Created("NF-1")));
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("not_found", body.GetProperty("status").GetString());

        var c = await host.CreateConnectionAsync("custom");
        await host.AdminJsonAsync(HttpMethod.Delete, $"/api/manage/connections/{c.Id}", expect: 204);
        (status, _) = await host.SendAsync(SignedRequests.Custom(c.Path, c.SigningSecret!, "order.created", CustomOrders.Created("NF-2")));
        Assert.Equal(HttpStatusCode.NotFound, status);
    }

    [Fact]
    public async Task Duplicates_are_409_and_queued_once()
    {
        var c = await host.CreateConnectionAsync("custom");
        var created = CustomOrders.Created("DUP-1");
        Assert.Equal(HttpStatusCode.OK, (await host.SendAsync(SignedRequests.Custom(c.Path, c.SigningSecret!, "order.created", created))).Status);
        // Same order id, different body: still the same order.
        var (status, body) = await host.SendAsync(SignedRequests.Custom(c.Path, c.SigningSecret!, "order.created", CustomOrders.Created("DUP-1", "07")));
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("duplicate", body.GetProperty("status").GetString());

        var refund = CustomOrders.Refunded("DUP-1", "R-1", ("WIDGET-1", 1m, 100m));
        Assert.Equal(HttpStatusCode.OK, (await host.SendAsync(SignedRequests.Custom(c.Path, c.SigningSecret!, "order.refunded", refund))).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await host.SendAsync(SignedRequests.Custom(c.Path, c.SigningSecret!, "order.refunded", refund))).Status);

        // Refund ids numbered per order: R-1 of another order is another refund.
        Assert.Equal(HttpStatusCode.OK, (await host.SendAsync(SignedRequests.Custom(c.Path, c.SigningSecret!, "order.refunded", CustomOrders.Refunded("DUP-2", "R-1", ("WIDGET-1", 1m, 100m))))).Status);

        // An edit is a duplicate only when byte-identical.
        var edit1 = CustomOrders.Created("DUP-1", "29", ("WIDGET-1", 3m, 100m, 18m));
        var edit2 = CustomOrders.Created("DUP-1", "29", ("WIDGET-1", 4m, 100m, 18m));
        Assert.Equal(HttpStatusCode.OK, (await host.SendAsync(SignedRequests.Custom(c.Path, c.SigningSecret!, "order.updated", edit1))).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await host.SendAsync(SignedRequests.Custom(c.Path, c.SigningSecret!, "order.updated", edit1))).Status);
        Assert.Equal(HttpStatusCode.OK, (await host.SendAsync(SignedRequests.Custom(c.Path, c.SigningSecret!, "order.updated", edit2))).Status);

        var kinds = (await host.QueuedForAsync(c.Id)).Select(e => e.Kind).OrderBy(k => k).ToList();
        Assert.Equal([EventKind.Sale, EventKind.Update, EventKind.Update, EventKind.Refund, EventKind.Refund], kinds);
    }

    [Fact]
    public async Task Twenty_concurrent_copies_of_one_delivery_queue_exactly_one_event()
    {
        var c = await host.CreateConnectionAsync("custom");
        var json = CustomOrders.Created("CONC-1");
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => host.SendAsync(SignedRequests.Custom(c.Path, c.SigningSecret!, "order.created", json))));
        Assert.Single(results, r => r.Status == HttpStatusCode.OK);
        Assert.Equal(19, results.Count(r => r.Status == HttpStatusCode.Conflict));
        Assert.Single(await host.QueuedForAsync(c.Id));
    }

    [Fact]
    public async Task Bodies_over_one_MiB_are_413_and_non_json_is_415()
    {
        var c = await host.CreateConnectionAsync("custom");
        var big = "{\"external_id\":\"BIG\",\"pad\":\"" + new string('x', 1024 * 1024) + "\"}";
        var (status, body) = await host.SendAsync(SignedRequests.Custom(c.Path, c.SigningSecret!, "order.created", big));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("too_large", body.GetProperty("status").GetString());

        var json = CustomOrders.Created("CT-1");
        var bytes = Encoding.UTF8.GetBytes(json);
        var request = SignedRequests.Custom(c.Path, c.SigningSecret!, "order.created", json);
        request.Content!.Headers.ContentType = new("text/plain");
        (status, body) = await host.SendAsync(request);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        Assert.Contains("application/json", body.GetProperty("error").GetString());
        Assert.Empty(await host.QueuedForAsync(c.Id));
    }

    [Fact]
    public async Task A_chunked_body_without_a_length_is_read_whole_and_still_bounded()
    {
        var c = await host.CreateConnectionAsync("custom");
        var request = SignedRequests.Custom(c.Path, c.SigningSecret!, "order.created", CustomOrders.Created("CHUNKED-1"));
        request.Headers.TransferEncodingChunked = true;
        var (status, body) = await host.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("accepted", body.GetProperty("status").GetString());
        Assert.Equal("CHUNKED-1", (await host.QueuedForAsync(c.Id)).Single().ExternalId);

        var big = SignedRequests.Custom(c.Path, c.SigningSecret!, "order.created", "{\"external_id\":\"BIG\",\"pad\":\"" + new string('x', 1024 * 1024) + "\"}");
        big.Headers.TransferEncodingChunked = true;
        (status, body) = await host.SendAsync(big);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("too_large", body.GetProperty("status").GetString());
    }

    [Fact]
    public async Task An_order_too_large_for_a_queue_message_goes_through_a_claim_check()
    {
        var c = await host.CreateConnectionAsync("custom");
        var lines = Enumerable.Range(0, 900).Select(i => ($"SKU-{i:D4}-{new string('L', 40)}", 1m, 10m, 18m)).ToArray();
        var json = CustomOrders.Created("LARGE-1", "29", lines);
        var (status, _) = await host.SendAsync(SignedRequests.Custom(c.Path, c.SigningSecret!, "order.created", json));
        Assert.Equal(HttpStatusCode.OK, status);

        var queue = host.Service<EventQueue>();
        var messages = (await queue.Queue.PeekMessagesAsync(32)).Value;
        var claimed = messages.Select(m => JsonSerializer.Deserialize(m.Body.ToMemory().Span, IngestJson.Default.QueueEnvelope)!).Where(e => e.Claim is not null).ToList();
        Assert.NotEmpty(claimed);
        var e = (await host.QueuedForAsync(c.Id)).Single();
        Assert.Equal(900, e.Lines.Count);
        Assert.Equal("SKU-0899-" + new string('L', 40), e.Lines[^1].Sku);
    }

    [Fact]
    public async Task Every_request_is_in_the_activity_log_newest_first()
    {
        var c = await host.CreateConnectionAsync("custom");
        await host.SendAsync(SignedRequests.Custom(c.Path, c.SigningSecret!, "order.created", CustomOrders.Created("ACT-1")));
        await host.SendAsync(SignedRequests.Custom(c.Path, c.SigningSecret!, "order.created", CustomOrders.Created("ACT-1")));
        await host.SendAsync(SignedRequests.Custom(c.Path, "whsec_wrong", "order.created", CustomOrders.Created("ACT-2")));

        var activity = await host.AdminJsonAsync(HttpMethod.Get, $"/api/manage/connections/{c.Id}/activity?top=10");
        var entries = activity.EnumerateArray().ToList();
        Assert.Equal(3, entries.Count);
        Assert.Equal(["rejected", "duplicate", "accepted"], entries.Select(e => e.GetProperty("status").GetString()));
        Assert.Equal([401, 409, 200], entries.Select(e => e.GetProperty("httpStatus").GetInt32()));
        Assert.Equal("ACT-1", entries[2].GetProperty("externalId").GetString());
        Assert.Equal("order.created", entries[2].GetProperty("event").GetString());
        var text = activity.GetRawText();
        Assert.DoesNotContain(c.SigningSecret!, text);
    }

    [Fact]
    public async Task An_archived_delivery_can_be_replayed_and_dedupe_keeps_it_from_queuing_twice()
    {
        var c = await host.CreateConnectionAsync("custom");
        Assert.Equal(HttpStatusCode.OK, (await host.SendAsync(SignedRequests.Custom(c.Path, c.SigningSecret!, "order.created", CustomOrders.Created("REPLAY-1")))).Status);
        var entry = (await host.AdminJsonAsync(HttpMethod.Get, $"/api/manage/connections/{c.Id}/activity?top=1"))[0];
        var key = entry.GetProperty("key").GetString();

        var replay = await host.AdminJsonAsync(HttpMethod.Post, $"/api/manage/connections/{c.Id}/activity/{key}/replay");
        Assert.Equal("duplicate", replay.GetProperty("status").GetString());
        Assert.Single(await host.QueuedForAsync(c.Id));
        var after = (await host.AdminJsonAsync(HttpMethod.Get, $"/api/manage/connections/{c.Id}/activity?top=5")).EnumerateArray().Single(e => e.GetProperty("key").GetString() == key);
        Assert.Contains("replayed", after.GetProperty("reason").GetString());

        await host.AdminJsonAsync(HttpMethod.Post, $"/api/manage/connections/{c.Id}/activity/nope/replay", expect: 404);
    }
}
