using Connectors.Ingest;

namespace Connectors.Books;

/// <summary>
/// One order in one Orders row, so events of one order serialise on its ETag: the facts the platform has told us
/// (OrderFacts, merged whatever the order of arrival) and what the books hold for them (Sold, Lines, StockOut, the
/// refunds credited). Posting an event merges its fact and posts the difference between the two (docs/order-of-arrival.md).
/// </summary>
public sealed record OrderState
{
    /// <summary>The layout this row was written in: 2 keeps facts; 0 is a row from before, read as its open lines (OrderMigration).</summary>
    public const int CurrentLayout = 2;

    public int Layout { get; init; }
    public required string ConnectionId { get; init; }
    public required string ExternalId { get; init; }
    public string? SaleNumber { get; init; }
    public string? PlaceOfSupply { get; init; }
    public string? Customer { get; init; }
    public string? CustomerKey { get; init; }
    public bool IsTest { get; init; }
    /// <summary>What the platform has told us about the order, merged so that arrival order and repetition do not matter.</summary>
    public OrderFacts Facts { get; init; } = new();
    /// <summary>Whether the sales voucher is posted (its number lands in SaleNumber when the plan completes).</summary>
    public bool SalePosted { get; init; }
    /// <summary>The tax rate each SKU was sold at (the sale's lines are not kept once posted): a refund made before a later edit is credited at it.</summary>
    public Dictionary<string, decimal> SaleTaxRates { get; init; } = new(StringComparer.Ordinal);
    /// <summary>The dearest unit price (before tax) each SKU was sold at: no refund credits a unit for more.</summary>
    public Dictionary<string, decimal> SaleUnitPrices { get; init; } = new(StringComparer.Ordinal);
    /// <summary>Per external SKU, what the sale and the edit notes posted: the order as sold, gross of refunds.</summary>
    public Dictionary<string, SkuPosition> Sold { get; init; } = new(StringComparer.Ordinal);
    /// <summary>Per external SKU, what the order still bills: Sold less every refund and the cancellation credited.</summary>
    public Dictionary<string, SkuPosition> Lines { get; init; } = new(StringComparer.Ordinal);
    /// <summary>Refund ids credited by their own credit note, or covered by the cancellation's (never credited again).</summary>
    public List<string> Credited { get; init; } = [];
    /// <summary>Per refund id credited by its own note, that note's lines (a refund an edit is net of is added back at exactly these).</summary>
    public Dictionary<string, List<VoucherLine>> CreditedLines { get; init; } = new(StringComparer.Ordinal);
    /// <summary>Whether the cancellation's credit note is posted: nothing is billed any more, later edits post nothing.</summary>
    public bool CancelPosted { get; init; }
    /// <summary>A row from before facts were kept: its first snapshot read gross of refunds is taken as the order as sold (OrderMigration).</summary>
    public bool Baseline { get; init; }
    /// <summary>
    /// Per external SKU, the units still billed by the voucher that supplied them (the sale, or the debit note of the edit
    /// that added them), so a late credit note is judged by the date of the supply it credits (CGST Act s.34(2)). Credited
    /// newest first. A SKU without lots (a row from before they were kept) is the sale's.
    /// </summary>
    public Dictionary<string, List<SupplyLot>> Supplies { get; init; } = new(StringComparer.Ordinal);
    /// <summary>Per external SKU, the units this order has taken out of stock as posted so far (movements are target − this).</summary>
    public Dictionary<string, decimal> StockOut { get; init; } = new(StringComparer.Ordinal);
    /// <summary>Events held (kept, not in the books yet) by event id: when their fact posts, their activity entries say so.</summary>
    public List<string> Held { get; init; } = [];
    public List<string> Vouchers { get; init; } = [];
    /// <summary>Event id -> the voucher numbers it became: an event found here is done (redelivery answers the same).</summary>
    public Dictionary<string, List<string>> Applied { get; init; } = new(StringComparer.Ordinal);
    /// <summary>Write-ahead intent: the row already holds the state after the plan; its vouchers and moves are completed by whoever reads the order next if this worker dies.</summary>
    public PostingPlan? Pending { get; init; }
}

/// <summary>
/// The platform's facts about one order, each merged as a join (commutative, idempotent): the sale as first told, the
/// newest snapshot by the platform's version, refunds by id, the cancellation.
/// </summary>
public sealed record OrderFacts
{
    /// <summary>The event that made the order a sale: its lines are the sales voucher.</summary>
    public CanonicalEvent? Sale { get; init; }
    /// <summary>The edit with the highest version when it is newer than the sale (null while the sale is the newest: not stored twice).</summary>
    public CanonicalEvent? Latest { get; init; }
    /// <summary>The snapshot with the highest version: what the order bills, before refunds.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public CanonicalEvent? Snapshot => Latest ?? Sale;
    public Dictionary<string, CanonicalEvent> Refunds { get; init; } = new(StringComparer.Ordinal);
    public CanonicalEvent? Cancel { get; init; }
}

/// <summary>Units of a SKU supplied on one date (the voucher that billed them) and still billed.</summary>
public sealed record SupplyLot(DateOnly Date, decimal Quantity);

/// <summary>The open position of one SKU on an order.</summary>
public sealed record SkuPosition
{
    public required string Sku { get; init; }
    public string? Item { get; init; }
    public required string Description { get; init; }
    public bool IsService { get; init; }
    /// <summary>Null: Sales; a gift card's liability account, or Round off.</summary>
    public string? Account { get; init; }
    public decimal TaxRate { get; init; }
    /// <summary>The part of TaxRate that is cess (CanonicalLine.CessRate), posted as its own "Cess" component: a refund or edit of the line credits it like the sale.</summary>
    public decimal CessRate { get; init; }
    public decimal Rate { get; init; }
    public decimal Quantity { get; init; }
    public decimal Taxable { get; init; }
    public List<TaxAmount> Taxes { get; init; } = [];

    public decimal Total => Taxable + Taxes.Sum(t => t.Amount);
    public bool IsOpen => Quantity != 0 || Taxable != 0 || Taxes.Any(t => t.Amount != 0);
}

/// <summary>A stock change of one item; an event's changes are applied together, once, under the event's id.</summary>
public sealed record StockMove(string ItemSku, decimal Delta);

/// <summary>What posting one event has still to write once its intent is saved: vouchers, stock moves, counts, the customer.</summary>
public sealed record PostingPlan
{
    public required string EventId { get; init; }
    public List<Voucher> Vouchers { get; init; } = [];
    /// <summary>Written by rows of layout 0 only (the open lines after the plan): read once, by OrderMigration.</summary>
    public Dictionary<string, SkuPosition>? NewLines { get; init; }
    public List<StockMove> Moves { get; init; } = [];
    /// <summary>External SKUs without an item, counted once per event.</summary>
    public List<string> Unmapped { get; init; } = [];
    public string? Note { get; init; }
    /// <summary>What the activity log says of the event when it is not simply posted: stale, or held (kept, not credited yet).</summary>
    public string? Status { get; init; }
    public Ingest.Customer? Customer { get; init; }
    /// <summary>Events held before whose facts this plan posts: their activity entries move to posted with these vouchers.</summary>
    public List<ReleasedEvent> Released { get; init; } = [];
}

/// <param name="Vouchers">Indexes into the plan's vouchers that document this event's fact.</param>
public sealed record ReleasedEvent(string EventId, string ActivityKey, List<int> Vouchers);
