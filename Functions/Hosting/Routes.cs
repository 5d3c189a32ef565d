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

    public const string AdminConnections = "manage/connections";
    public const string AdminConnection = "manage/connections/{id}";
    public const string AdminConnectionActivity = "manage/connections/{id}/activity";
    public const string AdminConnectionActivityReplay = "manage/connections/{id}/activity/{key}/replay";
    public const string AdminConnectionRotate = "manage/connections/{id}/rotate";
    public const string AdminConnectionTestEvent = "manage/connections/{id}/test-event";
    public const string AdminConnectionSkuMap = "manage/connections/{id}/sku-map/{externalSku}";
    public const string AdminConnectionUnmapped = "manage/connections/{id}/unmapped";
    public const string AdminItems = "manage/items";
    public const string AdminItem = "manage/items/{sku}";
    public const string AdminVouchers = "manage/vouchers";
    public const string AdminVoucher = "manage/vouchers/{*number:minlength(1)}"; // catch-all (voucher numbers contain '/'), never empty: an empty one would take manage/vouchers
    public const string AdminTrialBalance = "manage/trial-balance";
    public const string AdminCustomers = "manage/customers";
    public const string AdminPoisonReplay = "manage/poison/replay";
    public const string AdminStorageRequests = "manage/storage-requests";
}

public static class QueueNames
{
    /// <summary>Canonical events waiting to be posted.</summary>
    public const string Events = "connector-events";
    public const string EventsPoison = Events + "-poison";
}
