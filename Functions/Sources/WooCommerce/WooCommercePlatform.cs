namespace Connectors.Sources.WooCommerce;

/// <summary>WooCommerce: a secret URL token finds the connection; product webhooks go to the /producto (or /product) form of it.</summary>
public static class WooCommercePlatform
{
    public const string Name = "woocommerce";
    public const string Route = "woocommerce/{token}";
    public const string ProductoRoute = "woocommerce/{token}/producto";
    public const string ProductRoute = "woocommerce/{token}/product";

    public static readonly SourceDescription Description = new(Name, typeof(WooCommerceSource))
    {
        Routes = [new(Route), new(ProductoRoute), new(ProductRoute)],
        ProductRoute = ProductoRoute,
        FoundBy = ConnectionKey.RouteToken,
    };
}
