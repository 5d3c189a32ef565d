namespace Connectors.Books;

/// <summary>
/// Order rows written before facts were kept (layout 0) hold only what is open per SKU. They are read as an order whose
/// sale is posted and whose lines as sold are what is open, with those units out of stock; their refunds are known by
/// event id (Applied), so a redelivery still posts nothing. An edit after the upgrade is compared with what is open.
/// </summary>
public static class OrderMigration
{
    public static OrderState? Current(OrderState? order)
    {
        if (order is null || order.Layout >= OrderState.CurrentLayout) return order;
        var posted = order.SaleNumber is not null || order.Vouchers.Count > 0;
        return order with
        {
            Layout = OrderState.CurrentLayout,
            SalePosted = posted,
            Sold = new(order.Lines, StringComparer.Ordinal),
            StockOut = order.Lines.Values.Where(p => !p.IsService && p.Item is not null).ToDictionary(p => p.Sku, p => p.Quantity, StringComparer.Ordinal),
        };
    }
}
