using System.Text.Json;
using Connectors.Ingest;
using Connectors.Sources.Fields;

namespace Connectors.Sources.Selldone;

/// <summary>The buyer from the envelope's user/customer and the basket's billing address; key = tax id, else e-mail.</summary>
public static class SelldoneCustomer
{
    public static Customer? Read(JsonElement root, JsonElement basket)
    {
        var user = PayloadFields.OptionalObject(root, "user");
        var customer = PayloadFields.OptionalObject(root, "customer");
        var billing = PayloadFields.OptionalObject(basket, "billing");
        string? First(string field, int max, params JsonElement?[] sources) =>
            sources.Select(s => s is { } o ? PayloadFields.Text(o, field, max) : null).FirstOrDefault(x => x is not null);
        var taxId = First("tax_id", 40, billing, customer) ?? First("vat", 40, billing, customer);
        var email = First("email", 200, customer, user, billing);
        var name = First("name", 200, billing, customer, user);
        if (taxId is null && email is null && name is null) return null;
        return new Customer { Key = CustomerKeys.Best(taxId, null, email), Name = name, Email = CustomerKeys.Email(email), TaxId = CustomerKeys.TaxId(taxId), Country = Country(basket) };
    }

    /// <summary>ISO alpha-2 from the billing address, else the receiver's.</summary>
    public static string? Country(JsonElement basket)
    {
        foreach (var field in new[] { "billing", "receiver_info" })
            if (PayloadFields.OptionalObject(basket, field) is { } a && PayloadFields.Text(a, "country", 60) is { Length: 2 } c && c.All(char.IsAsciiLetter))
                return c.ToUpperInvariant();
        return null;
    }
}
