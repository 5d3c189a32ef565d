using Connectors.Ingest;
using Connectors.Posting;

namespace Connectors.Books;

/// <summary>
/// Tax of one line under the books' regime. GST: buyer in the home state (or no state given) pays CGST + SGST at half
/// the rate each, any other state IGST at the full rate; VAT: one line; none: no tax. Every component is rounded per
/// line to the currency's minor unit, so a voucher's total is the exact sum of its lines.
/// </summary>
public sealed class TaxRules(BooksOptions options)
{
    public Money Money { get; } = new(options.Currency);
    public Regime Regime { get; } = options.Regime;
    public string HomeState { get; } = options.HomeState;

    public bool IsIntraState(string? placeOfSupply) => string.IsNullOrWhiteSpace(placeOfSupply) || placeOfSupply.Trim() == HomeState;

    /// <summary>Tax components and their rates for a line at this rate and place of supply.</summary>
    public IReadOnlyList<(string Name, decimal Rate)> Components(decimal rate, string? placeOfSupply) => Regime switch
    {
        _ when rate == 0 => [],
        Regime.Gst when IsIntraState(placeOfSupply) => [("CGST", rate / 2), ("SGST", rate / 2)],
        Regime.Gst => [("IGST", rate)],
        Regime.Vat => [("VAT", rate)],
        _ => [],
    };

    /// <summary>
    /// Taxable value and tax of a line. Net prices: taxable = qty x rate - discount, each component = taxable x its rate.
    /// Gross prices: each component = gross x its rate / (100 + the line's rate), and taxable = gross - the components, so
    /// taxable + tax = gross exactly and CGST = SGST (84.74 + 7.63 + 7.63 = 100.00 at 18 %). A tax the source states is used as is.
    /// </summary>
    public (decimal Taxable, IReadOnlyList<TaxAmount> Taxes) Line(decimal quantity, decimal rate, decimal discount, decimal taxRate, decimal? statedTax, bool pricesIncludeTax, string? placeOfSupply)
    {
        var amount = Money.Round(quantity * rate - discount);
        if (amount < 0) throw new PostingRejectedException($"The discount {discount} is larger than the line amount {quantity} x {rate}.");
        var components = Components(taxRate, placeOfSupply);
        if (components.Count == 0) return (amount, []);
        if (pricesIncludeTax)
        {
            if (statedTax is { } stated) return (amount - Money.Round(stated), Split(Money.Round(stated), taxRate, components));
            var parts = components.Select(c => new TaxAmount(c.Name, c.Rate, Money.Round(amount * c.Rate / (100m + taxRate)))).ToList();
            return (amount - parts.Sum(t => t.Amount), parts);
        }
        if (statedTax is { } given) return (amount, Split(Money.Round(given), taxRate, components));
        return (amount, components.Select(c => new TaxAmount(c.Name, c.Rate, Money.Round(amount * c.Rate / 100m))).ToList());
    }

    /// <summary>Shares a known tax total between components in proportion to their rates; the last takes the remainder.</summary>
    IReadOnlyList<TaxAmount> Split(decimal tax, decimal taxRate, IReadOnlyList<(string Name, decimal Rate)> components)
    {
        var result = new List<TaxAmount>(components.Count);
        var left = tax;
        for (var i = 0; i < components.Count; i++)
        {
            var share = i == components.Count - 1 ? left : Money.Round(tax * components[i].Rate / taxRate);
            result.Add(new TaxAmount(components[i].Name, components[i].Rate, share));
            left -= share;
        }
        return result;
    }
}
