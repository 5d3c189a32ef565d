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

    static decimal Of(IReadOnlyList<TaxAmount> taxes, string name) => taxes.Where(t => t.Name == name).Sum(t => t.Amount);

    [Fact]
    public void Place_of_supply_decides_cgst_sgst_igst_and_a_zero_rated_export()
    {
        var rules = Rules("gst");
        // 1000 at 18 %, home state 29. To Karnataka (29): CGST 90 + SGST 90 (CGST Act s.9, SGST Act).
        var (_, home) = rules.Line(1, 1000, 0, 18, null, false, "29");
        Assert.Equal([("CGST", 9m, 90m), ("SGST", 9m, 90m)], home.Select(t => (t.Name, t.Rate, t.Amount)));
        // To Maharashtra (27): IGST 180 (IGST Act s.5, s.7(1)).
        Assert.Equal([("IGST", 18m, 180m)], rules.Line(1, 1000, 0, 18, null, false, "27").Taxes.Select(t => (t.Name, t.Rate, t.Amount)));
        // Abroad (96) with tax charged: inter-state (IGST Act s.7(5)(a)), IGST 180, an export with payment of IGST (s.16(3)(b)).
        Assert.Equal([("IGST", 18m, 180m)], rules.Line(1, 1000, 0, 18, null, false, TaxRules.OutsideIndia).Taxes.Select(t => (t.Name, t.Rate, t.Amount)));
        Assert.Equal(TaxRules.ExportWithIgst, rules.SupplyType("96", 180));
        // Abroad with no tax charged: taxable 1000, no tax lines, a zero-rated export (s.16(1)(a), under LUT s.16(3)(a)).
        var (taxable, none) = rules.Line(1, 1000, 0, 0, null, false, "96");
        Assert.Equal(1000m, taxable);
        Assert.Empty(none);
        Assert.Equal(TaxRules.ZeroRatedExport, rules.SupplyType("96", 0));
        Assert.Null(rules.SupplyType("27", 180));
        // No place of supply: the home state is assumed, and said so.
        Assert.True(rules.IsAssumed(null));
        Assert.False(rules.IsAssumed("29"));
        // VAT books keep their behaviour: one VAT line wherever the buyer is, nothing assumed, no export marks.
        var vat = Rules("vat", "EUR");
        Assert.Equal([("VAT", 18m, 180m)], vat.Line(1, 1000, 0, 18, null, false, "96").Taxes.Select(t => (t.Name, t.Rate, t.Amount)));
        Assert.False(vat.IsAssumed(null));
        Assert.Null(vat.SupplyType("96", 0));
    }

    [Fact]
    public void A_cess_is_its_own_component_never_part_of_cgst_sgst_or_igst()
    {
        var rules = Rules("gst");
        // 1000 at 28 % GST + 12 % Compensation Cess (rate 40, of which cess 12), home state: CGST 140 + SGST 140 + Cess 120.
        var (taxable, home) = rules.Line(1, 1000, 0, 40, null, false, "29", cessRate: 12);
        Assert.Equal(1000m, taxable);
        Assert.Equal([("CGST", 14m, 140m), ("SGST", 14m, 140m), ("Cess", 12m, 120m)], home.Select(t => (t.Name, t.Rate, t.Amount)));
        // Inter-state: IGST 280 + Cess 120.
        Assert.Equal([("IGST", 28m, 280m), ("Cess", 12m, 120m)], rules.Line(1, 1000, 0, 40, null, false, "27", 12).Taxes.Select(t => (t.Name, t.Rate, t.Amount)));
        // Stated by the shop: 400 of which cess 120 -> the cess as stated, the 280 rest split into CGST 140 + SGST 140.
        Assert.Equal([140m, 140m, 120m], rules.Line(1, 1000, 0, 40, 400, false, "29", 12, 120).Taxes.Select(t => t.Amount));
        // Stated as one figure (a Shopify refund's total_tax): shared by rate, 140 + 140 + 120.
        Assert.Equal([140m, 140m, 120m], rules.Line(1, 1000, 0, 40, 400, false, "29", 12).Taxes.Select(t => t.Amount));
        // Gross 1400: each component = 1400 x its rate / 140, taxable = the rest.
        var (net, gross) = rules.Line(1, 1400, 0, 40, null, true, "29", 12);
        Assert.Equal((1000m, 140m, 140m, 120m), (net, Of(gross, "CGST"), Of(gross, "SGST"), Of(gross, "Cess")));
        // Rounded per component, half away from zero: 333.33 -> CGST 46.6662 = 46.67, SGST 46.67, Cess 39.9996 = 40.00.
        Assert.Equal([46.67m, 46.67m, 40.00m], rules.Line(1, 333.33m, 0, 40, null, false, "29", 12).Taxes.Select(t => t.Amount));
        // The journal account is Output Cess.
        Assert.Equal("Output Cess", Journal.TaxAccount(TaxRules.Cess));
        // VAT books: one VAT line at the whole rate, as before.
        Assert.Equal([("VAT", 40m, 400m)], Rules("vat", "EUR").Line(1, 1000, 0, 40, null, false, null, 12).Taxes.Select(t => (t.Name, t.Rate, t.Amount)));
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
