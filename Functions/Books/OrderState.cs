namespace Connectors.Books;

/// <summary>
/// What an order currently bills, per external SKU (sale plus every note so far), and what has been posted for it.
/// Lives in one Orders row, so events of one order serialise on its ETag.
/// </summary>
public sealed record OrderState
{
    public required string ConnectionId { get; init; }
    public required string ExternalId { get; init; }
    public string? SaleNumber { get; init; }
    public string? PlaceOfSupply { get; init; }
    public string? Customer { get; init; }
    public string? CustomerKey { get; init; }
    public bool IsTest { get; init; }
    public Dictionary<string, SkuPosition> Lines { get; init; } = new(StringComparer.Ordinal);
    public List<string> Vouchers { get; init; } = [];
    /// <summary>Event id -> the voucher numbers it became: an event found here is done (redelivery answers the same).</summary>
    public Dictionary<string, List<string>> Applied { get; init; } = new(StringComparer.Ordinal);
    /// <summary>Write-ahead intent: written before any voucher, completed by whoever reads the order next if this worker dies.</summary>
    public PostingPlan? Pending { get; init; }
}

/// <summary>The open position of one SKU on an order.</summary>
public sealed record SkuPosition
{
    public required string Sku { get; init; }
    public string? Item { get; init; }
    public required string Description { get; init; }
    public bool IsService { get; init; }
    public decimal TaxRate { get; init; }
    public decimal Rate { get; init; }
    public decimal Quantity { get; init; }
    public decimal Taxable { get; init; }
    public List<TaxAmount> Taxes { get; init; } = [];

    public decimal Total => Taxable + Taxes.Sum(t => t.Amount);
    public bool IsOpen => Quantity != 0 || Taxable != 0 || Taxes.Any(t => t.Amount != 0);
}

/// <summary>A stock change of one item; an event's changes are applied together, once, under the event's id.</summary>
public sealed record StockMove(string ItemSku, decimal Delta);

/// <summary>Everything one event does to the books, decided once (against the order as it was) and then carried out idempotently.</summary>
public sealed record PostingPlan
{
    public required string EventId { get; init; }
    public List<Voucher> Vouchers { get; init; } = [];
    public List<StockMove> Moves { get; init; } = [];
    /// <summary>External SKUs without an item, counted once per event.</summary>
    public List<string> Unmapped { get; init; } = [];
    public Dictionary<string, SkuPosition> NewLines { get; init; } = new(StringComparer.Ordinal);
    public string? Note { get; init; }
    public Ingest.Customer? Customer { get; init; }
}
