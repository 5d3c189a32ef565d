namespace Connectors.Books;

/// <summary>Deployment settings of the books (configuration section "Books", e.g. Books__TaxRegime=gst).</summary>
public sealed class BooksOptions
{
    public const string Section = "Books";

    /// <summary>"gst" (India: CGST+SGST or IGST), "vat" (one tax line) or "none".</summary>
    public string TaxRegime { get; set; } = "gst";
    /// <summary>GST state code of the business ("29" = Karnataka): buyers here pay CGST+SGST, others IGST.</summary>
    public string HomeState { get; set; } = "29";
    public string Currency { get; set; } = "INR";
    /// <summary>First month of the financial year (4 = April, as GST requires).</summary>
    public int FinancialYearStartMonth { get; set; } = 4;
    /// <summary>Which business's books: part of every table key, so more businesses can be added without migrating.</summary>
    public string Book { get; set; } = "main";

    public Regime Regime => TaxRegime.Trim().ToLowerInvariant() switch
    {
        "gst" => Regime.Gst,
        "vat" => Regime.Vat,
        "none" or "" => Regime.None,
        var other => throw new InvalidOperationException($"Books:TaxRegime must be gst, vat or none, not '{other}'."),
    };
}

public enum Regime { Gst, Vat, None }
