using Connectors.Connections;

namespace Connectors.Sources.Shopify;

/// <summary>Shopify: a secret URL token finds the connection; saleOn says which topic creates the sale.</summary>
public static class ShopifyPlatform
{
    public const string Name = "shopify";
    public const string Route = "shopify/{token}";

    public static readonly SourceDescription Description = new(Name, typeof(ShopifySource))
    {
        Routes = [new(Route)],
        FoundBy = ConnectionKey.RouteToken,
        SaleOn = SaleOn.Create,
    };
}
