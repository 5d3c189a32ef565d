namespace Connectors.Books;

/// <summary>Deployment settings of the books (configuration section "Books", e.g. Books__TaxRegime=gst).</summary>
public sealed class BooksOptions
{
    public const string Section = "Books";

    /// <summary>"gst" (India: CGST+SGST or IGST), "vat" (one tax line) or "none".</summary>
    public string TaxRegime { get; set; } = "gst";
    /// <summary>GST state code of the business ("29" = Karnataka): buyers here pay CGST+SGST, others IGST.</summary>
    public string HomeState { get; set; } = "29";
    /// <summary>ISO 4217 code the books keep; an event in another currency is not posted (see CurrencyMismatch).</summary>
    public string Currency { get; set; } = "INR";
    /// <summary>First month of the financial year (4 = April, as GST requires).</summary>
    public int FinancialYearStartMonth { get; set; } = 4;
    /// <summary>Which business's books: part of every table key, so more businesses can be added without migrating.</summary>
    public string Book { get; set; } = "main";
    /// <summary>IANA time zone of the books ("Europe/Brussels"): a document a source timestamps in UTC is dated in it. Empty: dates as written.</summary>
    public string TimeZone { get; set; } = "";
    /// <summary>Books:RoundOffLimit: the largest residue between the platform's total and ours put on a Round off line; beyond it the sale fails.</summary>
    public decimal RoundOffLimit { get; set; } = 1.00m;

    /// <summary>The books' time zone, or null when TimeZone is empty (dates stay as the source wrote them).</summary>
    public TimeZoneInfo? Zone => string.IsNullOrWhiteSpace(TimeZone) ? null : TimeZoneInfo.FindSystemTimeZoneById(TimeZone.Trim());

    public const string ValidationMessage = "Books settings are invalid: Books__TaxRegime must be gst, vat or none; Books__HomeState a two-digit GST state code (gst); Books__Currency a three-letter ISO code; Books__FinancialYearStartMonth 1 to 12; Books__Book not empty; Books__TimeZone empty or an IANA time zone; Books__RoundOffLimit 0 or more.";

    /// <summary>What is wrong with these settings, or null.</summary>
    public string? Problem()
    {
        if (TaxRegime.Trim().ToLowerInvariant() is not ("gst" or "vat" or "none")) return $"Books:TaxRegime must be gst, vat or none, not '{TaxRegime}'.";
        if (Regime == Regime.Gst && (HomeState is not { Length: 2 } || !HomeState.All(char.IsAsciiDigit))) return $"Books:HomeState must be a two-digit GST state code, not '{HomeState}'.";
        if (Currency is not { Length: 3 } || !Currency.All(char.IsAsciiLetter)) return $"Books:Currency must be a three-letter ISO 4217 code, not '{Currency}'.";
        if (FinancialYearStartMonth is < 1 or > 12) return "Books:FinancialYearStartMonth must be 1 to 12.";
        if (string.IsNullOrWhiteSpace(Book) || Book.Length > 40) return "Books:Book must be a short non-empty name.";
        if (!string.IsNullOrWhiteSpace(TimeZone) && !TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone.Trim(), out _))
            return $"Books:TimeZone must be an IANA time zone such as Europe/Brussels or Asia/Kolkata, not '{TimeZone}'.";
        if (RoundOffLimit < 0) return $"Books:RoundOffLimit must be 0 or more, not {RoundOffLimit}.";
        return null;
    }

    /// <summary>
    /// Why an event in <paramref name="eventCurrency"/> cannot go into books kept in <paramref name="booksCurrency"/>, or null when it can:
    /// no currency given, or the same code (case-insensitive, trimmed). Amounts are never converted, so a foreign-currency
    /// order would be booked as the books' currency with their tax; it is refused instead.
    /// </summary>
    public static string? CurrencyMismatch(string? eventCurrency, string booksCurrency)
    {
        if (string.IsNullOrWhiteSpace(eventCurrency)) return null;
        var given = eventCurrency.Trim().ToUpperInvariant();
        var books = booksCurrency.Trim().ToUpperInvariant();
        return given == books ? null : $"Order currency {given} differs from the books' currency {books}; not posted.";
    }

    public Regime Regime => TaxRegime.Trim().ToLowerInvariant() switch
    {
        "gst" => Regime.Gst,
        "vat" => Regime.Vat,
        "none" or "" => Regime.None,
        var other => throw new InvalidOperationException($"Books:TaxRegime must be gst, vat or none, not '{other}'."),
    };
}

public enum Regime { Gst, Vat, None }
