using Connectors.Admin;
using Connectors.Books;
using Connectors.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace Connectors.Hosting.AzureFunctions;

/// <summary>The books' admin routes and the test event: the same handlers as the local host (Admin/AdminMap.cs), behind the function key.</summary>
public sealed class BooksAdminFunctions(
    ConnectionStore connections, ItemStore items, SkuMapStore maps, OrderStore orders, VoucherStore vouchers, CustomerStore customers,
    IHttpClientFactory http, HostJson hostJson, IOptions<BooksOptions> books)
{
    [Function("PutSkuMap")]
    public Task<IResult> PutSkuMap([HttpTrigger(AuthorizationLevel.Function, "put", Route = Routes.AdminConnectionSkuMap)] HttpRequest req, string? id, string? externalSku) =>
        RouteValues.Missing(nameof(id), id, nameof(externalSku), externalSku).Or(() => BooksAdmin.PutSkuMapAsync(id!, externalSku!, req, connections, items, maps, req.HttpContext.RequestAborted));

    [Function("Unmapped")]
    public Task<IResult> Unmapped([HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.AdminConnectionUnmapped)] HttpRequest req, string? id) =>
        RouteValues.Missing(nameof(id), id).Or(() => BooksAdmin.UnmappedAsync(id!, connections, maps, req.HttpContext.RequestAborted));

    [Function("PutItem")]
    public Task<IResult> PutItem([HttpTrigger(AuthorizationLevel.Function, "put", Route = Routes.AdminItem)] HttpRequest req, string? sku) =>
        RouteValues.Missing(nameof(sku), sku).Or(() => BooksAdmin.PutItemAsync(sku!, req, items, maps, req.HttpContext.RequestAborted));

    [Function("GetItem")]
    public Task<IResult> GetItem([HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.AdminItem)] HttpRequest req, string? sku) =>
        RouteValues.Missing(nameof(sku), sku).Or(() => BooksAdmin.GetItemAsync(sku!, items, req.HttpContext.RequestAborted));

    [Function("ListItems")]
    public Task<IResult> ListItems([HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.AdminItems)] HttpRequest req) =>
        BooksAdmin.ListItemsAsync(items, req.HttpContext.RequestAborted);

    [Function("OrderVouchers")]
    public Task<IResult> OrderVouchers([HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.AdminVouchers)] HttpRequest req) =>
        BooksAdmin.OrderVouchersAsync(QueryValues.String(req, "connection"), QueryValues.String(req, "order"), orders, vouchers, req.HttpContext.RequestAborted);

    // Routes.AdminVoucher is a catch-all (numbers contain '/') of at least one character, so it never takes manage/vouchers itself.
    [Function("GetVoucher")]
    public Task<IResult> GetVoucher([HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.AdminVoucher)] HttpRequest req, string? number) =>
        RouteValues.Missing(nameof(number), number).Or(() => BooksAdmin.GetVoucherAsync(number!, vouchers, req.HttpContext.RequestAborted));

    [Function("TrialBalance")]
    public Task<IResult> TrialBalance([HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.AdminTrialBalance)] HttpRequest req) =>
        BooksAdmin.TrialBalanceAsync(QueryValues.Bool(req, "includeTest"), vouchers, req.HttpContext.RequestAborted);

    [Function("Customers")]
    public Task<IResult> Customers([HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.AdminCustomers)] HttpRequest req) =>
        BooksAdmin.CustomersAsync(QueryValues.Bool(req, "includeTest"), customers, req.HttpContext.RequestAborted);

    [Function("SendTestEvent")]
    public Task<IResult> SendTestEvent([HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.AdminConnectionTestEvent)] HttpRequest req, string? id) =>
        RouteValues.Missing(nameof(id), id).Or(() => TestEvent.SendAsync(id!, req, connections, orders, http, hostJson, books, req.HttpContext.RequestAborted));
}
