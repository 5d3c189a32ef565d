namespace Connectors.Books;

/// <summary>Double entry for a voucher: sales and debit notes Dr Debtors / Cr Sales and output tax; credit notes the reverse.</summary>
public static class Journal
{
    public const string Debtors = "Debtors";
    public const string Sales = "Sales";
    /// <summary>Selling a gift card is not a supply (CBIC Circular 243/37/2024-GST; EU Directive 2016/1065): a liability until redeemed.</summary>
    public const string GiftCardLiability = "Gift card liability";
    /// <summary>The residue between the platform's total and the sum of the lines rounded one by one.</summary>
    public const string RoundOff = "Round off";
    /// <summary>A credit note that may no longer reduce output GST (CGST Act s.34(2)): a financial credit against sales returns.</summary>
    public const string SalesReturns = "Sales returns";

    public static string TaxAccount(string taxName) => "Output " + taxName;

    public static IReadOnlyList<JournalLine> For(string type, IEnumerable<VoucherLine> lines, decimal total)
    {
        var list = lines.ToList();
        var credits = list.GroupBy(l => l.Account ?? Sales).OrderBy(g => g.Key == Sales ? 0 : 1).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (Account: g.Key, Amount: g.Sum(l => l.Taxable))).ToList();
        if (credits.Count == 0) credits.Add((Sales, 0m));
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
