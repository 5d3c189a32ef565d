using Connectors.Ingest;
using Connectors.Posting;

namespace Connectors.Books;

/// <summary>
/// Tax of one line under the books' regime. GST: buyer in the home state (or no state given: assumed, and the voucher
/// says so) pays CGST + SGST at half the rate each (CGST Act s.9, SGST Acts); any other state, or outside India (place
/// of supply 96, IGST Act s.7(5)(a)), IGST at the full rate (IGST Act s.5); a line the shop charged no tax on posts
/// untaxed (abroad: a zero-rated export, IGST Act s.16). A cess in the line's rate (CessRate) is its own "Cess"
/// component, never part of CGST/SGST/IGST. VAT: one line at the whole rate; none: no tax. Every component is rounded
/// per line to the currency's minor unit, half away from zero, so a voucher's total is the exact sum of its lines.
/// </summary>
public sealed class TaxRules(BooksOptions options)
{
    public Money Money { get; } = new(options.Currency);
    public Regime Regime { get; } = options.Regime;
    public string HomeState { get; } = options.HomeState;

    /// <summary>The tax component (and journal account "Output Cess") of a cess: India's Compensation Cess, GST (Compensation to States) Act 2017 s.8.</summary>
    public const string Cess = "Cess";

    /// <summary>GSTN's place-of-supply code for a buyer outside India ("Other Country", as GSTR-1 takes it for exports).</summary>
    public const string OutsideIndia = "96";

    public bool IsIntraState(string? placeOfSupply) => string.IsNullOrWhiteSpace(placeOfSupply) || placeOfSupply.Trim() == HomeState;

    /// <summary>GST books, and the sale names no place of supply: the home state is assumed (CGST + SGST), and the voucher says so.</summary>
    public bool IsAssumed(string? placeOfSupply) => Regime == Regime.Gst && string.IsNullOrWhiteSpace(placeOfSupply);

    /// <summary>GST books, and the buyer is outside India (an export: inter-state, IGST Act s.7(5)(a); zero-rated, s.16(1)(a)).</summary>
    public bool IsExport(string? placeOfSupply) => Regime == Regime.Gst && placeOfSupply?.Trim() == OutsideIndia;

    public const string ZeroRatedExport = "zero-rated export";
    public const string ExportWithIgst = "export with payment of IGST";

    /// <summary>
    /// What a voucher of this place of supply and tax says of the supply: abroad with no tax charged, a zero-rated export
    /// (under bond or LUT, IGST Act s.16(3)(a)); abroad with tax, an export with payment of IGST (s.16(3)(b)); else null.
    /// </summary>
    public string? SupplyType(string? placeOfSupply, decimal tax) => !IsExport(placeOfSupply) ? null : tax == 0 ? ZeroRatedExport : ExportWithIgst;

    /// <summary>
    /// Tax components and their rates for a line at this rate (any cess included) and place of supply. GST: the rate less
    /// the cess is CGST + SGST (half each) or IGST, and the cess is its own "Cess" component; VAT: one line at the rate.
    /// </summary>
    public IReadOnlyList<(string Name, decimal Rate)> Components(decimal rate, string? placeOfSupply, decimal cessRate = 0)
    {
        if (rate == 0) return [];
        switch (Regime)
        {
            case Regime.Gst:
                var cess = cessRate > 0 && rate > 0 ? Math.Min(cessRate, rate) : 0m;
                var gst = rate - cess;
                var parts = new List<(string Name, decimal Rate)>(3);
                if (gst != 0 && IsIntraState(placeOfSupply)) parts.AddRange([("CGST", gst / 2), ("SGST", gst / 2)]);
                else if (gst != 0) parts.Add(("IGST", gst));
                if (cess != 0) parts.Add((Cess, cess));
                return parts;
            case Regime.Vat:
                return [("VAT", rate)];
            default:
                return [];
        }
    }

    /// <summary>
    /// Taxable value and tax of a line. Net prices: taxable = qty x rate - discount, each component = taxable x its rate.
    /// Gross prices: each component = gross x its rate / (100 + the line's rate), and taxable = gross - the components, so
    /// taxable + tax = gross exactly and CGST = SGST (84.74 + 7.63 + 7.63 = 100.00 at 18 %). A tax the source states is used as is,
    /// shared between the components by their rates; a cess the source states (statedCess, part of statedTax) is the Cess
    /// component as is, and the rest of the stated tax is the GST. 1000 at 28 % GST + 12 % cess (taxRate 40, cessRate 12)
    /// in the home state: CGST 140 + SGST 140 + Cess 120.
    /// </summary>
    public (decimal Taxable, IReadOnlyList<TaxAmount> Taxes) Line(decimal quantity, decimal rate, decimal discount, decimal taxRate, decimal? statedTax, bool pricesIncludeTax, string? placeOfSupply,
        decimal cessRate = 0, decimal? statedCess = null)
    {
        var amount = Money.Round(quantity * rate - discount);
        if (amount < 0) throw new PostingRejectedException($"The discount {discount} is larger than the line amount {quantity} x {rate}.");
        var components = Components(taxRate, placeOfSupply, cessRate);
        if (components.Count == 0) return (amount, []);
        if (pricesIncludeTax)
        {
            if (statedTax is { } stated) return (amount - Money.Round(stated), Stated(Money.Round(stated), statedCess, taxRate, components));
            var parts = components.Select(c => new TaxAmount(c.Name, c.Rate, Money.Round(amount * c.Rate / (100m + taxRate)))).ToList();
            return (amount - parts.Sum(t => t.Amount), parts);
        }
        if (statedTax is { } given) return (amount, Stated(Money.Round(given), statedCess, taxRate, components));
        return (amount, components.Select(c => new TaxAmount(c.Name, c.Rate, Money.Round(amount * c.Rate / 100m))).ToList());
    }

    /// <summary>A stated tax over the components: the stated cess (capped at the tax) to Cess and the rest split over the GST parts; else all by rate.</summary>
    IReadOnlyList<TaxAmount> Stated(decimal tax, decimal? statedCess, decimal taxRate, IReadOnlyList<(string Name, decimal Rate)> components)
    {
        var cessAt = components.Select((c, i) => (c, i)).Where(x => x.c.Name == Cess).Select(x => x.i).DefaultIfEmpty(-1).First();
        if (statedCess is not { } given || cessAt < 0 || components.Count == 1) return Split(tax, taxRate, components);
        var cess = Math.Clamp(Money.Round(given), Math.Min(0, tax), Math.Max(0, tax));
        var gst = components.Where(c => c.Name != Cess).ToList();
        var result = Split(tax - cess, gst.Sum(c => c.Rate), gst).ToList();
        result.Add(new TaxAmount(Cess, components[cessAt].Rate, cess));
        return result;
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
