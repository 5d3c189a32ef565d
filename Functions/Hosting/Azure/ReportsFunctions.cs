using Connectors.Books;
using Connectors.Reports;
using Connectors.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace Connectors.Hosting.AzureFunctions;

/// <summary>The reports, the books backfill and the audit: the same handlers as the local host (ReportsAdmin), behind the function key.</summary>
public sealed class ReportsFunctions(VoucherStore vouchers, ItemStore items, StorageAccount storage, IOptions<BooksOptions> books)
{
    [Function("Report")]
    public Task<IResult> Report([HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.AdminReport)] HttpRequest req, string? report) =>
        RouteValues.Missing(nameof(report), report).Or(() => ReportsAdmin.ReportAsync(report!, req, vouchers, items, books, req.HttpContext.RequestAborted));

    [Function("BooksBackfill")]
    public Task<IResult> BooksBackfill([HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.AdminReportsBackfill)] HttpRequest req) =>
        ReportsAdmin.BackfillAsync(vouchers, items, req.HttpContext.RequestAborted);

    [Function("AuditBooks")]
    public Task<IResult> AuditBooks([HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.AdminAuditBooks)] HttpRequest req) =>
        ReportsAdmin.AuditAsync(storage, books, req.HttpContext.RequestAborted);
}
