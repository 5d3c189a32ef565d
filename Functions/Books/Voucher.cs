namespace Connectors.Books;

/// <summary>Voucher types as the admin API names them, with their number series codes.</summary>
public static class VoucherType
{
    public const string Sales = "sales";
    public const string CreditNote = "credit-note";
    public const string DebitNote = "debit-note";

    /// <summary>Series code: SV, CN, DN; test vouchers get a T in front (TSV/26-27/000001 is 16 characters, the GST maximum).</summary>
    public static string Series(string type, bool isTest) => (isTest ? "T" : "") + type switch
    {
        Sales => "SV",
        CreditNote => "CN",
        DebitNote => "DN",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown voucher type."),
    };
}

public sealed record TaxAmount(string Name, decimal Rate, decimal Amount);

public sealed record VoucherLine
{
    public required string Sku { get; init; }
    /// <summary>The item the SKU maps to; null for unmapped SKUs and service lines.</summary>
    public string? Item { get; init; }
    public required string Description { get; init; }
    public decimal Quantity { get; init; }
    public decimal Rate { get; init; }
    public decimal Taxable { get; init; }
    public IReadOnlyList<TaxAmount> Taxes { get; init; } = [];
    public bool IsService { get; init; }
    /// <summary>The account the taxable amount goes to: null for Sales; Gift card liability, Round off, Sales returns.</summary>
    public string? Account { get; init; }

    public decimal Tax => Taxes.Sum(t => t.Amount);
    public decimal Total => Taxable + Tax;
}

public sealed record Totals(decimal Taxable, decimal Tax, decimal Total);

public sealed record JournalLine(string Account, decimal Debit, decimal Credit);

/// <summary>A sales voucher, credit note or debit note: what GET /api/manage/vouchers returns.</summary>
public sealed record Voucher
{
    /// <summary>Empty until the number is allocated (in the same transaction that writes the voucher).</summary>
    public string Number { get; init; } = "";
    public required string Type { get; init; }
    public DateOnly Date { get; init; }
    /// <summary>The shop's order id, or the refund id for refunds.</summary>
    public string? Reference { get; init; }
    /// <summary>For notes: the sales voucher they adjust.</summary>
    public string? LinkedTo { get; init; }
    public string? Customer { get; init; }
    /// <summary>The buyer's tax id as the source gave it (a GSTIN: GSTR-1 reports the supply as B2B); absent when unknown.</summary>
    public string? BuyerTaxId { get; init; }
    /// <summary>ISO 3166-1 alpha-2 country of the buyer, when the source gave one (VAT books group sales abroad by it).</summary>
    public string? Country { get; init; }
    /// <summary>GST state code of the place of supply ("29"); "96" for a buyer outside India (GSTR-1's "Other Country").</summary>
    public string? PlaceOfSupply { get; init; }
    /// <summary>GST books: true when the order named no place of supply (no address, no state) and the home state was assumed; otherwise absent.</summary>
    public bool? PlaceOfSupplyAssumed { get; init; }
    /// <summary>
    /// GST books, buyer outside India: "zero-rated export" when no tax was charged (IGST Act s.16(1)(a), supplied under bond
    /// or LUT, s.16(3)(a)), "export with payment of IGST" when it was (s.16(3)(b)); otherwise absent.
    /// </summary>
    public string? SupplyType { get; init; }
    public IReadOnlyList<VoucherLine> Lines { get; init; } = [];
    public Totals Totals { get; init; } = new(0, 0, 0);
    /// <summary>What the platform says it charged (a sales voucher) or returned (a refund's credit note), shown beside our total; a residue is on a Round off line.</summary>
    public decimal? PlatformTotal { get; init; }
    /// <summary>Why the voucher is not an ordinary one (a credit note past the GST deadline, a place of supply assumed, ...).</summary>
    public string? Note { get; init; }
    public IReadOnlyList<JournalLine> Journal { get; init; } = [];
    public bool IsTest { get; init; }
    public string Currency { get; init; } = "";
    public string ConnectionId { get; init; } = "";
    public string ExternalId { get; init; } = "";
    /// <summary>Deterministic (event id + suffix): the voucher is written once per key, whatever the redeliveries.</summary>
    public string PostingKey { get; init; } = "";

    /// <summary>Totals and journal from the lines: total = exact sum of the lines, so the journal balances to zero.</summary>
    public Voucher Completed()
    {
        var taxable = Lines.Sum(l => l.Taxable);
        var tax = Lines.Sum(l => l.Tax);
        return this with { Totals = new Totals(taxable, tax, taxable + tax), Journal = Books.Journal.For(Type, Lines, taxable + tax) };
    }
}
