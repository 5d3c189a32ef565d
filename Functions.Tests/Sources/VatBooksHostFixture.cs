using Connectors.Tests.Fixtures;

namespace Connectors.Tests.Sources;

/// <summary>The real host with VAT books in euros (Jumpseller, Selldone and bookto shops are not Indian GST shops).</summary>
public class VatBooksHostFixture : HostFixture
{
    protected override void Settings(Dictionary<string, string?> settings)
    {
        settings["Books:TaxRegime"] = "vat";
        settings["Books:Currency"] = "EUR";
    }
}
