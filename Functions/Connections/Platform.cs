using Connectors.Sources;

namespace Connectors.Connections;

/// <summary>
/// The wire names of the built-in platforms (each defined by its description in Sources/&lt;Platform&gt;/); the list
/// of platforms is SourceRegistry's, so a new platform needs no line here.
/// </summary>
public static class Platform
{
    public const string Custom = Sources.Custom.CustomPlatform.Name;
    public const string WooCommerce = Sources.WooCommerce.WooCommercePlatform.Name;
    public const string Shopify = Sources.Shopify.ShopifyPlatform.Name;
    public const string Jumpseller = Sources.Jumpseller.JumpsellerPlatform.Name;
    public const string Selldone = Sources.Selldone.SelldonePlatform.Name;
    public const string Bookto = Sources.Bookto.BooktoPlatform.Name;

    public static IReadOnlyList<string> All => SourceRegistry.Platforms;

    public static bool IsKnown(string? name) => SourceRegistry.Find(name) is not null;
}
