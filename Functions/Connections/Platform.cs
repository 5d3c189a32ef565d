namespace Connectors.Connections;

/// <summary>The shop platforms a connection can belong to, with their wire names.</summary>
public static class Platform
{
    public const string Custom = "custom";
    public const string WooCommerce = "woocommerce";
    public const string Shopify = "shopify";
    public const string Jumpseller = "jumpseller";
    public const string Selldone = "selldone";
    public const string Bookto = "bookto";

    public static readonly IReadOnlyList<string> All = [Custom, WooCommerce, Shopify, Jumpseller, Selldone, Bookto];

    public static bool IsKnown(string? name) => name is not null && All.Contains(name);

    /// <summary>Platforms whose delivery URL carries a secret token instead of the connection id.</summary>
    public static bool UsesUrlToken(string platform) => platform is WooCommerce or Shopify or Selldone;
}
