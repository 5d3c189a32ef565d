using Connectors.Books;

namespace Connectors.Reports;

/// <summary>
/// An item's stock over a period: the opening balance, each entry dated in the period (an order's movement with its
/// vouchers, a count, a product event's level), the closing balance. Balances are worked back from the stock now:
/// closing = stock − the entries dated after the period, opening = closing − the period's entries (docs/reports.md).
/// </summary>
public static class StockLedger
{
    public static async Task<ReportTable> BuildAsync(DateOnly from, DateOnly to, IReadOnlyList<Item> items, ItemStore store, CancellationToken ct)
    {
        var t = new ReportTable("stock-ledger", from, to, "item", "date", "kind", "vouchers", "in", "out", "balance");
        foreach (var item in items)
        {
            var entries = await store.LedgerAsync(item.Sku, from, ct);
            var closing = item.Stock - entries.Where(e => e.Date > to).Sum(e => e.Delta);
            var inPeriod = entries.Where(e => e.Date <= to).OrderBy(e => e.Date).ThenBy(e => e.Key, StringComparer.Ordinal).ToList();
            var balance = closing - inPeriod.Sum(e => e.Delta);
            t.Add(item.Sku, from, "opening", null, null, null, balance);
            foreach (var e in inPeriod)
            {
                balance += e.Delta;
                t.Add(item.Sku, e.Date, e.Kind, e.Vouchers, e.Delta > 0 ? e.Delta : 0m, e.Delta < 0 ? -e.Delta : 0m, balance);
            }
            t.Add(item.Sku, to, "closing", null, null, null, closing);
        }
        return t;
    }
}
