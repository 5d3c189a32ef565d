using Connectors.Books;

namespace Connectors.Reports;

/// <summary>
/// The GSTR-1 tables the books can fill (CGST Rules r.59, Form GSTR-1), for the vouchers dated in the period:
/// 4A (B2B invoices, buyer's GSTIN known), 5 (B2C large: inter-state to an unregistered buyer above ₹1,00,000),
/// 6A (exports, place of supply 96), 7 (B2C others by place of supply and rate, net of their notes), 9B (credit and
/// debit notes: registered, and unregistered for B2C large and exports), 12 (HSN/SAC summary, B2B and B2C), 13
/// (documents issued per series). Only lines credited to Sales are supplies: gift cards, round off and credit notes
/// past the s.34(2) deadline (Sales returns, no GST) are left out. Test vouchers never appear.
/// </summary>
public sealed class GstReturn(BooksOptions options)
{
    /// <summary>GSTR-1 table 5: inter-state B2C invoices above this value are reported one by one (₹1,00,000 since 1 August 2024, ₹2,50,000 before).</summary>
    public const decimal B2clLimit = 100_000m;

    public static readonly string[] Columns =
    [
        "table", "gstin", "receiver", "number", "date", "linkedTo", "noteType", "placeOfSupply", "supplyType", "value",
        "hsn", "description", "uqc", "quantity", "rate", "taxable", "igst", "cgst", "sgst", "cess",
        "firstNumber", "lastNumber", "count", "cancelled",
    ];

    enum Kind { B2B, B2CL, Export, B2CS }

    Kind KindOf(Voucher v, decimal invoiceValue)
    {
        if (Gstin.IsValid(v.BuyerTaxId)) return Kind.B2B;
        if (v.PlaceOfSupply == TaxRules.OutsideIndia) return Kind.Export;
        var interState = !string.IsNullOrEmpty(v.PlaceOfSupply) && v.PlaceOfSupply != options.HomeState;
        return interState && invoiceValue > B2clLimit ? Kind.B2CL : Kind.B2CS;
    }

    public static bool IsSupply(VoucherLine l) => l.Account is null;
    public static decimal GstRate(VoucherLine l) => l.Taxes.Where(t => t.Name != TaxRules.Cess).Sum(t => t.Rate);
    public static decimal TaxOf(VoucherLine l, string name) => l.Taxes.Where(t => t.Name == name).Sum(t => t.Amount);

    /// <param name="vouchers">The period's real vouchers.</param>
    /// <param name="saleTotal">The total of a linked sale (a note's invoice, dated maybe in another period), by number.</param>
    /// <param name="items">Items by SKU, for their HSN codes and names.</param>
    public async Task<ReportTable> BuildAsync(DateOnly from, DateOnly to, IReadOnlyList<Voucher> vouchers, Func<string, Task<decimal?>> saleTotal,
        IReadOnlyDictionary<string, Item> items, bool hsnOnly = false)
    {
        var t = new ReportTable(hsnOnly ? "hsn" : "gstr1", from, to, Columns);
        var real = vouchers.Where(v => !v.IsTest).OrderBy(v => v.Date).ThenBy(v => v.Number, StringComparer.Ordinal).ToList();
        var kinds = new Dictionary<string, Kind>(StringComparer.Ordinal);
        foreach (var v in real)
        {
            var value = v.Totals.Total;
            if (v.Type != VoucherType.Sales && v.LinkedTo is { } sale && !Gstin.IsValid(v.BuyerTaxId) && v.PlaceOfSupply != TaxRules.OutsideIndia
                && !string.IsNullOrEmpty(v.PlaceOfSupply) && v.PlaceOfSupply != options.HomeState)
                value = await saleTotal(sale) ?? 0m;
            kinds[v.Number] = KindOf(v, value);
        }

        if (!hsnOnly)
        {
            // 4A, 5, 6A: one row per invoice and rate.
            foreach (var v in real.Where(v => v.Type == VoucherType.Sales && kinds[v.Number] != Kind.B2CS))
                foreach (var g in v.Lines.Where(IsSupply).GroupBy(GstRate).OrderBy(g => g.Key))
                {
                    var table = kinds[v.Number] switch { Kind.B2B => "4A", Kind.B2CL => "5", _ => "6A" };
                    var supply = kinds[v.Number] == Kind.Export ? (g.Sum(l => l.Tax) == 0 ? "WOPAY" : "WPAY") : null;
                    AddAmounts(t, table, v, null, supply, g.Key, g.ToList(), 1);
                }
            // 7: B2C others, by place of supply and rate, sales plus debit notes less credit notes.
            foreach (var g in real.Where(v => kinds[v.Number] == Kind.B2CS)
                .SelectMany(v => v.Lines.Where(IsSupply).Select(l => (v, l)))
                .GroupBy(x => (Pos: x.v.PlaceOfSupply ?? options.HomeState, Rate: GstRate(x.l))).OrderBy(g => g.Key.Pos, StringComparer.Ordinal).ThenBy(g => g.Key.Rate))
            {
                var rows = g.ToList();
                decimal Sum(Func<VoucherLine, decimal> f) => rows.Sum(x => Sign(x.v) * f(x.l));
                t.Add("7", null, null, null, null, null, null, g.Key.Pos, g.Key.Pos == options.HomeState ? "INTRA" : "INTER", Sum(l => l.Total), null, null, null, null,
                    g.Key.Rate, Sum(l => l.Taxable), Sum(l => TaxOf(l, "IGST")), Sum(l => TaxOf(l, "CGST")), Sum(l => TaxOf(l, "SGST")), Sum(l => TaxOf(l, TaxRules.Cess)), null, null, null, null);
            }
            // 9B: notes to registered buyers (CDNR), and to unregistered ones for B2C large and exports (CDNUR), per note and rate.
            foreach (var v in real.Where(v => v.Type != VoucherType.Sales && kinds[v.Number] != Kind.B2CS))
                foreach (var g in v.Lines.Where(IsSupply).GroupBy(GstRate).OrderBy(g => g.Key))
                {
                    var supply = kinds[v.Number] switch { Kind.B2B => "CDNR", Kind.B2CL => "CDNUR-B2CL", _ => g.Sum(l => l.Tax) == 0 ? "CDNUR-EXPWOP" : "CDNUR-EXPWP" };
                    AddAmounts(t, "9B", v, v.Type == VoucherType.CreditNote ? "C" : "D", supply, g.Key, g.ToList(), 1);
                }
        }

        // 12: HSN/SAC summary, B2B and B2C apart, by code and rate; credit notes subtract.
        foreach (var g in real.SelectMany(v => v.Lines.Where(IsSupply).Select(l => (v, l)))
            .GroupBy(x => (B2B: kinds[x.v.Number] == Kind.B2B, Hsn: HsnOf(x.l, items), Rate: GstRate(x.l), Uqc: x.l.IsService ? "NA" : "NOS"))
            .OrderBy(g => g.Key.B2B ? 0 : 1).ThenBy(g => g.Key.Hsn, StringComparer.Ordinal).ThenBy(g => g.Key.Rate))
        {
            var rows = g.ToList();
            decimal Sum(Func<VoucherLine, decimal> f) => rows.Sum(x => Sign(x.v) * f(x.l));
            var first = rows[0].l;
            var description = first.Item is { } sku && items.TryGetValue(sku, out var item) ? item.Name : first.IsService ? "Services" : first.Description;
            t.Add("12", null, null, null, null, null, null, null, g.Key.B2B ? "B2B" : "B2C", Sum(l => l.Total), g.Key.Hsn, description, g.Key.Uqc,
                g.Key.Uqc == "NA" ? 0m : Sum(l => l.Quantity), g.Key.Rate, Sum(l => l.Taxable), Sum(l => TaxOf(l, "IGST")), Sum(l => TaxOf(l, "CGST")),
                Sum(l => TaxOf(l, "SGST")), Sum(l => TaxOf(l, TaxRules.Cess)), null, null, null, null);
        }

        if (!hsnOnly)
        {
            // 13: documents issued, per series: first and last number, how many, cancelled (none: a sale is undone by a credit note, never cancelled).
            foreach (var g in real.GroupBy(v => v.Type).OrderBy(g => g.Key == VoucherType.Sales ? 0 : g.Key == VoucherType.CreditNote ? 1 : 2))
                foreach (var s in g.GroupBy(v => v.Number[..v.Number.LastIndexOf('/')]).OrderBy(s => s.Key, StringComparer.Ordinal))
                {
                    var numbers = s.Select(v => v.Number).Order(StringComparer.Ordinal).ToList();
                    var nature = g.Key switch { VoucherType.Sales => "Invoices for outward supply", VoucherType.CreditNote => "Credit Note", _ => "Debit Note" };
                    t.Add("13", null, null, null, null, null, null, null, nature, null, null, null, null, null, null, null, null, null, null, null,
                        numbers[0], numbers[^1], numbers.Count, 0);
                }
        }
        return t;
    }

    static decimal Sign(Voucher v) => v.Type == VoucherType.CreditNote ? -1 : 1;

    static string HsnOf(VoucherLine l, IReadOnlyDictionary<string, Item> items) =>
        l.Item is { } sku && items.TryGetValue(sku, out var item) && item.Hsn is { } hsn ? hsn : "";

    void AddAmounts(ReportTable t, string table, Voucher v, string? noteType, string? supply, decimal rate, List<VoucherLine> lines, decimal sign) =>
        t.Add(table, v.BuyerTaxId, v.Customer, v.Number, v.Date, v.LinkedTo, noteType, v.PlaceOfSupply ?? options.HomeState, supply, v.Totals.Total,
            null, null, null, null, rate, sign * lines.Sum(l => l.Taxable), sign * lines.Sum(l => TaxOf(l, "IGST")), sign * lines.Sum(l => TaxOf(l, "CGST")),
            sign * lines.Sum(l => TaxOf(l, "SGST")), sign * lines.Sum(l => TaxOf(l, TaxRules.Cess)), null, null, null, null);
}
