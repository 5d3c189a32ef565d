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

    /// <summary>
    /// The GST place of supply: the delivery address (receiver_info) when it names a country, else the billing address;
    /// its country (ISO alpha-2) and free-text state ("Karnataka", or a code such as "KA") through the state table. Both
    /// fields are what Selldone's own order screens show (selldone/components SShopCustomerDeliveryInfoWidget.vue
    /// receiver_info.country/state, SOrderBillCard.vue billing.country/state). Abroad GstStates.OutsideIndia; null when
    /// neither says.
    /// </summary>
    public static string? PlaceOfSupply(JsonElement basket)
    {
        var receiver = PayloadFields.OptionalObject(basket, "receiver_info");
        var billing = PayloadFields.OptionalObject(basket, "billing");
        static bool HasCountry(JsonElement? a) => a is { } o && PayloadFields.Text(o, "country", 60) is not null;
        if ((HasCountry(receiver) ? receiver : HasCountry(billing) ? billing : receiver ?? billing) is not { } address) return null;
        return Shops.GstStates.PlaceOfSupply(PayloadFields.Text(address, "country", 60), PayloadFields.Text(address, "state", 100), PayloadFields.Text(address, "state_code", 10));
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
