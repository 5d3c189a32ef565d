using System.Text.Json;

namespace Connectors.Tests.Fixtures;

/// <summary>Custom-source bodies in the seed's shape, for tests that need a valid order quickly.</summary>
public static class CustomOrders
{
    public static string Created(string externalId, string? buyerState = "29", params (string Sku, decimal Qty, decimal Rate, decimal TaxRate)[] lines) =>
        JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["external_id"] = externalId,
            ["customer_name"] = "Asha Rao",
            ["order_date"] = "2026-05-25",
            ["buyer_state_code"] = buyerState,
            ["lines"] = (lines.Length == 0 ? [("WIDGET-1", 2m, 100m, 18m)] : lines)
                .Select(l => new { sku = l.Sku, description = "Item " + l.Sku, quantity = l.Qty, rate = l.Rate, tax_rate = l.TaxRate }),
        });

    public static string Refunded(string externalId, string refundId, params (string Sku, decimal Qty, decimal Rate)[] lines) =>
        JsonSerializer.Serialize(new
        {
            external_id = externalId,
            refund_id = refundId,
            refund_date = "2026-05-26",
            lines = lines.Select(l => new { sku = l.Sku, quantity = l.Qty, rate = l.Rate }),
        });
}
