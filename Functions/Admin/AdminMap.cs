using Connectors.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Connectors.Admin;

/// <summary>
/// Every admin route of the local host, behind the admin key (AdminAuth), with its handler. The handlers are grouped
/// by feature beside this file (Connections/, Books/, Posting/, Storage/), except the reports' (Reports/ReportsAdmin.cs)
/// and the audit log's (Audit/AuditAdmin.cs); the Azure entry points call the same ones.
/// </summary>
public static class AdminMap
{
    public static RouteGroupBuilder MapAdmin(this RouteGroupBuilder admin)
    {
        // Connections: create (secrets shown once), list, read, update, rotate, revoke, activity, replay, test event.
        admin.MapPost(Routes.AdminConnections, ConnectionAdmin.CreateAsync);
        admin.MapGet(Routes.AdminConnections, ConnectionAdmin.ListAsync);
        admin.MapGet(Routes.AdminConnection, ConnectionAdmin.GetAsync);
        admin.MapPut(Routes.AdminConnection, ConnectionAdmin.UpdateAsync);
        admin.MapDelete(Routes.AdminConnection, ConnectionAdmin.RevokeAsync);
        admin.MapPost(Routes.AdminConnectionRotate, ConnectionAdmin.RotateAsync);
        admin.MapGet(Routes.AdminConnectionActivity, ConnectionAdmin.ActivityAsync);
        admin.MapPost(Routes.AdminConnectionActivityReplay, ConnectionAdmin.ReplayAsync);
        admin.MapPost(Routes.AdminConnectionTestEvent, TestEvent.SendAsync);

        // Posting: poison messages back onto the events queue.
        admin.MapPost(Routes.AdminPoisonReplay, PoisonAdmin.ReplayAsync);

        // Books: SKU maps, items, vouchers, trial balance, customers.
        admin.MapPut(Routes.AdminConnectionSkuMap, BooksAdmin.PutSkuMapAsync);
        admin.MapGet(Routes.AdminConnectionUnmapped, BooksAdmin.UnmappedAsync);
        admin.MapPut(Routes.AdminItem, BooksAdmin.PutItemAsync);
        admin.MapGet(Routes.AdminItem, BooksAdmin.GetItemAsync);
        admin.MapGet(Routes.AdminItems, BooksAdmin.ListItemsAsync);
        admin.MapGet(Routes.AdminVouchers, BooksAdmin.OrderVouchersAsync);
        // Numbers contain '/': Routes.AdminVoucher is a catch-all, taking SV/26-27/000001 raw or URL-encoded (SV%2F26-27%2F000001).
        admin.MapGet(Routes.AdminVoucher, BooksAdmin.GetVoucherAsync);
        admin.MapGet(Routes.AdminTrialBalance, BooksAdmin.TrialBalanceAsync);
        admin.MapGet(Routes.AdminCustomers, BooksAdmin.CustomersAsync);

        // Reports: a period's returns and registers, the backfill of the period index, the books audit.
        admin.MapGet(Routes.AdminReport, Reports.ReportsAdmin.ReportAsync);
        admin.MapPost(Routes.AdminReportsBackfill, Reports.ReportsAdmin.BackfillAsync);
        admin.MapGet(Routes.AdminAuditBooks, Reports.ReportsAdmin.AuditAsync);

        // Audit: the admin actions, newest first.
        admin.MapGet(Routes.AdminAudit, Audit.AuditAdmin.ListAsync);

        // Storage: this instance's storage requests.
        admin.MapGet(Routes.AdminStorageRequests, StorageRequestsAdmin.Get);
        return admin;
    }
}
