using System.Text.Json.Serialization;
using Connectors.Sources.Shops;

namespace Connectors.Sources.Shopify;

// The webhook bodies are the bare REST resources (the REST API wraps them as {"order": {...}}; webhooks do not).
// Only the fields the books need are declared; the rest of Shopify's payload is ignored.

public sealed record ShopifyOrder
{
    public long? Id { get; init; }
    public string? Name { get; init; }
    public string? CreatedAt { get; init; }
    public string? ProcessedAt { get; init; }
    public string? UpdatedAt { get; init; }
    public string? CancelledAt { get; init; }
    public string? Currency { get; init; }
    /// <summary>What the order charged in the shop's currency: the sales voucher's round-off is measured against it.</summary>
    public decimal? TotalPrice { get; init; }
    public string? FinancialStatus { get; init; }
    public bool TaxesIncluded { get; init; }
    public bool Test { get; init; }
    public string? Email { get; init; }
    public List<ShopifyLineItem>? LineItems { get; init; }
    public List<ShopifyShippingLine>? ShippingLines { get; init; }
    public List<ShopifyRefund>? Refunds { get; init; }
    /// <summary>Not in Shopify's order webhooks (the Transaction resource is its own); read when a payload carries it (a REST copy with transactions).</summary>
    public List<ShopifyTransaction>? Transactions { get; init; }
    public ShopifyAddress? BillingAddress { get; init; }
    public ShopifyAddress? ShippingAddress { get; init; }
    public ShopifyCustomer? Customer { get; init; }
}

public sealed record ShopifyLineItem
{
    public long? Id { get; init; }
    public long? ProductId { get; init; }
    public long? VariantId { get; init; }
    public string? Sku { get; init; }
    public string? Name { get; init; }
    public string? Title { get; init; }
    public int? Quantity { get; init; }
    /// <summary>Quantity after order edits and refunds (newer API versions); absent in older payloads.</summary>
    public int? CurrentQuantity { get; init; }
    public decimal? Price { get; init; }
    public decimal TotalDiscount { get; init; }
    public bool? GiftCard { get; init; }
    public List<ShopifyTaxLine>? TaxLines { get; init; }
    public List<ShopifyDiscountAllocation>? DiscountAllocations { get; init; }
}

public sealed record ShopifyTaxLine
{
    public string? Title { get; init; }
    public decimal Price { get; init; }
    /// <summary>A fraction: 0.18 is 18 %.</summary>
    public decimal Rate { get; init; }
}

public sealed record ShopifyDiscountAllocation
{
    public decimal Amount { get; init; }
}

public sealed record ShopifyShippingLine
{
    public long? Id { get; init; }
    public string? Title { get; init; }
    public string? Code { get; init; }
    public decimal Price { get; init; }
    public decimal? DiscountedPrice { get; init; }
    public List<ShopifyTaxLine>? TaxLines { get; init; }
    public List<ShopifyDiscountAllocation>? DiscountAllocations { get; init; }
}

public sealed record ShopifyAddress
{
    public string? Name { get; init; }
    public string? FirstName { get; init; }
    public string? LastName { get; init; }
    public string? Company { get; init; }
    public string? ProvinceCode { get; init; }
    public string? Province { get; init; }
    public string? CountryCode { get; init; }
}

public sealed record ShopifyCustomer
{
    public long? Id { get; init; }
    public string? Email { get; init; }
    public string? FirstName { get; init; }
    public string? LastName { get; init; }
}

public sealed record ShopifyRefund
{
    public long? Id { get; init; }
    public long? OrderId { get; init; }
    public string? CreatedAt { get; init; }
    public string? ProcessedAt { get; init; }
    public string? Note { get; init; }
    /// <summary>Legacy (pre restock_type) flag: true returned every refunded line to stock.</summary>
    public bool? Restock { get; init; }
    public List<ShopifyRefundLineItem>? RefundLineItems { get; init; }
    /// <summary>Refunded shipping from Admin API 2024-10 on; older versions report it only as shipping_refund order_adjustments.</summary>
    public List<ShopifyRefundShippingLine>? RefundShippingLines { get; init; }
    public List<ShopifyOrderAdjustment>? OrderAdjustments { get; init; }
    public List<ShopifyTransaction>? Transactions { get; init; }
}

public sealed record ShopifyRefundShippingLine
{
    public long? Id { get; init; }
    public long? ShippingLineId { get; init; }
    public ShopifyMoneySet? SubtotalAmountSet { get; init; }
    /// <summary>GraphQL's taxAmountSet; the REST/webhook shape documents only subtotal_amount_set.</summary>
    public ShopifyMoneySet? TaxAmountSet { get; init; }
    public ShopifyShippingLine? ShippingLine { get; init; }
}

/// <summary>An amount in the shop's currency and in the buyer's (presentment) currency.</summary>
public sealed record ShopifyMoneySet
{
    public ShopifyMoney? ShopMoney { get; init; }
    public ShopifyMoney? PresentmentMoney { get; init; }
}

public sealed record ShopifyMoney
{
    public decimal? Amount { get; init; }
    public string? CurrencyCode { get; init; }
}

public sealed record ShopifyTransaction
{
    public decimal Amount { get; init; }
    public string? Kind { get; init; }
    public string? Status { get; init; }
    public string? Currency { get; init; }
    public bool Test { get; init; }
    /// <summary>When the transaction was processed (ISO-8601 with offset); created_at when absent.</summary>
    public string? ProcessedAt { get; init; }
    public string? CreatedAt { get; init; }
}

public sealed record ShopifyRefundLineItem
{
    public long? Id { get; init; }
    public long? LineItemId { get; init; }
    public int? Quantity { get; init; }
    /// <summary>"return", "cancel", "legacy_restock" return stock; "no_restock" does not.</summary>
    public string? RestockType { get; init; }
    public decimal? Subtotal { get; init; }
    /// <summary>The subtotal in the shop's and the buyer's currency: its shop_money names the currency the flat amounts are in.</summary>
    public ShopifyMoneySet? SubtotalSet { get; init; }
    public decimal? TotalTax { get; init; }
    public ShopifyLineItem? LineItem { get; init; }
}

public sealed record ShopifyOrderAdjustment
{
    public string? Kind { get; init; }
    public decimal Amount { get; init; }
    public decimal TaxAmount { get; init; }
    public string? Reason { get; init; }
}

public sealed record ShopifyProduct
{
    public long? Id { get; init; }
    public string? Title { get; init; }
    public string? UpdatedAt { get; init; }
    public List<ShopifyVariant>? Variants { get; init; }
}

public sealed record ShopifyVariant
{
    public long? Id { get; init; }
    public long? ProductId { get; init; }
    public string? Title { get; init; }
    public string? Sku { get; init; }
    public decimal? Price { get; init; }
    public int? InventoryQuantity { get; init; }
    /// <summary>"shopify" when Shopify tracks the variant's stock; null when it does not.</summary>
    public string? InventoryManagement { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    Converters = [typeof(LenientDecimalConverter), typeof(LenientInt64Converter), typeof(LenientInt32Converter)])]
[JsonSerializable(typeof(ShopifyOrder))]
[JsonSerializable(typeof(ShopifyRefund))]
[JsonSerializable(typeof(ShopifyProduct))]
public sealed partial class ShopifyJson : JsonSerializerContext;
