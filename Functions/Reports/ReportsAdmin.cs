using System.Globalization;
using Connectors.Admin;
using Connectors.Books;
using Connectors.Hosting;
using Connectors.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Connectors.Reports;

/// <summary>
/// The accountant's reports (GET /api/manage/reports/{report}?from=YYYY-MM-DD&amp;to=YYYY-MM-DD[&amp;format=csv]), the
/// one-off backfill of the period index and stock ledger for books written before them, and the books audit.
/// Each report reads the period's index rows only (VoucherStore.ListAsync), never a table scan.
/// </summary>
public static class ReportsAdmin
{
    public static readonly string[] Names = ["gstr1", "hsn", "vat", "sales-register", "note-register", "stock-ledger", "trial-balance"];

    public static async Task<IResult> ReportAsync(string report, HttpRequest request, VoucherStore vouchers, ItemStore items, IOptions<BooksOptions> options, CancellationToken ct)
    {
        if (!Names.Contains(report)) return AdminResults.Error(404, $"No report '{report}'. Reports: {string.Join(", ", Names)}.");
        if (Period(request) is { Error: { } bad }) return AdminResults.Error(400, bad);
        var (from, to, _) = Period(request);
        var format = request.Query["format"].FirstOrDefault() ?? "json";
        if (format is not ("json" or "csv")) return AdminResults.Error(400, $"format must be json or csv, not '{format}'.");
        var includeTest = request.Query["includeTest"].FirstOrDefault() is { } it && bool.TryParse(it, out var b) && b;
        var home = request.Query["home"].FirstOrDefault() is { Length: > 0 } h ? h.ToUpperInvariant() : null;
        if (home is not null && !(home.Length == 2 && home.All(char.IsAsciiLetterUpper)))
            return AdminResults.Error(400, $"home must be a two-letter country code (ISO 3166-1 alpha-2, e.g. DE), not '{request.Query["home"]}'.");

        ReportTable table;
        if (report == "stock-ledger")
        {
            var sku = request.Query["item"].FirstOrDefault();
            IReadOnlyList<Item> list;
            if (string.IsNullOrEmpty(sku)) list = await items.ListAsync(ct);
            else if (await items.GetAsync(sku, ct) is { } one) list = [one];
            else return AdminResults.Error(404, $"No item '{sku}'.");
            table = await StockLedger.BuildAsync(from, to, list, items, ct);
        }
        else
        {
            var period = new List<Voucher>();
            await foreach (var v in vouchers.ListAsync(from, to, includeTest && report is "sales-register" or "note-register" or "trial-balance", ct)) period.Add(v);
            table = report switch
            {
                "gstr1" or "hsn" => await new GstReturn(options.Value).BuildAsync(from, to, period,
                    async n => (await vouchers.GetAsync(n, ct))?.Totals.Total, (await items.ListAsync(ct)).ToDictionary(i => i.Sku, StringComparer.Ordinal), report == "hsn"),
                "vat" => Registers.VatBook(from, to, period, home),
                "sales-register" => Registers.SalesRegister(from, to, period),
                "note-register" => Registers.NoteRegister(from, to, period),
                _ => Registers.TrialBalance(from, to, period),
            };
        }
        return format == "csv"
            ? Results.File(System.Text.Encoding.UTF8.GetBytes(table.ToCsv()), "text/csv; charset=utf-8", $"{report}-{from:yyyy-MM-dd}-{to:yyyy-MM-dd}.csv")
            : Results.Bytes(table.ToJson(), "application/json; charset=utf-8");
    }

    /// <summary>from and to (inclusive) as YYYY-MM-DD, from not after to; or what is wrong with them.</summary>
    public static (DateOnly From, DateOnly To, string? Error) Period(HttpRequest request)
    {
        const string usage = "from and to are required as YYYY-MM-DD: ?from=2026-05-01&to=2026-05-31.";
        var f = request.Query["from"].FirstOrDefault();
        var t = request.Query["to"].FirstOrDefault();
        if (string.IsNullOrEmpty(f) || string.IsNullOrEmpty(t)) return (default, default, usage);
        if (!DateOnly.TryParseExact(f, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var from)) return (default, default, $"from '{f}' is not a date: " + usage);
        if (!DateOnly.TryParseExact(t, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var to)) return (default, default, $"to '{t}' is not a date: " + usage);
        if (to < from) return (default, default, $"to ({t}) is before from ({f}).");
        if (to.DayNumber - from.DayNumber > 3660) return (default, default, "The period may be at most ten years.");
        return (from, to, null);
    }

    public sealed record Backfill(int IndexRows, int OpeningEntries);

    /// <summary>Once after upgrading: index rows for vouchers written before the period index, opening entries for stock that predates the ledger.</summary>
    public static async Task<IResult> BackfillAsync(VoucherStore vouchers, ItemStore items, CancellationToken ct) =>
        Results.Json(new Backfill(await vouchers.ReindexAsync(ct), await items.BackfillLedgerAsync(ct)));

    /// <summary>The books audit: 200 when every check passes, 409 when one fails; the lines name the first offenders.</summary>
    public static async Task<IResult> AuditAsync(StorageAccount storage, IOptions<BooksOptions> options, CancellationToken ct)
    {
        var result = await new BooksAudit(storage, options.Value).RunAsync(ct);
        return Results.Json(result, statusCode: result.Passed ? 200 : 409);
    }
}
