using Connectors.Tests.Fixtures;

namespace Connectors.Tests.Sources;

/// <summary>The real host with VAT books in euros (Jumpseller and bookto shops are not Indian GST shops).</summary>
public class VatBooksHostFixture : HostFixture
{
    protected virtual string Currency => "EUR";

    protected override void Settings(Dictionary<string, string?> settings)
    {
        settings["Books:TaxRegime"] = "vat";
        settings["Books:Currency"] = Currency;
    }
}

/// <summary>VAT books in US dollars, the currency of the Selldone samples: an order in another currency is not posted.</summary>
public sealed class UsdVatBooksHostFixture : VatBooksHostFixture
{
    protected override string Currency => "USD";
}
