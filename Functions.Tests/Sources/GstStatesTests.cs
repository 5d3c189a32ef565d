using Connectors.Sources.Shops;

namespace Connectors.Tests.Sources;

/// <summary>The one state table every source maps its addresses through (pure).</summary>
public sealed class GstStatesTests
{
    [Theory]
    // Shopify / WooCommerce codes, ISO 3166-2:IN (Jumpseller's region_code), its "IN-" form, names, GST digits.
    [InlineData("KA", "29")]
    [InlineData("IN-KA", "29")]
    [InlineData("Karnataka", "29")]
    [InlineData("MH", "27")]
    [InlineData("TS", "36")]
    [InlineData("TG", "36")]
    [InlineData("CG", "22")]
    [InlineData("CT", "22")]
    [InlineData("OD", "21")]
    [InlineData("DH", "26")]
    [InlineData("Jammu & Kashmir", "01")]
    [InlineData("29", "29")]
    [InlineData("96", "96")]
    [InlineData("XX", null)]
    [InlineData("ENG", null)]
    public void Region_codes_and_names_map_to_gst_state_codes(string region, string? code) => Assert.Equal(code, GstStates.CodeFor(region));

    [Fact]
    public void Place_of_supply_is_the_state_in_india_96_abroad_and_null_when_unknown()
    {
        Assert.Equal("29", GstStates.PlaceOfSupply("IN", "KA"));
        // The first region that resolves wins: a code Shopify does not know, then the province name.
        Assert.Equal("29", GstStates.PlaceOfSupply("IN", "K-A", "Karnataka"));
        // Abroad, with or without a province: GSTN's 96, Other Country (never the foreign region: CA is not a GST code).
        Assert.Equal("96", GstStates.PlaceOfSupply("US", "CA"));
        Assert.Equal("96", GstStates.PlaceOfSupply("US"));
        Assert.Equal("96", GstStates.PlaceOfSupply("DE", "BE"));
        // India with no (or an unknown) state, or no address at all: unknown, posting assumes the home state and says so.
        Assert.Null(GstStates.PlaceOfSupply("IN", (string?)null));
        Assert.Null(GstStates.PlaceOfSupply("IN", "Atlantis"));
        Assert.Null(GstStates.PlaceOfSupply(null));
        // No country: a two-letter code is not trusted (GA is Georgia as well as Goa), a full name or IN- code is.
        Assert.Null(GstStates.PlaceOfSupply(null, "GA"));
        Assert.Equal("30", GstStates.PlaceOfSupply(null, "Goa"));
        Assert.Equal("27", GstStates.PlaceOfSupply("", "IN-MH"));
        Assert.Equal("27", GstStates.PlaceOfSupply("India", "MH"));
    }

    [Theory]
    [InlineData("Compensation Cess", true)]
    [InlineData("GST Compensation Cess", true)]
    [InlineData("CESS", true)]
    [InlineData("IN-KA-COMPENSATION CESS-3", true)]
    [InlineData("Kerala-Cess", true)]
    [InlineData("CGST", false)]
    [InlineData("Processing fee", false)]
    [InlineData("Access charge", false)]
    [InlineData(null, false)]
    public void Cess_tax_lines_are_told_by_their_title(string? title, bool cess) => Assert.Equal(cess, GstStates.IsCess(title));
}
