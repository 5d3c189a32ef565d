using System.Diagnostics;
using Connectors.Books;
using Connectors.Hosting;
using Connectors.Reports;
using Connectors.Storage;
using Microsoft.Extensions.Options;

namespace Connectors.Bench;

/// <summary>
/// dotnet run -c Release --project bench/Bench -- --report-month [N]: how long a month's reports take over N orders
/// (default 100,000). The orders' sales vouchers are written straight to the real VoucherStore (numbering and period
/// index as posting writes them, without HTTP and the queue, to make the volume feasible) on an Azurite of its own, all
/// dated in one month, plus N/10 in the month before and after, which a month's report must not read. Then GSTR-1, the
/// sales register and the period trial balance are built for the month as the admin routes build them, each timed.
/// </summary>
public static class ReportTiming
{
    public static async Task RunAsync(int orders, TextWriter log)
    {
        await using var azurite = await Azurite.StartAsync();
        var storage = StorageAccount.FromConnectionString(azurite.ConnectionString);
        await storage.EnsureCreatedAsync();
        var options = new BooksOptions();
        var store = new VoucherStore(storage, Options.Create(options));
        var month = new DateOnly(2026, 5, 1);
        var days = DateTime.DaysInMonth(month.Year, month.Month);

        var write = Stopwatch.StartNew();
        var outside = orders / 10;
        var drafts = Enumerable.Range(0, orders).Select(i => Sale(i, month.AddDays(i % days), i % 5 == 0))
            .Concat(Enumerable.Range(0, outside).Select(i => Sale(orders + i, month.AddDays(-1 - i % 30), false)))
            .Concat(Enumerable.Range(0, outside).Select(i => Sale(orders + outside + i, month.AddMonths(1).AddDays(i % 30), false)));
        var written = 0;
        await Parallel.ForEachAsync(drafts, new ParallelOptions { MaxDegreeOfParallelism = 128 }, async (d, ct) =>
        {
            await store.PostAsync(d, ct);
            if (Interlocked.Increment(ref written) % 10_000 == 0) log.WriteLine($"  {written} vouchers written ({write.Elapsed.TotalSeconds:0} s)");
        });
        log.WriteLine($"wrote {written} vouchers ({orders} in {month:yyyy-MM}, {2 * outside} in the months beside it) in {write.Elapsed.TotalSeconds:0.0} s");

        var to = month.AddDays(days - 1);
        log.WriteLine("| report | vouchers read | rows | seconds |");
        log.WriteLine("|---|---:|---:|---:|");
        for (var run = 0; run < 2; run++)
        {
            var read = Stopwatch.StartNew();
            var period = new List<Voucher>();
            await foreach (var v in store.ListAsync(month, to, includeTest: false, CancellationToken.None)) period.Add(v);
            var readSeconds = read.Elapsed.TotalSeconds;
            var gst = Stopwatch.StartNew();
            var gstr1 = await new GstReturn(options).BuildAsync(month, to, period, _ => Task.FromResult<decimal?>(null), new Dictionary<string, Item>());
            var csv = gstr1.ToCsv();
            var gstSeconds = gst.Elapsed.TotalSeconds;
            var reg = Stopwatch.StartNew();
            var register = Registers.SalesRegister(month, to, period);
            var json = register.ToJson();
            var regSeconds = reg.Elapsed.TotalSeconds;
            var tb = Registers.TrialBalance(month, to, period);
            log.WriteLine($"| {(run == 0 ? "first" : "second")} run: read the month (period index) | {period.Count} | | {readSeconds:0.00} |");
            log.WriteLine($"| GSTR-1 built + CSV ({csv.Length / 1024} KiB) | {period.Count} | {gstr1.Rows.Count} | {gstSeconds:0.00} |");
            log.WriteLine($"| sales register built + JSON ({json.Length / 1024 / 1024} MiB) | {period.Count} | {register.Rows.Count} | {regSeconds:0.00} |");
            if (period.Count != orders) throw new InvalidOperationException($"The month holds {orders} vouchers but {period.Count} were read.");
            if (!(bool)tb.Summary["balanced"]!) throw new InvalidOperationException("The trial balance does not balance.");
        }
    }

    /// <summary>A sale of two lines (18 % intra-state and 12 % inter-state), every fifth to a registered buyer.</summary>
    static Voucher Sale(int i, DateOnly date, bool b2b) => new Voucher
    {
        Type = VoucherType.Sales, Date = date, Reference = $"BENCH-{i}", Customer = $"Customer {i % 997}", PlaceOfSupply = i % 2 == 0 ? "29" : "27",
        BuyerTaxId = b2b ? "27AAPFU0939F1ZV" : null, Currency = "INR", ConnectionId = "bench", ExternalId = $"BENCH-{i}", PostingKey = $"bench-{i}|SV",
        Lines =
        [
            new VoucherLine { Sku = "W-1", Item = "W-1", Description = "Widget", Quantity = 2, Rate = 100, Taxable = 200, Taxes = i % 2 == 0 ? [new("CGST", 9, 18), new("SGST", 9, 18)] : [new("IGST", 18, 36)] },
            new VoucherLine { Sku = "S-1", Description = "Shipping", Quantity = 1, Rate = 50, Taxable = 50, IsService = true, Taxes = i % 2 == 0 ? [new("CGST", 6, 3), new("SGST", 6, 3)] : [new("IGST", 12, 6)] },
        ],
    }.Completed();
}
