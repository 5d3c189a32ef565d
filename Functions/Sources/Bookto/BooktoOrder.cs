using System.Text.Json;
using Connectors.Ingest;
using Connectors.Sources.Fields;

namespace Connectors.Sources.Bookto;

/// <summary>
/// bookto's order.paid body as one sale: the product is one line at the VAT-exclusive amount with bookto's own VAT
/// figures (rate = amount.excl_vat, TaxRate = amount.vat_rate, TaxAmount = amount.vat); the buyer is found by match_ref.
/// </summary>
public static class BooktoOrder
{
    public static EventDraft Read(JsonElement root)
    {
        var orderId = PayloadFields.Id(root, "order_id", "");
        var status = PayloadFields.Text(root, "status", 40);
        if (status is not null && !status.Equals("paid", StringComparison.OrdinalIgnoreCase))
            throw new PayloadException($"status is '{status}', but an order.paid must be paid.");
        var (date, dateUtc) = PayloadFields.When(root, "", "paid_at", "created_at");

        var amount = PayloadFields.Object(root, "amount", "");
        var totalIncl = PayloadFields.Decimal(amount, "total_incl", "amount");
        var exclVat = PayloadFields.Decimal(amount, "excl_vat", "amount");
        var vat = PayloadFields.Decimal(amount, "vat", "amount");
        var vatRate = PayloadFields.Decimal(amount, "vat_rate", "amount");
        var currency = PayloadFields.Text(amount, "currency", 3) ?? throw new PayloadException("amount.currency is required.");
        if (exclVat < 0 || vat < 0) throw new PayloadException("amount.excl_vat and amount.vat must not be negative.");
        if (vatRate is < 0 or > 100) throw new PayloadException("amount.vat_rate must be between 0 and 100.");
        // bookto states all three figures; if they disagree the books would not balance, so it is not guessed at.
        if (exclVat + vat != totalIncl)
            throw new PayloadException($"amount does not add up: excl_vat {exclVat} + vat {vat} is not total_incl {totalIncl}.");

        var product = PayloadFields.Object(root, "product", "");
        var name = PayloadFields.Text(product, "name", 100) ?? throw new PayloadException("product.name is required.");
        var description = PayloadFields.Text(product, "description", 400);
        var treatment = PayloadFields.Text(root, "vat_treatment", 40);

        var buyer = PayloadFields.OptionalObject(root, "buyer");
        var e = new CanonicalEvent
        {
            Kind = EventKind.Sale,
            ExternalId = orderId,
            OrderName = PayloadFields.Text(root, "order_number", 100),
            Date = date,
            DateUtc = dateUtc,
            Customer = buyer is { } b ? ReadBuyer(b) : null,
            Country = buyer is { } c ? Country(c) : null,
            // Services: the recipient's location (IGST Act s.12(2), s.13(2)); bookto sends a country, and a state is read if it sends one.
            PlaceOfSupply = buyer is { } p ? Shops.GstStates.PlaceOfSupply(Country(p), PayloadFields.Text(p, "state", 100), PayloadFields.Text(p, "region", 100)) : null,
            Currency = currency.ToUpperInvariant(),
            // The voucher's total must be what bookto charged: a residue of rounding goes on a Round off line.
            PlatformTotal = totalIncl,
            PricesIncludeTax = false,
            IsTest = PayloadFields.Bool(root, "is_test_order"),
            SourceStatus = treatment is null ? status ?? "paid" : $"{status ?? "paid"} ({treatment})",
            Lines =
            [
                new CanonicalLine
                {
                    // bookto sends no SKU: the product name is its stable identity for the SKU map.
                    Sku = name,
                    Description = description is null ? name : $"{name} — {description}",
                    Quantity = 1,
                    Rate = exclVat,
                    TaxRate = vatRate,
                    TaxAmount = vat,
                    // bookto sells without stock or shipping (digital goods and services): nothing to move.
                    IsService = true,
                },
            ],
        };
        return new EventDraft(e, $"sale|{orderId}");
    }

    static Customer ReadBuyer(JsonElement b)
    {
        var email = PayloadFields.Text(b, "email", 200);
        var vatNumber = PayloadFields.Text(b, "vat_number", 40);
        var person = string.Join(' ', new[] { PayloadFields.Text(b, "first_name", 100), PayloadFields.Text(b, "last_name", 100) }.Where(s => s is not null));
        return new Customer
        {
            // bookto's match_ref is its own normalised key; fall back to the same rule if an older payload lacks it.
            Key = CustomerKeys.Given(PayloadFields.Text(b, "match_ref", 200)) ?? CustomerKeys.Best(vatNumber, PayloadFields.Text(b, "peppol_id", 100), email),
            Name = PayloadFields.Text(b, "company", 200) ?? (person.Length > 0 ? person : null),
            Email = CustomerKeys.Email(email),
            TaxId = CustomerKeys.TaxId(vatNumber),
            Country = Country(b),
            Address = Address(b),
            PeppolId = PayloadFields.Text(b, "peppol_id", 100),
        };
    }

    /// <summary>address, address2, then "postal_code city", one per line; null when the buyer gave none.</summary>
    static string? Address(JsonElement b)
    {
        var town = string.Join(' ', new[] { PayloadFields.Text(b, "postal_code", 20), PayloadFields.Text(b, "city", 100) }.Where(s => s is not null));
        var lines = new[] { PayloadFields.Text(b, "address", 200), PayloadFields.Text(b, "address2", 200), town.Length > 0 ? town : null }.Where(s => s is not null).ToList();
        return lines.Count == 0 ? null : string.Join('\n', lines);
    }

    /// <summary>ISO alpha-2 ("BE"); anything else is not a country code the books can use.</summary>
    static string? Country(JsonElement b) => PayloadFields.Text(b, "country", 60) is { Length: 2 } c && c.All(char.IsAsciiLetter) ? c.ToUpperInvariant() : null;
}
