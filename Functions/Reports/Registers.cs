using Connectors.Books;

namespace Connectors.Reports;

/// <summary>The period's registers built from its vouchers: sales register, note register, VAT books, trial balance.</summary>
public static class Registers
{
    static readonly string[] KnownTaxes = ["CGST", "SGST", "IGST", TaxRules.Cess, "VAT"];

    /// <summary>The tax names the vouchers carry, in a fixed order (CGST, SGST, IGST, Cess, VAT, then any other).</summary>
    static List<string> TaxNames(IEnumerable<Voucher> vouchers)
    {
        var names = vouchers.SelectMany(v => v.Lines).SelectMany(l => l.Taxes).Select(t => t.Name).Distinct(StringComparer.Ordinal).ToList();
        return [.. KnownTaxes.Where(names.Contains), .. names.Where(n => !KnownTaxes.Contains(n)).Order(StringComparer.Ordinal)];
    }

    static decimal Tax(Voucher v, string name) => v.Lines.SelectMany(l => l.Taxes).Where(t => t.Name == name).Sum(t => t.Amount);

    static IEnumerable<Voucher> InOrder(IEnumerable<Voucher> vouchers) => vouchers.OrderBy(v => v.Date).ThenBy(v => v.Number, StringComparer.Ordinal);

    /// <summary>
    /// Every voucher of the period, one row each: sales and debit notes as they are, credit notes negative, so each
    /// column sums to the period's net sales. Taxable is every line's (gift cards and round off included), as the total is.
    /// </summary>
    public static ReportTable SalesRegister(DateOnly from, DateOnly to, IReadOnlyList<Voucher> vouchers)
    {
        var taxes = TaxNames(vouchers);
        var t = new ReportTable("sales-register", from, to,
            ["date", "number", "type", "reference", "linkedTo", "customer", "buyerTaxId", "placeOfSupply", "country", "taxable", .. taxes.Select(n => n.ToLowerInvariant()), "total", "isTest"]);
        foreach (var v in InOrder(vouchers))
        {
            var s = v.Type == VoucherType.CreditNote ? -1m : 1m;
            t.Add([v.Date, v.Number, v.Type, v.Reference, v.LinkedTo, v.Customer, v.BuyerTaxId, v.PlaceOfSupply, v.Country, s * v.Totals.Taxable,
                .. taxes.Select(n => (object?)(s * Tax(v, n))), s * v.Totals.Total, v.IsTest]);
        }
        Totals(t, ["taxable", .. taxes.Select(n => n.ToLowerInvariant()), "total"]);
        t.Summary["vouchers"] = t.Rows.Count;
        return t;
    }

    /// <summary>Credit and debit notes of the period, with the invoice each adjusts and why (the note's own remark), amounts as on the note.</summary>
    public static ReportTable NoteRegister(DateOnly from, DateOnly to, IReadOnlyList<Voucher> vouchers)
    {
        var notes = vouchers.Where(v => v.Type != VoucherType.Sales).ToList();
        var taxes = TaxNames(notes);
        var t = new ReportTable("note-register", from, to,
            ["date", "number", "type", "linkedTo", "reference", "customer", "buyerTaxId", "placeOfSupply", "taxable", .. taxes.Select(n => n.ToLowerInvariant()), "total", "note", "isTest"]);
        foreach (var v in InOrder(notes))
            t.Add([v.Date, v.Number, v.Type, v.LinkedTo, v.Reference, v.Customer, v.BuyerTaxId, v.PlaceOfSupply, v.Totals.Taxable,
                .. taxes.Select(n => (object?)Tax(v, n)), v.Totals.Total, v.Note, v.IsTest]);
        t.Summary["creditNotes"] = notes.Count(v => v.Type == VoucherType.CreditNote);
        t.Summary["debitNotes"] = notes.Count(v => v.Type == VoucherType.DebitNote);
        t.Summary["credited"] = notes.Where(v => v.Type == VoucherType.CreditNote).Sum(v => v.Totals.Total);
        t.Summary["debited"] = notes.Where(v => v.Type == VoucherType.DebitNote).Sum(v => v.Totals.Total);
        return t;
    }

    /// <summary>
    /// VAT books: the period's supplies by VAT rate (credit notes subtract), then by the buyer's country and rate for every
    /// country other than <paramref name="home"/> (EU Directive 2006/112/EC art. 250-251 and art. 369g for OSS: the
    /// return states taxable amounts and VAT per rate, and distance sales per member state of consumption).
    /// </summary>
    public static ReportTable VatBook(DateOnly from, DateOnly to, IReadOnlyList<Voucher> vouchers, string? home)
    {
        var t = new ReportTable("vat", from, to, "section", "country", "rate", "taxable", "vat", "total", "vouchers");
        var lines = vouchers.Where(v => !v.IsTest).SelectMany(v => v.Lines.Where(GstReturn.IsSupply).Select(l => (v, l, s: v.Type == VoucherType.CreditNote ? -1m : 1m))).ToList();
        static decimal Rate(VoucherLine l) => l.Taxes.Sum(x => x.Rate);
        foreach (var g in lines.GroupBy(x => Rate(x.l)).OrderBy(g => g.Key))
            t.Add("rate", null, g.Key, g.Sum(x => x.s * x.l.Taxable), g.Sum(x => x.s * x.l.Tax), g.Sum(x => x.s * x.l.Total), g.Select(x => x.v.Number).Distinct().Count());
        foreach (var g in lines.Where(x => CountryOf(x.v) is { } c && !string.Equals(c, home, StringComparison.OrdinalIgnoreCase))
            .GroupBy(x => (Country: CountryOf(x.v)!, Rate: Rate(x.l))).OrderBy(g => g.Key.Country, StringComparer.Ordinal).ThenBy(g => g.Key.Rate))
            t.Add("country", g.Key.Country, g.Key.Rate, g.Sum(x => x.s * x.l.Taxable), g.Sum(x => x.s * x.l.Tax), g.Sum(x => x.s * x.l.Total), g.Select(x => x.v.Number).Distinct().Count());
        t.Summary["home"] = home;
        return t;
    }

    /// <summary>The buyer's country: the voucher's, else a VAT book's place of supply when it is a country code.</summary>
    static string? CountryOf(Voucher v) => v.Country ?? (v.PlaceOfSupply is { Length: 2 } p && p.All(char.IsAsciiLetter) ? p.ToUpperInvariant() : null);

    public sealed record Balance(string Account, decimal Debit, decimal Credit);

    /// <summary>Journal lines of the period's vouchers summed per account; balanced when debits equal credits.</summary>
    public static ReportTable TrialBalance(DateOnly from, DateOnly to, IReadOnlyList<Voucher> vouchers)
    {
        var t = new ReportTable("trial-balance", from, to, "account", "debit", "credit", "balance");
        foreach (var g in vouchers.SelectMany(v => v.Journal).GroupBy(j => j.Account).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var (d, c) = (g.Sum(j => j.Debit), g.Sum(j => j.Credit));
            t.Add(g.Key, d, c, d - c);
        }
        var debit = t.Rows.Sum(r => (decimal)r[1]!);
        var credit = t.Rows.Sum(r => (decimal)r[2]!);
        t.Summary["debit"] = debit;
        t.Summary["credit"] = credit;
        t.Summary["balanced"] = debit == credit;
        t.Summary["vouchers"] = vouchers.Count;
        return t;
    }

    static void Totals(ReportTable t, IEnumerable<string> columns)
    {
        foreach (var c in columns)
        {
            var i = t.Columns.ToList().IndexOf(c);
            t.Summary[c] = t.Rows.Sum(r => (decimal)r[i]!);
        }
    }
}
