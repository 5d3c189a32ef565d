using System.Text.Json;
using Azure.Data.Tables;
using Connectors.Books;
using Connectors.Hosting;
using Connectors.Storage;
using Microsoft.Extensions.Options;

namespace Connectors.Reports;

/// <summary>One check of the books audit: its name, whether it held, what it covered, and the first offenders.</summary>
public sealed record AuditCheck(string Name, bool Passed, string Detail, IReadOnlyList<string> Offenders)
{
    /// <summary>The check as one printed line: PASS or FAIL, its name, what it covered, the first offenders.</summary>
    public string Line => $"{(Passed ? "PASS" : "FAIL")} {Name}: {Detail}" + (Offenders.Count > 0 ? " — " + string.Join("; ", Offenders) : "");
}

public sealed record AuditResult(bool Passed, IReadOnlyList<AuditCheck> Checks)
{
    public IEnumerable<string> Lines => Checks.Select(c => c.Line);
}

/// <summary>
/// Proves the books whole from what is stored (a scan of Vouchers, Items, Orders, Receipts and Activity: an audit reads
/// everything, unlike the reports). Shared by GET /api/manage/audit-books, the audit console (audit/) and the
/// reliability report. Each check prints one line and names at most the first ten offenders.
/// </summary>
public sealed class BooksAudit(StorageAccount storage, BooksOptions options)
{
    const int MaxOffenders = 10;
    readonly string _book = Keys.Escape(options.Book);
    static readonly HashSet<string> Settled = new(StringComparer.Ordinal)
    {
        Activity.ActivityStatus.Posted, Activity.ActivityStatus.Held, Activity.ActivityStatus.Stale, Activity.ActivityStatus.Recorded,
        Activity.ActivityStatus.Ignored, Activity.ActivityStatus.Duplicate,
    };

    public async Task<AuditResult> RunAsync(CancellationToken ct)
    {
        var opts = Options.Create(options);
        var voucherStore = new VoucherStore(storage, opts);
        var itemStore = new ItemStore(storage, opts);
        var vouchers = new List<Voucher>();
        await foreach (var v in voucherStore.ScanAsync(ct)) vouchers.Add(v);
        var (rows, indexed, counters) = await voucherStore.RowsAsync(ct);
        var orders = await OrdersAsync(ct);

        var checks = new List<AuditCheck>
        {
            Check("every voucher balances", $"{vouchers.Count} vouchers",
                vouchers.Where(v => Journal.Balance(v.Journal) != 0 || v.Totals.Total != v.Lines.Sum(l => l.Total) || v.Journal.Where(j => j.Account == Journal.Debtors).Sum(j => j.Debit + j.Credit) != v.Totals.Total)
                    .Select(v => $"{v.Number} (debits − credits {Journal.Balance(v.Journal)}, total {v.Totals.Total}, lines {v.Lines.Sum(l => l.Total)})")),
            TrialBalance(vouchers),
            Numbers(rows, counters),
            Check("every voucher is in the period index", $"{rows.Count} vouchers, {indexed.Count} index rows",
                rows.Where(r => !indexed.Contains((r.Partition, VoucherStore.IndexKeyOf(r.Date, r.RowKey)))).Select(r => $"{r.Partition}/{r.RowKey} (POST /api/manage/books/backfill indexes it)")),
            await StockAsync(itemStore, ct),
            await EventsAsync(orders, ct),
            Check("no order has two sales", $"{vouchers.Count(v => v.Type == VoucherType.Sales)} sales",
                vouchers.Where(v => v.Type == VoucherType.Sales).GroupBy(v => (v.ConnectionId, v.ExternalId)).Where(g => g.Count() > 1)
                    .Select(g => $"order {g.Key.ExternalId} on {g.Key.ConnectionId}: {string.Join(", ", g.Select(v => v.Number))}")),
            Nets(vouchers, orders),
        };
        return new AuditResult(checks.All(c => c.Passed), checks);
    }

    static AuditCheck Check(string name, string detail, IEnumerable<string> offenders)
    {
        var list = offenders.Take(MaxOffenders + 1).ToList();
        var shown = list.Take(MaxOffenders).ToList();
        if (list.Count > MaxOffenders) shown.Add("…");
        return new AuditCheck(name, list.Count == 0, detail, shown);
    }

    static AuditCheck TrialBalance(List<Voucher> vouchers)
    {
        var debit = vouchers.SelectMany(v => v.Journal).Sum(j => j.Debit);
        var credit = vouchers.SelectMany(v => v.Journal).Sum(j => j.Credit);
        return Check("the trial balance is zero", $"debits {debit}, credits {credit}", debit == credit ? [] : [$"difference {debit - credit}"]);
    }

    /// <summary>Per series and year (one partition): the voucher rows are exactly 1..the counter, each once.</summary>
    static AuditCheck Numbers(List<(string Partition, string RowKey, string Date)> rows, Dictionary<string, long> counters)
    {
        var offenders = new List<string>();
        var byPartition = rows.GroupBy(r => r.Partition).ToDictionary(g => g.Key, g => g.Select(r => long.Parse(r.RowKey)).ToList(), StringComparer.Ordinal);
        foreach (var pk in counters.Keys.Union(byPartition.Keys).Order(StringComparer.Ordinal))
        {
            var numbers = byPartition.GetValueOrDefault(pk) ?? [];
            var last = counters.GetValueOrDefault(pk);
            var label = pk[(pk.IndexOf('|') + 1)..].Replace('|', '/');
            foreach (var n in numbers.GroupBy(n => n).Where(g => g.Count() > 1)) offenders.Add($"{label}/{n.Key:D6} twice");
            var have = numbers.ToHashSet();
            for (var n = 1L; n <= last && offenders.Count <= MaxOffenders; n++)
                if (!have.Contains(n)) offenders.Add($"{label}/{n:D6} missing (counter at {last})");
            foreach (var n in numbers.Where(n => n > last)) offenders.Add($"{label}/{n:D6} beyond the counter ({last})");
        }
        return Check("numbers are gapless and unique per series and year", $"{counters.Count} series-years, {rows.Count} numbers", offenders);
    }

    async Task<AuditCheck> StockAsync(ItemStore items, CancellationToken ct)
    {
        var list = await items.ListAsync(ct);
        var ledger = (await items.AllLedgerAsync(ct)).GroupBy(e => e.Sku, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var offenders = new List<string>();
        foreach (var item in list)
        {
            var entries = ledger.GetValueOrDefault(item.Sku) ?? [];
            var opening = entries.Where(e => e.Kind == "opening").Sum(e => e.Delta);
            var moved = entries.Where(e => e.Kind != "opening").Sum(e => e.Delta);
            if (opening + moved != item.Stock)
                offenders.Add(entries.Count == 0 && item.Stock != 0
                    ? $"{item.Sku}: stock {item.Stock} but no ledger (predates it: POST /api/manage/books/backfill)"
                    : $"{item.Sku}: stock {item.Stock}, opening {opening} + movements {moved} = {opening + moved}");
        }
        return Check("every item's stock equals its opening plus its movements", $"{list.Count} items, {ledger.Values.Sum(e => e.Count)} ledger entries", offenders);
    }

    /// <summary>
    /// Every accepted event (a receipt marked enqueued) is posted (its order applied it, or its activity entry says
    /// posted, held, stale...), failed with a reason, or still queued: the events queue, its poison queue or the outbox
    /// holds something. An event neither settled nor possibly queued is lost.
    /// </summary>
    async Task<AuditCheck> EventsAsync(List<OrderState> orders, CancellationToken ct)
    {
        var applied = new HashSet<string>(orders.SelectMany(o => o.Applied.Keys.Concat(o.Held).Concat(o.Pending is { } p ? [p.EventId] : [])), StringComparer.Ordinal);
        var activity = new Dictionary<string, (string Status, string? Reason, string Connection)>(StringComparer.Ordinal);
        await foreach (var e in storage.Table(TableNames.Activity).QueryAsync<TableEntity>(select: ["PartitionKey", "EventId", "Status", "Reason"], cancellationToken: ct))
            if (e.GetString("EventId") is { Length: > 0 } id)
            {
                var status = e.GetString("Status") ?? "";
                // An event may have several entries (a replay): the most settled one counts.
                if (!activity.TryGetValue(id, out var known) || Rank(status) > Rank(known.Status)) activity[id] = (status, e.GetString("Reason"), e.PartitionKey);
            }
        var queued = await QueuedAsync(ct);
        var accepted = 0;
        var inFlight = 0;
        var offenders = new List<string>();
        await foreach (var r in storage.Table(TableNames.Receipts).QueryAsync<TableEntity>(x => x.GetString("State") == "enqueued", select: ["PartitionKey", "EventId", "DedupeKey"], cancellationToken: ct))
        {
            if (r.GetString("EventId") is not { Length: > 0 } id) continue;
            accepted++;
            if (applied.Contains(id)) continue;
            if (activity.TryGetValue(id, out var a) && Settled.Contains(a.Status)) continue;
            if (activity.TryGetValue(id, out a) && a.Status == Activity.ActivityStatus.Failed)
            {
                if (string.IsNullOrWhiteSpace(a.Reason)) offenders.Add($"event {id} ({r.GetString("DedupeKey")}) on {r.PartitionKey}: failed without a reason");
                continue;
            }
            if (queued > 0) { inFlight++; continue; }
            offenders.Add($"event {id} ({r.GetString("DedupeKey")}) on {r.PartitionKey}: accepted, {(activity.ContainsKey(id) ? "activity says " + activity[id].Status : "no activity entry")}, not posted and nothing queued");
        }
        return Check("every accepted event is posted, failed with a reason, or still queued", $"{accepted} accepted, {inFlight} still queued ({queued} messages or outbox rows)", offenders);
    }

    static int Rank(string status) => status switch { Activity.ActivityStatus.Posted => 3, Activity.ActivityStatus.Failed => 2, "" or Activity.ActivityStatus.Accepted => 0, _ => 1 };

    /// <summary>Messages on the events and poison queues plus outbox rows (0 when none exists).</summary>
    async Task<long> QueuedAsync(CancellationToken ct)
    {
        long n = 0;
        foreach (var q in new[] { QueueNames.Events, QueueNames.EventsPoison })
        {
            var queue = storage.Queue(q);
            if (await queue.ExistsAsync(ct)) n += (await queue.GetPropertiesAsync(ct)).Value.ApproximateMessagesCount;
        }
        try
        {
            await foreach (var _ in storage.Table(TableNames.Outbox).QueryAsync<TableEntity>(select: ["PartitionKey"], maxPerPage: 1, cancellationToken: ct)) { n++; break; }
        }
        catch (Azure.RequestFailedException e) when (e.Status == 404) { }
        return n;
    }

    /// <summary>
    /// Each order's vouchers (sales and debit notes less credit notes) add up to what its row says it still bills
    /// (OrderState.Lines: the facts' latest snapshot less the refunds and the cancellation credited). Orders with an
    /// unfinished plan are skipped: their next event completes them.
    /// </summary>
    static AuditCheck Nets(List<Voucher> vouchers, List<OrderState> orders)
    {
        var nets = vouchers.GroupBy(v => (v.ConnectionId, v.ExternalId)).ToDictionary(g => g.Key, g => g.Sum(v => v.Type == VoucherType.CreditNote ? -v.Totals.Total : v.Totals.Total));
        var offenders = new List<string>();
        var checkedOrders = 0;
        foreach (var o in orders.Where(o => o.Pending is null && (o.SalePosted || o.SaleNumber is not null)))
        {
            checkedOrders++;
            var expected = o.Lines.Values.Sum(p => p.Total);
            var net = nets.GetValueOrDefault((o.ConnectionId, o.ExternalId));
            if (net != expected) offenders.Add($"order {o.ExternalId} on {o.ConnectionId}: vouchers net {net}, its facts say {expected}");
        }
        return Check("every order's net equals what its latest snapshot says", $"{checkedOrders} orders", offenders);
    }

    async Task<List<OrderState>> OrdersAsync(CancellationToken ct)
    {
        var list = new List<OrderState>();
        var from = _book + "|";
        var to = _book + "}";
        await foreach (var e in storage.Table(TableNames.Orders).QueryAsync<TableEntity>(x => x.PartitionKey.CompareTo(from) >= 0 && x.PartitionKey.CompareTo(to) < 0, cancellationToken: ct))
            if (OrderMigration.Current(JsonSerializer.Deserialize(TableJson.Read(e), BooksJson.Default.OrderState)) is { } o) list.Add(o);
        return list;
    }
}
