namespace Connectors.Hosting;

/// <summary>
/// Route templates (without the host.json route prefix) and queue names, defined once and used by the local host
/// and by the Azure Functions entry points, so the two can never drift.
/// </summary>
public static class Routes
{
    public const string Custom = "custom/{connectionId}";
    public const string WooCommerce = "woocommerce/{token}";
    public const string WooCommerceProducto = "woocommerce/{token}/producto";
    public const string WooCommerceProduct = "woocommerce/{token}/product";
    public const string Shopify = "shopify/{token}";
    public const string Jumpseller = "jumpseller";
    public const string Selldone = "selldone/{token}";
    public const string Bookto = "bookto/{connectionId}";

    public const string AdminConnections = "admin/connections";
    public const string AdminConnection = "admin/connections/{id}";
    public const string AdminConnectionActivity = "admin/connections/{id}/activity";
    public const string AdminConnectionActivityReplay = "admin/connections/{id}/activity/{key}/replay";
    public const string AdminConnectionRotate = "admin/connections/{id}/rotate";
    public const string AdminConnectionTestEvent = "admin/connections/{id}/test-event";
    public const string AdminConnectionSkuMap = "admin/connections/{id}/sku-map/{externalSku}";
    public const string AdminConnectionUnmapped = "admin/connections/{id}/unmapped";
    public const string AdminItems = "admin/items";
    public const string AdminItem = "admin/items/{sku}";
    public const string AdminVouchers = "admin/vouchers";
    public const string AdminVoucher = "admin/vouchers/{*number}"; // catch-all: voucher numbers contain '/'
    public const string AdminTrialBalance = "admin/trial-balance";
    public const string AdminCustomers = "admin/customers";
    public const string AdminPoisonReplay = "admin/poison/replay";
    public const string AdminStorageRequests = "admin/storage-requests";
}

public static class QueueNames
{
    /// <summary>Canonical events waiting to be posted.</summary>
    public const string Events = "connector-events";
    public const string EventsPoison = Events + "-poison";
}
