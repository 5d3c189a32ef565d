namespace Connectors.Hosting;

/// <summary>
/// Route templates (without the host.json route prefix) and queue names, defined once and used by the local host
/// and by the Azure Functions entry points, so the two can never drift.
/// </summary>
public static class Routes
{
    // Source routes are defined by each source's description (Sources/<Platform>/<Platform>Platform.cs); named here
    // because the Azure entry points need compile-time constants.
    public const string Custom = Sources.Custom.CustomPlatform.Route;
    public const string WooCommerce = Sources.WooCommerce.WooCommercePlatform.Route;
    public const string WooCommerceProducto = Sources.WooCommerce.WooCommercePlatform.ProductoRoute;
    public const string WooCommerceProduct = Sources.WooCommerce.WooCommercePlatform.ProductRoute;
    public const string Shopify = Sources.Shopify.ShopifyPlatform.Route;
    public const string Jumpseller = Sources.Jumpseller.JumpsellerPlatform.Route;
    public const string Selldone = Sources.Selldone.SelldonePlatform.Route;
    public const string Bookto = Sources.Bookto.BooktoPlatform.Route;

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
    public const string AdminReport = "manage/reports/{report}";
    public const string AdminReportsBackfill = "manage/books/backfill";
    public const string AdminAuditBooks = "manage/audit-books";
    public const string AdminAudit = "manage/audit";

    /// <summary>The admin page (anonymous static files; it calls the admin routes with the key typed in) and its SDK zips.</summary>
    public const string Console = "console";
    public const string ConsoleFile = "console/{*path:minlength(1)}"; // never empty: an empty one would take console (the page itself)
}

public static class QueueNames
{
    /// <summary>Canonical events waiting to be posted.</summary>
    public const string Events = "connector-events";
    public const string EventsPoison = Events + "-poison";
}
