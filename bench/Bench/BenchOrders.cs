using Connectors.Tests.Fixtures;

namespace Connectors.Bench;

/// <summary>The one order every benchmark delivery and history order carries: three lines, intra-state GST.</summary>
public static class BenchOrders
{
    public static string Created(string externalId) =>
        CustomOrders.Created(externalId, "29", ("WIDGET-1", 2m, 100m, 18m), ("GADGET-2", 1m, 250.50m, 12m), ("SERVICE-3", 3m, 19.99m, 5m));
}
