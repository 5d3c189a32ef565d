using Connectors.Books;
using Connectors.Ingest;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Connectors.Posting;

/// <summary>
/// The posting engine. Per order, every event goes through the order row (ETag-serialised):
/// 1. plan against the order as it is (PostingPlanner: merge the event's fact, derive the difference the books lack) and
///    write the order as it will be, with the plan's vouchers and moves as its pending intent (If-Match; a sale first
///    tries to insert the order row outright, and reads it only when it already exists);
/// 2. post its vouchers (each under a deterministic posting key: the number transaction dedupes);
/// 3. move stock, count unmapped SKUs, record the customer (each keyed, applied once);
/// 4. clear the intent and mark the event applied (If-Match).
/// Whoever finds a pending intent (a redelivery, another worker, the order's next event) finishes it first,
/// so a crash between any two writes neither loses nor repeats a step.
/// </summary>
public sealed partial class BooksPoster(OrderStore orders, VoucherStore vouchers, ItemStore items, SkuMapStore skuMaps, CustomerStore customers,
    IOptions<BooksOptions> options, ILogger<BooksPoster> log) : IEventPoster
{
    readonly PostingPlanner _planner = new(new TaxRules(options.Value), options.Value.Currency.ToUpperInvariant(), options.Value.Zone, options.Value.RoundOffLimit);

    public async Task<PostingOutcome> PostAsync(CanonicalEvent e, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(e.EventId)) throw new PostingRejectedException("The event has no id.");
        if (e.Kind == EventKind.Product) return await ProductAsync(e, ct);
        // A sale usually opens its order: try the intent insert without reading first. The insert fails (409) when the
        // row exists, for whatever reason (a redelivery, a pending intent, an earlier event), and then we read it as always.
        var guessNew = e.Kind == EventKind.Sale;
        for (var attempt = 0; ; attempt++)
        {
            var (read, etag) = guessNew ? (null, default) : await orders.GetAsync(e.ConnectionId, e.ExternalId, ct);
            // A row from before facts were kept is read in today's layout, an unfinished plan of it included.
            var order = OrderMigration.Current(read);
            if (order is not null && order.Applied.TryGetValue(e.EventId, out var done))
                return new PostingOutcome(done, done.Count == 0 ? "Already processed: nothing to post." : null);
            if (order?.Pending is { } pending)
            {
                // Someone's unfinished event (maybe ours): finish it before deciding anything new.
                await CompleteAsync(order, etag, pending, ct);
                continue;
            }
            // Every SKU the order's facts name: a sale arriving after an edit or a refund posts their lines too.
            var skus = e.Lines.Select(l => l.Sku);
            if (order?.Facts is { } facts)
                skus = skus.Concat((facts.Snapshot?.Lines ?? []).Concat(facts.Refunds.Values.SelectMany(r => r.Lines)).Select(l => l.Sku));
            skus = skus.Concat(e.Refunds.SelectMany(r => r.Lines).Select(l => l.Sku)).Distinct(StringComparer.Ordinal);
            var items = await skuMaps.ResolveAllAsync(e.ConnectionId, skus, ct);
            OrderState basis;
            PostingPlan plan;
            try { (basis, plan) = _planner.Plan(e, order, items); }
            catch (Exception) when (guessNew)
            {
                // Refused as a new order's sale: the order may exist, and then the answer is the one its row gives.
                guessNew = false;
                continue;
            }
            var intent = basis with { Pending = plan };
            var written = await orders.TrySaveAsync(intent, order is null ? null : etag, ct);
            if (written is null && guessNew)
            {
                guessNew = false;
                continue;
            }
            if (written is null)
            {
                if (attempt >= 200) throw new InvalidOperationException($"Order {e.ExternalId} kept changing while posting {e.EventId}; retrying later.");
                LogRace(log, e.EventId, e.ExternalId, attempt);
                await Task.Delay(Random.Shared.Next(1, 10 + Math.Min(attempt, 50)), ct);
                continue;
            }
            var numbers = await CompleteAsync(intent, written.Value, plan, ct);
            return new PostingOutcome(numbers, plan.Note, plan.Status,
                plan.Released.Select(r => new ReleasedOutcome(r.ActivityKey, r.Vouchers.Select(i => numbers[i]).ToList())).ToList());
        }
    }

    public async Task<IReadOnlyList<string>?> AppliedAsync(CanonicalEvent e, CancellationToken ct) =>
        (await orders.GetAsync(e.ConnectionId, e.ExternalId, ct)).Order?.Applied.GetValueOrDefault(e.EventId);

    async Task<List<string>> CompleteAsync(OrderState order, Azure.ETag etag, PostingPlan plan, CancellationToken ct)
    {
        var numbers = new List<string>(plan.Vouchers.Count);
        var saleNumber = order.SaleNumber;
        foreach (var v in plan.Vouchers)
        {
            // A note planned with its sale names the sale's number once that is allocated.
            var number = await vouchers.PostAsync(v.LinkedTo == Reconciliation.SaleLink ? v with { LinkedTo = saleNumber } : v, ct);
            if (v.Type == VoucherType.Sales) saleNumber ??= number;
            numbers.Add(number);
        }
        // Independent rows, each applied once by its own key: written side by side once the vouchers are durable.
        // An event's stock movements are one change of its book's items (one marker), its unmapped SKUs one of the connection's counts.
        var sideEffects = new List<Task>(3);
        // The stock ledger dates a movement with its event's voucher and names the vouchers (a move with none: today).
        if (plan.Moves.Count > 0)
            sideEffects.Add(items.MoveAsync(plan.Moves, plan.EventId, ct, plan.Vouchers.Count > 0 ? plan.Vouchers[0].Date : null, numbers.Count > 0 ? string.Join(",", numbers) : null));
        if (plan.Unmapped.Count > 0) sideEffects.Add(skuMaps.CountUnmappedAsync(order.ConnectionId, plan.Unmapped, plan.EventId, ct));
        if (order.CustomerKey is { } key && plan.Customer is { } customer && numbers.Count > 0)
            sideEffects.Add(customers.RecordAsync(key, customer, numbers, ct));
        else if (order.CustomerKey is { } k && numbers.Count > 0)
            sideEffects.Add(customers.RecordAsync(k, new Customer { Name = order.Customer }, numbers, ct));
        await Task.WhenAll(sideEffects);

        var applied = new Dictionary<string, List<string>>(order.Applied, StringComparer.Ordinal);
        // A held event is not done: its redelivery (or a corrected copy) is planned again.
        if (plan.Status != Activity.ActivityStatus.Held) applied[plan.EventId] = numbers;
        foreach (var r in plan.Released) applied[r.EventId] = r.Vouchers.Select(i => numbers[i]).ToList();
        var done = order with { Pending = null, SaleNumber = saleNumber, Vouchers = [.. order.Vouchers, .. numbers], Applied = applied };
        // Lost race: another worker applied it (or is about to); the caller reloads and sees it applied.
        await orders.TrySaveAsync(done, etag, ct);
        return numbers;
    }

    async Task<PostingOutcome> ProductAsync(CanonicalEvent e, CancellationToken ct)
    {
        var changed = 0;
        var older = new List<string>();
        foreach (var line in e.Lines.Count > 0 ? e.Lines : [new CanonicalLine { Sku = e.ExternalId }])
        {
            var sku = await skuMaps.ResolveAsync(e.ConnectionId, line.Sku, ct) ?? line.Sku;
            if (await items.ApplyProductAsync(sku, line.Description, line.Rate > 0 ? line.Rate : null, line.StockLevel, e.EventId, e.Version ?? e.ReceivedAt, ct) is null) older.Add(sku);
            else changed++;
        }
        skuMaps.Invalidate();
        if (older.Count > 0 && changed == 0)
            return new PostingOutcome([], $"Stale: this product update ({e.Version ?? e.ReceivedAt:O}) is older than the level already set for {string.Join(", ", older)}; nothing changed.", Activity.ActivityStatus.Stale);
        return new PostingOutcome([], $"Updated {changed} item(s); no voucher." + (older.Count > 0 ? $" Older than the level already set, unchanged: {string.Join(", ", older)}." : ""));
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Event {EventId}: order {ExternalId} changed under us (attempt {Attempt}); planning again")]
    static partial void LogRace(ILogger logger, string eventId, string externalId, int attempt);
}
