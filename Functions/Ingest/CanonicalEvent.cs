using System.Text.Json.Serialization;

namespace Connectors.Ingest;

/// <summary>What happened to an order (or product), in the one shape every source maps onto.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<EventKind>))]
public enum EventKind { Sale, Update, Refund, Cancel, Product }

/// <summary>
/// The normalised event every source enqueues and the posting engine consumes. Sources fill the business
/// fields; the ingest pipeline fills EventId, ActivityKey, RawBlob and ReceivedAt.
/// </summary>
public sealed record CanonicalEvent
{
    /// <summary>Deterministic: derived from connection + dedupe key, so a redelivery carries the same id.</summary>
    public string EventId { get; init; } = "";
    public required EventKind Kind { get; init; }
    public string ConnectionId { get; init; } = "";
    public string Platform { get; init; } = "";
    /// <summary>The shop's order id (for product events: the product's SKU or id).</summary>
    public required string ExternalId { get; init; }
    /// <summary>The shop's own order name when it differs from the id (Shopify "#1001").</summary>
    public string? OrderName { get; init; }
    public string? RefundId { get; init; }
    /// <summary>
    /// The platform's version of what the event tells (Custom updated_at or refunded_at, Shopify updated_at, WooCommerce
    /// date_modified_gmt, Jumpseller-Triggered-At): the newest snapshot wins whatever the order of arrival. Null: the
    /// source gives none (a sale is then the oldest snapshot; an edit is versioned by its arrival).
    /// </summary>
    public DateTimeOffset? Version { get; init; }
    /// <summary>An edit whose lines are net of the refunds made before it (the Custom contract); otherwise lines are as sold, gross of refunds.</summary>
    public bool LinesNetOfEarlierRefunds { get; init; }
    /// <summary>A refund of value only (WooCommerce's order payload): it credits money but says no unit came back.</summary>
    public bool ValueOnly { get; init; }
    /// <summary>Document date in the shop's calendar (order date, refund date, ...).</summary>
    public required DateOnly Date { get; init; }
    /// <summary>The same moment when the source wrote it in UTC (or it is the moment of arrival): posting dates it in Books:TimeZone when that is set.</summary>
    public DateTimeOffset? DateUtc { get; init; }
    public Customer? Customer { get; init; }
    /// <summary>GST state code ("29") for India; otherwise the region code the source gave, if any.</summary>
    public string? PlaceOfSupply { get; init; }
    /// <summary>ISO 3166-1 alpha-2 country of the buyer, if known.</summary>
    public string? Country { get; init; }
    public string? Currency { get; init; }
    /// <summary>
    /// What the platform says was charged (a sale: Shopify total_price, WooCommerce total, Selldone's final price, ...) or
    /// returned (a refund: Shopify's successful refund transactions, WooCommerce's refund total): the residue against the
    /// voucher's lines goes on a Round off line, up to Books:RoundOffLimit. Null: not measured.
    /// </summary>
    public decimal? PlatformTotal { get; init; }
    /// <summary>True when line rates include tax (gross prices): posting splits them back into taxable + tax.</summary>
    public bool PricesIncludeTax { get; init; }
    /// <summary>Test orders post in the TEST series and move no stock.</summary>
    public bool IsTest { get; init; }
    public IReadOnlyList<CanonicalLine> Lines { get; init; } = [];
    /// <summary>
    /// The refunds a snapshot lists (Shopify refunds[], WooCommerce refunds), each a refund event with the event id its own
    /// delivery would have: posting merges them by refund id, so none is credited twice and the snapshot is read gross of them.
    /// </summary>
    public IReadOnlyList<CanonicalEvent> Refunds { get; init; } = [];
    /// <summary>The source's own status word, kept for the activity log ("Paid", "processing", ...).</summary>
    public string? SourceStatus { get; init; }
    public DateTimeOffset ReceivedAt { get; init; }
    /// <summary>Row key of this event's activity entry, so the processor can move it to posted or failed.</summary>
    public string ActivityKey { get; init; } = "";
    /// <summary>Where the raw body is archived: "table:{pk}/{rk}" (RawDeliveries) or a blob name (RawArchive.LoadAsync reads both).</summary>
    public string RawBlob { get; init; } = "";
    /// <summary>Row key of the receipt claimed for this event (Receipts): freed when posting refuses the event, so a corrected copy is accepted.</summary>
    public string? ReceiptKey { get; init; }
}

/// <summary>One line of an order, refund or product event. Money and quantities are decimals, never doubles.</summary>
public sealed record CanonicalLine
{
    /// <summary>The shop's SKU (or a stable stand-in such as a product id); mapped to an item via the connection's SKU map.</summary>
    public required string Sku { get; init; }
    public string? Description { get; init; }
    public decimal Quantity { get; init; }
    /// <summary>Unit price before line discount; net or gross according to CanonicalEvent.PricesIncludeTax.</summary>
    public decimal Rate { get; init; }
    /// <summary>Tax rate in percent (18 for 18 %), any cess included (28 % GST + 12 % cess = 40; CessRate says which part is cess).</summary>
    public decimal TaxRate { get; init; }
    /// <summary>
    /// The part of TaxRate that is a cess, in percent (12 for India's Compensation Cess at 12 %); 0 when none. GST books post
    /// it as its own "Cess" component (journal "Output Cess"), never in CGST/SGST/IGST: the cess is levied beside GST under
    /// the GST (Compensation to States) Act 2017, s.8. VAT books keep TaxRate as one VAT rate.
    /// </summary>
    public decimal CessRate { get; init; }
    /// <summary>Total discount on the line (not per unit), in the same basis as Rate.</summary>
    public decimal Discount { get; init; }
    /// <summary>Tax the source itself computed for the line, when it states one, any cess included; posting uses it when present.</summary>
    public decimal? TaxAmount { get; init; }
    /// <summary>The part of TaxAmount that is cess, when the source states it (Shopify's cess tax_lines, WooCommerce's cess rate's taxes); null: posting shares TaxAmount between GST and the cess by their rates.</summary>
    public decimal? CessAmount { get; init; }
    /// <summary>Shipping, fees and services: posted as service lines that move no stock.</summary>
    public bool IsService { get; init; }
    /// <summary>A gift card sold (Shopify gift_card): a liability, not a supply: no tax, no stock, credited to Gift card liability.</summary>
    public bool IsGiftCard { get; init; }
    /// <summary>For refund lines: a fee or compensation the source marks as such, which may credit more per unit than the unit was sold for.</summary>
    public bool IsCompensation { get; init; }
    /// <summary>For refund and cancel lines: whether the goods return to stock.</summary>
    public bool Restock { get; init; } = true;
    /// <summary>For product events: the stock level the shop reports, when it manages stock.</summary>
    public decimal? StockLevel { get; init; }
}

/// <summary>The customer fields the books need, and a stable key to find-or-create them by.</summary>
public sealed record Customer
{
    /// <summary>Normalised match key: tax id, else peppol id, else e-mail (lower case); null for walk-in customers.</summary>
    public string? Key { get; init; }
    public string? Name { get; init; }
    public string? Email { get; init; }
    public string? TaxId { get; init; }
    public string? Country { get; init; }
    /// <summary>Postal address as lines ("Kerkstraat 1\n9000 Gent"): EU invoices name the buyer's address.</summary>
    public string? Address { get; init; }
    /// <summary>Peppol participant id ("0208:0123456789"), for e-invoicing.</summary>
    public string? PeppolId { get; init; }
}

/// <summary>A source's mapped event before the pipeline stamps it, with the key that makes it unique for its connection.</summary>
/// <param name="DedupeKey">Business idempotency key, e.g. "sale|ORD-1", "refund|ORD-1|R-9", "update|ORD-1|&lt;body sha256&gt;".</param>
public sealed record EventDraft(CanonicalEvent Event, string DedupeKey);
