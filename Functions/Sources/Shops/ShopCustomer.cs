using Connectors.Ingest;

namespace Connectors.Sources.Shops;

/// <summary>Builds the canonical customer the same way for every shop: key = normalised tax id, else lower-case e-mail.</summary>
public static class ShopCustomer
{
    public static Customer? From(string? name, string? email, string? taxId, string? country)
    {
        var tax = NormaliseTaxId(taxId);
        var mail = ShopBody.Blank(email)?.ToLowerInvariant();
        var display = ShopBody.Blank(name);
        if (tax is null && mail is null && display is null) return null;
        return new Customer { Key = tax ?? mail, Name = display ?? mail, Email = mail, TaxId = tax, Country = ShopBody.Blank(country)?.ToUpperInvariant() };
    }

    /// <summary>Tax ids are compared without spaces, dots or dashes, in upper case ("27 aapfu0939f1zv" = "27AAPFU0939F1ZV").</summary>
    public static string? NormaliseTaxId(string? taxId)
    {
        if (string.IsNullOrWhiteSpace(taxId)) return null;
        var s = new string(taxId.Where(char.IsLetterOrDigit).ToArray()).ToUpperInvariant();
        return s.Length == 0 ? null : s;
    }

    public static string? Join(params string?[] parts)
    {
        var s = string.Join(' ', parts.Select(ShopBody.Blank).Where(p => p is not null));
        return s.Length == 0 ? null : s;
    }
}
