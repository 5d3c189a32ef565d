namespace Connectors.Books;

/// <summary>The financial year a date falls in, labelled as voucher numbers show it ("26-27" for April 2026 - March 2027).</summary>
public static class FinancialYear
{
    public static string Label(DateOnly date, int startMonth)
    {
        if (startMonth is < 1 or > 12) throw new InvalidOperationException("Books:FinancialYearStartMonth must be 1 to 12.");
        if (startMonth == 1) return (date.Year % 100).ToString("D2");
        var start = date.Month >= startMonth ? date.Year : date.Year - 1;
        return $"{start % 100:D2}-{(start + 1) % 100:D2}";
    }
}
