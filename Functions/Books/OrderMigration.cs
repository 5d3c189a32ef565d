namespace Connectors.Books;

/// <summary>
/// Order rows written before facts were kept (layout 0) hold only what is open per SKU (and, for an unfinished event, its
/// plan's open lines after it). They are read as an order whose sale is posted, whose lines as sold are what is open, with
/// those units out of stock, cancelled when nothing is open any more. Their refunds are known by event id (Applied), so a
/// redelivery still posts nothing. The first snapshot read gross of refunds (Shopify, WooCommerce, Jumpseller) is then
/// taken as the order as sold, its units beyond what is open standing as one refund made before the upgrade.
/// </summary>
public static class OrderMigration
{
    public const string RefundedBefore = "(refunded before the upgrade)";

    public static OrderState? Current(OrderState? order)
    {
        if (order is null || order.Layout >= OrderState.CurrentLayout) return order;
        var posted = order.SaleNumber is not null || order.Vouchers.Count > 0;
        var lines = order.Pending?.NewLines ?? order.Lines;
        return order with
        {
            Layout = OrderState.CurrentLayout,
            SalePosted = posted,
            Lines = new(lines, StringComparer.Ordinal),
            Sold = new(lines, StringComparer.Ordinal),
            StockOut = lines.Values.Where(p => !p.IsService && p.Item is not null).ToDictionary(p => p.Sku, p => p.Quantity, StringComparer.Ordinal),
            CancelPosted = posted && order.Vouchers.Count > 1 && lines.Count > 0 && lines.Values.All(p => !p.IsOpen),
            Baseline = posted,
            Pending = order.Pending is { } pending ? pending with { NewLines = null } : null,
        };
    }
}
