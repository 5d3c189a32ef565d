namespace Connectors.Books;

/// <summary>Double entry for a voucher: sales and debit notes Dr Debtors / Cr Sales and output tax; credit notes the reverse.</summary>
public static class Journal
{
    public const string Debtors = "Debtors";
    public const string Sales = "Sales";

    public static string TaxAccount(string taxName) => "Output " + taxName;

    public static IReadOnlyList<JournalLine> For(string type, IEnumerable<VoucherLine> lines, decimal total)
    {
        var list = lines.ToList();
        var credits = new List<(string Account, decimal Amount)> { (Sales, list.Sum(l => l.Taxable)) };
        credits.AddRange(list.SelectMany(l => l.Taxes).GroupBy(t => t.Name).Select(g => (TaxAccount(g.Key), g.Sum(t => t.Amount))));
        var reverse = type == VoucherType.CreditNote;
        var journal = new List<JournalLine> { Entry(Debtors, total, reverse) };
        journal.AddRange(credits.Where(c => c.Amount != 0).Select(c => Entry(c.Account, -c.Amount, reverse)));
        return journal;
    }

    /// <summary>A positive amount is a debit; reversed for credit notes. Negative amounts flip side so no line is negative.</summary>
    static JournalLine Entry(string account, decimal signed, bool reverse)
    {
        if (reverse) signed = -signed;
        return signed >= 0 ? new JournalLine(account, signed, 0) : new JournalLine(account, 0, -signed);
    }

    public static decimal Balance(IEnumerable<JournalLine> journal) => journal.Sum(j => j.Debit - j.Credit);
}
