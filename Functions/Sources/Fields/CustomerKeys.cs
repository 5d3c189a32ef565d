namespace Connectors.Sources.Fields;

/// <summary>
/// The find-or-create key of a customer, normalised so the same buyer gives the same key on every order:
/// a VAT/tax id upper-cased, letters and digits only; else a peppol id lower-cased; else the e-mail lower-cased.
/// </summary>
public static class CustomerKeys
{
    /// <summary>The same tax-id rule as the Shopify and WooCommerce sources, so one buyer has one key whatever the shop.</summary>
    public static string? TaxId(string? taxId) => Shops.ShopCustomer.NormaliseTaxId(taxId);

    public static string? PeppolId(string? peppolId) => string.IsNullOrWhiteSpace(peppolId) ? null : peppolId.Trim().ToLowerInvariant();

    public static string? Email(string? email) => string.IsNullOrWhiteSpace(email) ? null : email.Trim().ToLowerInvariant();

    /// <summary>The best stable key: tax id, else peppol id, else e-mail; null for an anonymous buyer.</summary>
    public static string? Best(string? taxId, string? peppolId, string? email) => TaxId(taxId) ?? PeppolId(peppolId) ?? Email(email);

    /// <summary>
    /// Normalises a key the platform already chose (bookto's buyer.match_ref: VAT number, else peppol id, else e-mail):
    /// an e-mail is lower-cased, a peppol id ("scheme:id") lower-cased, anything else treated as a VAT number.
    /// </summary>
    public static string? Given(string? key)
    {
        if (string.IsNullOrWhiteSpace(key)) return null;
        var k = key.Trim();
        if (k.Contains('@')) return Email(k);
        if (k.Contains(':')) return PeppolId(k);
        return TaxId(k);
    }
}
