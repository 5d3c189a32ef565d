using Connectors.Tests.Fixtures;

namespace Connectors.Bench;

/// <summary>
/// The one order every benchmark delivery and history order carries: three lines, intra-state GST, each SKU an item
/// of the books (created before the run), so every order also moves stock on three items, as a shop's orders do.
/// </summary>
public static class BenchOrders
{
    public static readonly (string Sku, decimal Qty, decimal Rate, decimal TaxRate)[] Lines =
        [("WIDGET-1", 2m, 100m, 18m), ("GADGET-2", 1m, 250.50m, 12m), ("SERVICE-3", 3m, 19.99m, 5m)];

    /// <summary>Opening stock of each item: more than any run sells, so the figures never depend on stock running out.</summary>
    public const decimal OpeningStock = 10_000_000m;

    public static string Created(string externalId) => CustomOrders.Created(externalId, "29", Lines);
}
