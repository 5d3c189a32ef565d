using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Connectors.Activity;
using Connectors.Hosting;
using Connectors.Tests.Fixtures;
using CsCheck;
using Xunit.Abstractions;

namespace Connectors.Tests.Posting;

/// <summary>
/// GST books in INR with home state 29 (the lifecycles' intra-state buyers are in Karnataka, 29; inter-state ones in
/// Maharashtra, 27), and a queue that retries within a quarter of a second and seldom gives up, so an event that has to
/// wait for its sale waits briefly and never ends in poison because of how the deliveries were shuffled.
/// </summary>
public sealed class ShuffledLifecycleHostFixture : HostFixture
{
    protected override void Settings(Dictionary<string, string?> settings)
    {
        settings["Books:TaxRegime"] = "gst";
        settings["Books:HomeState"] = Lifecycle.HomeState;
        settings["Books:Currency"] = "INR";
    }

    protected override HostJson HostJson => base.HostJson with
    {
        Queues = base.HostJson.Queues with { VisibilityTimeout = TimeSpan.FromMilliseconds(250), MaxPollingInterval = TimeSpan.FromMilliseconds(200), MaxDequeueCount = 120 },
    };
}

/// <summary>
/// Books that do not depend on delivery order. Each generated lifecycle (Custom, Shopify or WooCommerce shape; see
/// LifecycleModel.cs) is delivered with 1-3 copies in several sampled permutations at once, each permutation to its own
/// connection whose SKUs map to items of its own, through the real host, its queue and its posting. Once the activity of
/// every permutation shows nothing pending, every permutation's books must be the model's: net per order (sales + debit
/// notes - credit notes, tax included), tax per GST component, stock per item. The nasty orderings are also [Fact]s of
/// their own, with worked numbers.
/// </summary>
public sealed class ShuffledLifecycleTests(ShuffledLifecycleHostFixture host, ITestOutputHelper output) : IClassFixture<ShuffledLifecycleHostFixture>
{
    const int CustomLifecycles = 30;
    const int ShopifyLifecycles = 30;
    const int WooLifecycles = 24;
    const int Permutations = 3;
    /// <summary>Lifecycles checked at the same time (each sends its permutations at the same time).</summary>
    const int ParallelLifecycles = 6;
    const decimal Opening = 1000m;
    static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(45);

    // ------------------------------------------------------------------------------------------------------------
    // The properties
    // ------------------------------------------------------------------------------------------------------------

    [Fact]
    public Task Custom_lifecycles_end_in_the_models_books_in_every_delivery_order() => PropertyAsync(CustomLifecycle.Generator, CustomLifecycles, "Custom");

    [Fact]
    public Task Shopify_lifecycles_end_in_the_models_books_in_every_delivery_order() => PropertyAsync(ShopifyLifecycle.Generator, ShopifyLifecycles, "Shopify");

    [Fact]
    public Task WooCommerce_lifecycles_end_in_the_models_books_in_every_delivery_order() => PropertyAsync(WooLifecycle.Generator, WooLifecycles, "WooCommerce");

    async Task PropertyAsync(Gen<Lifecycle> gen, int lifecycles, string name)
    {
        var failures = new ConcurrentQueue<string>();
        var clock = Stopwatch.StartNew();
        var deliveries = 0;
        // Every sample runs to the end (a failing one is recorded, not thrown), so the report lists every lifecycle that
        // failed, not only the smallest one CsCheck would keep; each report is complete enough to rebuild the case by hand.
        await Lifecycle.Shuffled(gen, Permutations).SampleAsync(async sample =>
        {
            Interlocked.Add(ref deliveries, sample.Life.Sent().Count * sample.Orders.Length);
            if (await CheckAsync(sample.Life, sample.Orders) is { } report) failures.Enqueue(report);
        }, iter: lifecycles, threads: ParallelLifecycles, print: s => s.Life.Describe());
        output.WriteLine($"{name}: {lifecycles} lifecycles x {Permutations} permutations, {deliveries} deliveries, {failures.Count} failing, {clock.Elapsed.TotalSeconds:0.0} s");
        if (!failures.IsEmpty)
            Assert.Fail($"{failures.Count} of {lifecycles} {name} lifecycles did not end in the model's books in every permutation ({clock.Elapsed.TotalSeconds:0.0} s).\n\n"
                + string.Join("\n\n", failures.Take(12)) + (failures.Count > 12 ? $"\n\n... and {failures.Count - 12} more" : ""));
    }

    /// <summary>Runs one lifecycle in its permutations at once; null when every permutation's books are the model's, else the report.</summary>
    async Task<string?> CheckAsync(Lifecycle life, int[][] orders)
    {
        var expected = life.Model(Opening);
        var problems = new List<string>();
        if (life is CustomLifecycle custom && custom.Chronological is { } walked && !walked.SequenceEqual(custom.Open()))
            problems.Add($"TEST BUG: the contract's formula gives open units [{string.Join(", ", custom.Open())}] but walking the lifecycle in time order gives [{string.Join(", ", walked)}]");

        var tag = Guid.NewGuid().ToString("N")[..8];
        var sent = life.Sent();
        var perms = await Task.WhenAll(orders.Select((order, p) => SetUpAsync(life, tag, p, order)));
        var answers = await Task.WhenAll(perms.Select(p => DeliverAllAsync(life, p, p.Order.Select(i => sent[i]))));
        var activity = await SettleAsync(perms);
        var books = await Task.WhenAll(perms.Select(p => ReadBooksAsync(life, p)));
        if (perms.Select((p, i) => expected.Differences(books[i].Books).Count > 0 || answers[i].Unexpected > 0).Any(bad => bad))
        {
            // A second look before reporting: an event the engine holds may still be settling.
            await Task.Delay(2000);
            activity = await SettleAsync(perms);
            books = await Task.WhenAll(perms.Select(p => ReadBooksAsync(life, p)));
        }

        var report = new StringBuilder();
        for (var i = 0; i < perms.Length; i++)
        {
            var differences = expected.Differences(books[i].Books);
            if (differences.Count == 0 && answers[i].Unexpected == 0) continue;
            report.Append($"\n  permutation #{i} (connection {perms[i].Connection.Id}), delivered in this order: {string.Join(" -> ", perms[i].Order.Select(k => sent[k].Label))}");
            foreach (var d in differences) report.Append("\n    ").Append(d);
            if (answers[i].Unexpected > 0) report.Append($"\n    {answers[i].Unexpected} unexpected answer(s)");
            report.Append("\n    answers: ").Append(string.Join("; ", answers[i].Log));
            report.Append("\n    books: ").Append(books[i].Books).Append("\n    vouchers: ").Append(books[i].Vouchers);
            report.Append("\n    activity not posted: ").Append(Unposted(activity[i]));
        }
        if (books.Skip(1).Any(b => books[0].Books.Differences(b.Books).Count > 0))
            report.Append("\n  the permutations disagree with each other: ").Append(string.Join(" | ", books.Select((b, i) => $"#{i}: {b.Books}")));
        foreach (var p in problems) report.Append("\n  ").Append(p);
        return report.Length == 0 ? null : $"{life.Describe()}\n  expected (model): {expected}{report}";
    }

    // ------------------------------------------------------------------------------------------------------------
    // The nasty orderings, with worked numbers (each also checks the model against them)
    // ------------------------------------------------------------------------------------------------------------

    static DateTimeOffset Utc(int day, int hour) => new(2026, 6, day, hour, 0, 0, TimeSpan.Zero);
    static DateOnly Day(int day) => new(2026, 6, day);
    static Books Worked(decimal net, decimal cgst, decimal sgst, decimal igst, params (string Sku, decimal Stock)[] stock) =>
        new(net, new Dictionary<string, decimal> { ["CGST"] = cgst, ["SGST"] = sgst, ["IGST"] = igst }, stock.ToDictionary(s => s.Sku, s => s.Stock));
    static readonly string S0 = Lifecycle.Sku(0);

    [Fact]
    public async Task Custom_an_edit_made_after_a_refund_and_delivered_before_it_is_read_net_of_that_refund()
    {
        // 3 x 100 @ 18 % in state 29; R1 (one unit) on 2 June at 12:00; on 3 June the order stands at 4 units (2 added),
        // so it sold 5. Open 4 x 118 = 472.00 (CGST 36, SGST 36); stock 1000 - 5 + 1 = 996.
        var life = new CustomLifecycle("ORD-NASTY-1", "29", [(100m, 18m)], [(0, 3)], [new CustomEdit(Utc(3, 10), [(0, 4)])], [new CustomRefund("R1", 0, Day(2), Utc(2, 12))]);
        await AssertInOrderAsync(life, Worked(472.00m, 36.00m, 36.00m, 0m, (S0, 996m)), "order.created", "order.updated", "order.refunded");
    }

    [Fact]
    public async Task Custom_an_edit_made_before_a_refund_but_delivered_after_it_does_not_bill_the_refunded_unit_again()
    {
        // 2 x 250 @ 5 % to state 27 (IGST); edited to 3 at 10:00 on 2 June; R1 dated 2 June without refunded_at: the same day
        // as the edit, so made after it. Open 2 x 262.50 = 525.00 (IGST 25.00); stock 1000 - 3 + 1 = 998.
        var life = new CustomLifecycle("ORD-NASTY-2", "27", [(250m, 5m)], [(0, 2)], [new CustomEdit(Utc(2, 10), [(0, 3)])], [new CustomRefund("R1", 0, Day(2), null)]);
        await AssertInOrderAsync(life, Worked(525.00m, 0m, 0m, 25.00m, (S0, 998m)), "order.created", "order.refunded", "order.updated");
    }

    [Fact]
    public async Task Custom_an_older_edit_delivered_last_changes_nothing()
    {
        // 1 x 100 @ 5 %, no buyer state (CGST + SGST); edited to 4 on 2 June, to 2 on 3 June; the 2 June edit arrives last.
        // Open 2 x 105 = 210.00 (CGST 5.00, SGST 5.00); stock 998.
        var life = new CustomLifecycle("ORD-NASTY-3", null, [(100m, 5m)], [(0, 1)], [new CustomEdit(Utc(2, 10), [(0, 4)]), new CustomEdit(Utc(3, 10), [(0, 2)])], []);
        await AssertInOrderAsync(life, Worked(210.00m, 5.00m, 5.00m, 0m, (S0, 998m)), "order.created", "2026-06-03", "2026-06-02");
    }

    [Fact]
    public async Task Custom_a_refund_sent_three_times_and_reflected_in_the_next_edit_is_credited_once()
    {
        // 2 x 100 @ 18 % in state 29; R1 at 09:00 on 2 June; the 10:00 edit shows the 1 unit left (net of R1). R1 arrives
        // before the sale, between the edit and the sale, and again at the end. Open 1 x 118 = 118.00; stock 999.
        var life = new CustomLifecycle("ORD-NASTY-4", "29", [(100m, 18m)], [(0, 2)], [new CustomEdit(Utc(2, 10), [(0, 1)])], [new CustomRefund("R1", 0, Day(2), Utc(2, 9))])
        {
            Copies = [new Copy(2, SameWebhookId: true), new Copy(2, SameWebhookId: true)],
        };
        await AssertInOrderAsync(life, Worked(118.00m, 9.00m, 9.00m, 0m, (S0, 999m)), "order.refunded", "order.updated", "order.refunded", "order.created", "order.refunded");
    }

    [Fact]
    public async Task Custom_an_edit_adding_a_sku_delivered_before_the_sale_takes_that_skus_units_out_of_stock()
    {
        // 3 x S0 (100 @ 18 %) in state 29; on 2 June S1 (250 @ 5 %) is added, 2 units. The edit arrives first, the sale after.
        // Open 3 x 118 + 2 x 262.50 = 879.00 (CGST 27 + 12.50 = 39.50, SGST 39.50); stock S0 997, S1 998.
        var life = new CustomLifecycle("ORD-NASTY-5", "29", [(100m, 18m), (250m, 5m)], [(0, 3)], [new CustomEdit(Utc(2, 10), [(0, 3), (1, 2)])], []);
        await AssertInOrderAsync(life, Worked(879.00m, 39.50m, 39.50m, 0m, (S0, 997m), (Lifecycle.Sku(1), 998m)), "order.updated", "order.created");
    }

    [Fact]
    public async Task Shopify_an_update_listing_a_refund_delivered_before_the_refunds_own_webhook_credits_it_once()
    {
        // 2 x 100 @ 18 % to Karnataka; refund of one unit (return) told by orders/updated first, then by refunds/create.
        // Open 1 x 118 = 118.00; stock 1000 - 2 + 1 = 999.
        var life = ShopifyLifecycle.Build(6100000000101, true, [(100m, 18m)], [2], false,
            [new ShopifyLifecycle.RefundStep(0, 0, Restock: true, Tell: 2)], new ShopifyLifecycle.Ending(0, false, false, false, false, false));
        await AssertInOrderAsync(life, Worked(118.00m, 9.00m, 9.00m, 0m, (S0, 999m)), "orders/create", "orders/updated", "refunds/create");
    }

    [Fact]
    public async Task Shopify_the_cancellations_refund_told_three_ways_is_credited_once_and_restocks_once()
    {
        // 2 x 250 @ 5 % to Maharashtra + shipping 50 @ 18 %; cancelled, its refund (both units, restock_type cancel, and the
        // shipping) told by orders/cancelled, refunds/create (twice, two webhook ids) and the orders/updated after it.
        // Net 0; every unit back: stock 1000.
        var life = ShopifyLifecycle.Build(6100000000102, false, [(250m, 5m)], [2], true, [],
            new ShopifyLifecycle.Ending(0, Cancel: true, CancelRestocks: true, CancelRefundsShipping: true, CancelWebhook: true, UpdateAfterCancel: true));
        life = life with { Copies = [new Copy(1, SameWebhookId: false)] };
        await AssertInOrderAsync(life, Worked(0m, 0m, 0m, 0m, (S0, 1000m)), "orders/updated", "refunds/create", "orders/create", "orders/cancelled", "(copy)");
    }

    [Fact]
    public async Task Shopify_an_older_update_delivered_last_changes_nothing()
    {
        // 3 x 100 @ 5 % to Karnataka; R1 (one unit, return) by refunds/create and an update; R2 (one unit, no_restock) told
        // only by the update after it. Delivered: the sale, the newer update, R1's webhook, then the older update.
        // Open 1 x 105 = 105.00 (CGST 2.50, SGST 2.50); stock 1000 - 3 + 1 = 998.
        var life = ShopifyLifecycle.Build(6100000000103, true, [(100m, 5m)], [3], false,
            [new ShopifyLifecycle.RefundStep(0, 0, Restock: true, Tell: 2), new ShopifyLifecycle.RefundStep(0, 0, Restock: false, Tell: 1)],
            new ShopifyLifecycle.Ending(0, false, false, false, false, false));
        await AssertInOrderAsync(life, Worked(105.00m, 2.50m, 2.50m, 0m, (S0, 998m)), "orders/create", "2026-06-03", "refunds/create", "2026-06-02");
    }

    [Fact]
    public async Task Shopify_a_cancellation_delivered_before_the_updates_leaves_nothing_open_and_restocks_only_what_shopify_restocked()
    {
        // 2 x 100 @ 18 % to Karnataka; R1 one unit (return) by refunds/create and an update; then cancelled, its refund taking
        // the last unit with no_restock. The cancellation arrives first, the sale last. Net 0; stock 1000 - 2 + 1 = 999.
        var life = ShopifyLifecycle.Build(6100000000104, true, [(100m, 18m)], [2], false,
            [new ShopifyLifecycle.RefundStep(0, 0, Restock: true, Tell: 2)],
            new ShopifyLifecycle.Ending(0, Cancel: true, CancelRestocks: false, CancelRefundsShipping: false, CancelWebhook: false, UpdateAfterCancel: false));
        await AssertInOrderAsync(life, Worked(0m, 0m, 0m, 0m, (S0, 999m)), "orders/cancelled", "orders/updated", "refunds/create", "orders/create");
    }

    [Fact]
    public async Task Shopify_a_partial_shipping_refund_is_credited_once_and_a_later_update_still_billing_the_rest_posts_nothing()
    {
        // 1 x 100 @ 18 % to Karnataka + shipping 50 @ 18 % = 177.00; half the shipping refunded (25 + 4.50 = 29.50), then an
        // update that changes nothing and still bills the remaining shipping. Net 147.50 (CGST = SGST = 9.00 + 4.50 - 2.25
        // = 11.25); stock 999.
        var life = ShopifyLifecycle.Build(6100000000105, true, [(100m, 18m)], [1], true,
            [new ShopifyLifecycle.RefundStep(1, 0, Restock: false, Tell: 2)], new ShopifyLifecycle.Ending(Touch: 2, false, false, false, false, false));
        await AssertInOrderAsync(life, Worked(147.50m, 11.25m, 11.25m, 0m, (S0, 999m)), "orders/create", "refunds/create", "2026-06-02", "2026-06-03");
    }

    [Fact]
    public async Task WooCommerce_a_cancellation_delivered_before_the_updates_leaves_nothing_open_and_every_unit_back_in_stock()
    {
        // 2 x 100 @ 18 % to Karnataka + shipping 100 @ 18 % (total 354.00); a value refund of a quarter (88.50) listed by an
        // update; then cancelled. The cancellation arrives before the update. Net 0; stock back to 1000.
        var life = WooLifecycle.Build(5201, true, [(100m, 18m)], [2], true, [new WooLifecycle.Step(true, 1)], cancel: true, deleted: false);
        await AssertInOrderAsync(life, Worked(0m, 0m, 0m, 0m, (S0, 1000m)), "order.created", "cancelled", "processing");
    }

    [Fact]
    public async Task WooCommerce_order_deleted_is_not_a_cancellation()
    {
        // 1 x 200 @ 5 % to Maharashtra (210.00); half refunded by value (105.00); then trashed. Net 105.00 (IGST 5.00);
        // value refunds never restock: stock 999.
        var life = WooLifecycle.Build(5202, false, [(200m, 5m)], [1], false, [new WooLifecycle.Step(true, 2)], cancel: false, deleted: true);
        await AssertInOrderAsync(life, Worked(105.00m, 0m, 0m, 5.00m, (S0, 999m)), "order.created", "order.updated", "order.deleted");
    }

    [Fact]
    public async Task WooCommerce_a_value_refund_listed_by_every_later_update_is_credited_once()
    {
        // 2 x 200 @ 18 % to Karnataka (472.00); a quarter refunded, an update that only completes the order, then half
        // refunded: each update lists every refund so far. Delivered newest first, the sale between. Kept a quarter: 118.00
        // (CGST 9.00, SGST 9.00); stock 998.
        var life = WooLifecycle.Build(5203, true, [(200m, 18m)], [2], false,
            [new WooLifecycle.Step(true, 1), new WooLifecycle.Step(false, 0), new WooLifecycle.Step(true, 2)], cancel: false, deleted: false);
        await AssertInOrderAsync(life, Worked(118.00m, 9.00m, 9.00m, 0m, (S0, 998m)), "with 2 refund", "06-02", "order.created", "completed");
    }

    /// <summary>
    /// Delivers the lifecycle's deliveries (and copies) to a connection of its own in exactly this order (each chosen by a
    /// piece of its label, which must name one delivery not yet sent), letting each settle before the next, and checks the
    /// worked numbers against the model and the books against both.
    /// </summary>
    async Task AssertInOrderAsync(Lifecycle life, Books worked, params string[] order)
    {
        var model = life.Model(Opening);
        Assert.True(worked.Differences(model).Count == 0, $"TEST BUG: the model disagrees with the worked numbers: {string.Join("; ", worked.Differences(model))}");
        var sent = life.Sent();
        var left = Enumerable.Range(0, sent.Count).ToList();
        var indices = new List<int>();
        foreach (var piece in order)
        {
            var matches = left.Where(i => sent[i].Label.Contains(piece, StringComparison.Ordinal)).ToList();
            Assert.True(matches.Count >= 1, $"TEST BUG: no delivery left whose label contains '{piece}': {string.Join(", ", left.Select(i => sent[i].Label))}");
            indices.Add(matches[0]);
            left.Remove(matches[0]);
        }
        Assert.True(left.Count == 0, $"TEST BUG: deliveries not placed in the order: {string.Join(", ", left.Select(i => sent[i].Label))}");

        var perm = await SetUpAsync(life, Guid.NewGuid().ToString("N")[..8], 0, [.. indices]);
        var answers = new Answers();
        foreach (var i in indices)
        {
            await DeliverAsync(life, perm, sent[i], answers);
            // Let it post (or be held) before the next arrives, so "delivered before" is also "posted before".
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(2);
            while (DateTime.UtcNow < deadline && (await ActivityAsync(perm.Connection.Id)).Any(e => Status(e) == "accepted")) await Task.Delay(50);
        }
        var activity = (await SettleAsync([perm]))[0];
        var (books, vouchers) = await ReadBooksAsync(life, perm);
        var differences = model.Differences(books);
        Assert.True(differences.Count == 0 && answers.Unexpected == 0,
            $"{life.Describe()}\n  delivered in this order: {string.Join(" -> ", indices.Select(i => sent[i].Label))}\n  expected: {model}\n  actual:   {books}\n  "
            + string.Join("\n  ", differences) + $"\n  answers: {string.Join("; ", answers.Log)}\n  vouchers: {vouchers}\n  activity not posted: {Unposted(activity)}");
    }

    // ------------------------------------------------------------------------------------------------------------
    // Through the host
    // ------------------------------------------------------------------------------------------------------------

    /// <summary>One permutation: its connection (and secret), its items (shop SKU -> item SKU) and the order it sends in.</summary>
    sealed record Permutation(int Index, CreatedConnection Connection, string Secret, string Tag, IReadOnlyDictionary<string, string> Items, int[] Order);

    sealed class Answers
    {
        public List<string> Log { get; } = [];
        public int Unexpected;
    }

    async Task<Permutation> SetUpAsync(Lifecycle life, string tag, int index, int[] order)
    {
        var (platform, secret) = life.Shape switch
        {
            Shape.Custom => ("custom", (string?)null),
            Shape.Shopify => ("shopify", $"shpss_{tag}_{index}"),
            _ => ("woocommerce", $"wc-secret-{tag}-{index}"),
        };
        var c = await host.CreateConnectionAsync(platform, $"shuffled {tag} #{index}", secret is null ? null : new { webhookSecret = secret });
        var items = new Dictionary<string, string>();
        foreach (var sku in life.Skus)
        {
            var item = $"{tag}-p{index}-{sku}";
            await host.AdminJsonAsync(HttpMethod.Put, "/api/manage/items/" + Uri.EscapeDataString(item), new { name = item, stock = Opening });
            await host.AdminJsonAsync(HttpMethod.Put, $"/api/manage/connections/{c.Id}/sku-map/{Uri.EscapeDataString(sku)}", new { itemSku = item });
            items[sku] = item;
        }
        return new Permutation(index, c, secret ?? c.SigningSecret!, tag, items, order);
    }

    async Task<Answers> DeliverAllAsync(Lifecycle life, Permutation perm, IEnumerable<Delivery> deliveries)
    {
        var answers = new Answers();
        foreach (var d in deliveries) await DeliverAsync(life, perm, d, answers);
        return answers;
    }

    /// <summary>Sends one delivery as its platform would (re-sent on 503 or no answer, as platforms retry) and logs the answer.</summary>
    async Task DeliverAsync(Lifecycle life, Permutation perm, Delivery d, Answers answers)
    {
        var bytes = Encoding.UTF8.GetBytes(d.Body);
        for (var attempt = 1; ; attempt++)
        {
            using var request = life.Shape switch
            {
                Shape.Custom => SignedRequests.Custom(perm.Connection.Path, perm.Secret, d.Topic, d.Body),
                Shape.Shopify => ShopSamples.Shopify(perm.Connection.Path, d.Topic, bytes, perm.Secret, $"{d.WebhookId}-{perm.Tag}-{perm.Index}"),
                _ => ShopSamples.Woo(perm.Connection.Path, d.Topic, bytes, perm.Secret),
            };
            int status;
            string text;
            try
            {
                using var response = await host.Http.SendAsync(request);
                status = (int)response.StatusCode;
                text = await response.Content.ReadAsStringAsync();
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { status = 0; text = e.Message; }
            if (status is 0 or 503 && attempt < 10) { await Task.Delay(200); continue; }
            var word = "";
            try { word = JsonDocument.Parse(text).RootElement.GetProperty("status").GetString() ?? ""; } catch (JsonException) { } catch (KeyNotFoundException) { } catch (InvalidOperationException) { }
            // What a valid delivery may be answered: accepted, or (a copy, or a delivery whose every event is already known) duplicate.
            var expected = (status, word) is (200, "accepted" or "duplicate" or "recorded") or (409, "duplicate");
            lock (answers)
            {
                answers.Log.Add($"{d.Label}: {status} {word}{(expected ? "" : " " + Clip.To(text, 300))}");
                if (!expected) answers.Unexpected++;
            }
            return;
        }
    }

    async Task<JsonElement[]> ActivityAsync(string connectionId) =>
        [.. (await host.AdminJsonAsync(HttpMethod.Get, $"/api/manage/connections/{connectionId}/activity?top=500")).EnumerateArray()];

    static string Status(JsonElement e) => e.TryGetProperty("status", out var s) ? s.GetString() ?? "" : "";

    /// <summary>Polls every permutation's activity until none shows an event still accepted (queued, not yet posted, failed or held).</summary>
    async Task<JsonElement[][]> SettleAsync(IReadOnlyList<Permutation> perms)
    {
        var deadline = DateTime.UtcNow + SettleTimeout;
        while (true)
        {
            var activity = await Task.WhenAll(perms.Select(p => ActivityAsync(p.Connection.Id)));
            if (activity.All(a => a.All(e => Status(e) != "accepted")) || DateTime.UtcNow > deadline) return activity;
            await Task.Delay(250);
        }
    }

    static string Unposted(JsonElement[] activity)
    {
        var entries = activity.Where(e => Status(e) is not ("posted" or "duplicate")).Select(e =>
            $"{Text(e, "event")} {Text(e, "externalId")}: {Status(e)}{(Text(e, "reason") is { Length: > 0 } r ? $" \"{Clip.To(r, 300)}\"" : "")}").ToList();
        return entries.Count == 0 ? "none" : string.Join("; ", entries);
    }

    static string Text(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";

    /// <summary>The order's books as the admin API shows them: its vouchers (net and tax by component) and its items' stock.</summary>
    async Task<(Books Books, string Vouchers)> ReadBooksAsync(Lifecycle life, Permutation perm)
    {
        using var response = await host.Http.SendAsync(host.Admin(HttpMethod.Get, $"/api/manage/vouchers?connection={perm.Connection.Id}&order={Uri.EscapeDataString(life.OrderId)}"));
        var text = await response.Content.ReadAsStringAsync();
        JsonElement[] vouchers = response.StatusCode == HttpStatusCode.NotFound ? [] : [.. JsonDocument.Parse(text).RootElement.EnumerateArray().Select(v => v.Clone())];
        var net = 0m;
        var tax = new Dictionary<string, decimal>();
        var summary = new List<string>();
        foreach (var v in vouchers)
        {
            var type = v.GetProperty("type").GetString();
            var sign = type == "credit-note" ? -1m : 1m;
            var total = v.GetProperty("totals").GetProperty("total").GetDecimal();
            net += sign * total;
            var parts = new Dictionary<string, decimal>();
            foreach (var line in v.GetProperty("lines").EnumerateArray())
                foreach (var t in line.GetProperty("taxes").EnumerateArray())
                {
                    var name = t.GetProperty("name").GetString()!;
                    tax[name] = tax.GetValueOrDefault(name) + sign * t.GetProperty("amount").GetDecimal();
                    parts[name] = parts.GetValueOrDefault(name) + t.GetProperty("amount").GetDecimal();
                }
            var lines = string.Join(", ", v.GetProperty("lines").EnumerateArray().Select(l =>
                $"{l.GetProperty("quantity").GetDecimal().ToString(CultureInfo.InvariantCulture)} x {Text(l, "sku")}{(Text(l, "sku") == "shipping" ? "" : Text(l, "item") is { Length: > 0 } item ? $" (item {item})" : " (no item)")}"));
            summary.Add($"{Text(v, "number")} {type} {Text(v, "reference")} {Books.Money(total)} [{lines}; {string.Join(" ", parts.Select(p => $"{p.Key} {Books.Money(p.Value)}"))}]");
        }
        var stock = new Dictionary<string, decimal>();
        foreach (var (sku, item) in perm.Items)
            stock[sku] = (await host.AdminJsonAsync(HttpMethod.Get, "/api/manage/items/" + Uri.EscapeDataString(item))).GetProperty("stock").GetDecimal();
        return (new Books(net, tax, stock), summary.Count == 0 ? "none" : string.Join("; ", summary));
    }
}
