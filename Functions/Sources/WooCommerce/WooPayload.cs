using System.Text.Json;
using System.Text.Json.Serialization;
using Connectors.Sources.Shops;

namespace Connectors.Sources.WooCommerce;

// WooCommerce webhook bodies are the REST API (wc/v3) representation of the resource. Money is strings except the
// line "price" (a number); only the fields the books need are declared.

public sealed record WooOrder
{
    public long? Id { get; init; }
    public string? Number { get; init; }
    public string? Status { get; init; }
    public string? Currency { get; init; }
    public bool PricesIncludeTax { get; init; }
    public string? DateCreated { get; init; }
    public string? DateModified { get; init; }
    public string? DateModifiedGmt { get; init; }
    /// <summary>"The date the order was paid, in the site's timezone" (no offset); date_paid_gmt is the same moment in UTC.</summary>
    public string? DatePaid { get; init; }
    public string? DatePaidGmt { get; init; }
    public string? DateCompleted { get; init; }
    public string? DateCompletedGmt { get; init; }
    public string? PaymentMethod { get; init; }
    public decimal? Total { get; init; }
    public WooAddress? Billing { get; init; }
    public WooAddress? Shipping { get; init; }
    public List<WooMeta>? MetaData { get; init; }
    public List<WooLineItem>? LineItems { get; init; }
    public List<WooTaxLine>? TaxLines { get; init; }
    public List<WooShippingLine>? ShippingLines { get; init; }
    public List<WooFeeLine>? FeeLines { get; init; }
    public List<WooCouponLine>? CouponLines { get; init; }
    public List<WooRefund>? Refunds { get; init; }
}

public sealed record WooAddress
{
    public string? FirstName { get; init; }
    public string? LastName { get; init; }
    public string? Company { get; init; }
    public string? State { get; init; }
    public string? Country { get; init; }
    public string? Email { get; init; }
}

public sealed record WooMeta
{
    public string? Key { get; init; }
    /// <summary>Plugins store anything here (strings, objects); only string values are read.</summary>
    public JsonElement Value { get; init; }
}

public sealed record WooLineItem
{
    public long? Id { get; init; }
    public string? Name { get; init; }
    public long? ProductId { get; init; }
    public long? VariationId { get; init; }
    public int? Quantity { get; init; }
    /// <summary>Line amount before coupons, excluding tax.</summary>
    public decimal? Subtotal { get; init; }
    public decimal SubtotalTax { get; init; }
    /// <summary>Line amount after coupons, excluding tax.</summary>
    public decimal? Total { get; init; }
    public decimal? TotalTax { get; init; }
    public List<WooLineTax>? Taxes { get; init; }
    public string? Sku { get; init; }
    /// <summary>Unit price after coupons (a JSON number).</summary>
    public decimal? Price { get; init; }
    /// <summary>The item's meta: gift-card extensions mark the line that sells a card here (WooMapping.GiftCardMetaKeys).</summary>
    public List<WooMeta>? MetaData { get; init; }
}

public sealed record WooLineTax
{
    /// <summary>The tax rate id (tax_lines[].rate_id).</summary>
    public long? Id { get; init; }
    public decimal Total { get; init; }
    public decimal Subtotal { get; init; }
}

public sealed record WooTaxLine
{
    public long? RateId { get; init; }
    /// <summary>WC_Tax::get_rate_code: COUNTRY-STATE-NAME-PRIORITY, e.g. "IN-KA-COMPENSATION CESS-2".</summary>
    public string? RateCode { get; init; }
    /// <summary>The rate's name as the shop owner typed it ("CGST", "Compensation Cess").</summary>
    public string? Label { get; init; }
    /// <summary>Present since WooCommerce 3.7; older orders only state the amounts.</summary>
    public decimal? RatePercent { get; init; }
}

public sealed record WooShippingLine
{
    public string? MethodTitle { get; init; }
    public string? MethodId { get; init; }
    public decimal Total { get; init; }
    public decimal TotalTax { get; init; }
    public List<WooLineTax>? Taxes { get; init; }
}

public sealed record WooFeeLine
{
    public string? Name { get; init; }
    public decimal Total { get; init; }
    public decimal TotalTax { get; init; }
    public List<WooLineTax>? Taxes { get; init; }
}

public sealed record WooCouponLine
{
    public string? Code { get; init; }
    public decimal Discount { get; init; }
    public decimal DiscountTax { get; init; }
}

public sealed record WooRefund
{
    public long? Id { get; init; }
    public string? Reason { get; init; }
    /// <summary>Negative: "-10.00".</summary>
    public decimal Total { get; init; }
}

public sealed record WooProduct
{
    public long? Id { get; init; }
    public long? ParentId { get; init; }
    public string? Name { get; init; }
    public string? Type { get; init; }
    public string? Sku { get; init; }
    public decimal? Price { get; init; }
    public decimal? RegularPrice { get; init; }
    /// <summary>true, false, or "parent" on a variation whose stock the parent product manages.</summary>
    public JsonElement ManageStock { get; init; }
    public int? StockQuantity { get; init; }
    public string? DateModified { get; init; }
    public string? DateModifiedGmt { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    Converters = [typeof(LenientDecimalConverter), typeof(LenientInt64Converter), typeof(LenientInt32Converter)])]
[JsonSerializable(typeof(WooOrder))]
[JsonSerializable(typeof(WooProduct))]
public sealed partial class WooJson : JsonSerializerContext;
