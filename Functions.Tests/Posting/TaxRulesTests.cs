using Connectors.Books;
using Connectors.Posting;

namespace Connectors.Tests.Posting;

/// <summary>The tax arithmetic under each regime, with worked numbers (pure: no storage involved).</summary>
public sealed class TaxRulesTests
{
    static TaxRules Rules(string regime, string currency = "INR") => new(new BooksOptions { TaxRegime = regime, HomeState = "29", Currency = currency });

    [Fact]
    public void Vat_is_one_line_at_the_full_rate()
    {
        // 3 x 19.99 = 59.97; VAT 20 % = 11.994 -> 11.99.
        var (taxable, taxes) = Rules("vat", "EUR").Line(3, 19.99m, 0, 20, null, false, "29");
        Assert.Equal(59.97m, taxable);
        var vat = Assert.Single(taxes);
        Assert.Equal(("VAT", 20m, 11.99m), (vat.Name, vat.Rate, vat.Amount));
    }

    [Fact]
    public void No_tax_regime_posts_the_line_amount_only()
    {
        var (taxable, taxes) = Rules("none").Line(2, 100, 0, 18, null, false, "27");
        Assert.Equal(200m, taxable);
        Assert.Empty(taxes);
    }

    [Fact]
    public void Currencies_round_to_their_own_minor_unit()
    {
        // JPY has no minor unit: 3 x 333 = 999 @ 10 % VAT = 99.9 -> 100.
        var (_, taxes) = Rules("vat", "JPY").Line(3, 333, 0, 10, null, false, null);
        Assert.Equal(100m, Assert.Single(taxes).Amount);
        // Midpoints round away from zero: 0.125 -> 0.13 in INR.
        Assert.Equal(0.13m, new Money("INR").Round(0.125m));
    }

    [Fact]
    public void Gst_state_decides_between_cgst_sgst_and_igst()
    {
        var rules = Rules("gst");
        Assert.Equal(["CGST", "SGST"], rules.Components(18, "29").Select(c => c.Name));
        Assert.Equal(["CGST", "SGST"], rules.Components(18, null).Select(c => c.Name));
        Assert.Equal(["IGST"], rules.Components(18, "07").Select(c => c.Name));
        Assert.Empty(rules.Components(0, "29"));
        Assert.Throws<PostingRejectedException>(() => rules.Line(1, 10, 11, 18, null, false, "29"));
    }

    [Theory]
    [InlineData(2026, 4, 1, 4, "26-27")]
    [InlineData(2027, 3, 31, 4, "26-27")]
    [InlineData(2026, 12, 31, 1, "26")]
    public void Financial_years_are_labelled_from_their_start_month(int y, int m, int d, int start, string label) =>
        Assert.Equal(label, FinancialYear.Label(new DateOnly(y, m, d), start));

    [Fact]
    public void Voucher_numbers_fit_sixteen_characters_and_parse_back()
    {
        var number = VoucherNumber.Format(VoucherType.Series(VoucherType.CreditNote, isTest: true), "26-27", 1);
        Assert.Equal("TCN/26-27/000001", number);
        Assert.True(number.Length <= 16);
        Assert.True(VoucherNumber.TryParse(number, out var series, out var fy, out var row));
        Assert.Equal(("TCN", "26-27", "000001"), (series, fy, row));
        Assert.False(VoucherNumber.TryParse("SV/26-27", out _, out _, out _));
    }
}

public sealed class BooksOptionsTests
{
    [Theory]
    [InlineData("gst", "29", "INR", 4, null)]
    [InlineData("vat", "", "EUR", 1, null)]
    [InlineData("sales-tax", "29", "INR", 4, "TaxRegime")]
    [InlineData("gst", "KA", "INR", 4, "HomeState")]
    [InlineData("gst", "29", "RUPEES", 4, "Currency")]
    [InlineData("gst", "29", "INR", 13, "FinancialYearStartMonth")]
    public void Settings_are_checked_and_the_problem_names_the_setting(string regime, string state, string currency, int month, string? problem)
    {
        var found = new BooksOptions { TaxRegime = regime, HomeState = state, Currency = currency, FinancialYearStartMonth = month }.Problem();
        if (problem is null) Assert.Null(found);
        else Assert.Contains(problem, found);
    }

    [Fact]
    public void The_time_zone_is_empty_or_one_the_machine_knows()
    {
        Assert.Null(new BooksOptions().Problem());
        Assert.Null(new BooksOptions().Zone);
        Assert.Null(new BooksOptions { TimeZone = "UTC" }.Problem());
        Assert.Contains("Books:TimeZone", new BooksOptions { TimeZone = "Mars/Olympus_Mons" }.Problem());
    }
}
