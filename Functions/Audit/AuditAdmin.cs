using Connectors.Admin;
using Connectors.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Connectors.Audit;

/// <summary>GET /api/manage/audit?limit=50&amp;after={key}: the admin actions, newest first.</summary>
public static class AuditAdmin
{
    public static async Task<IResult> ListAsync(int? limit, string? after, AuditLog log, CancellationToken ct)
    {
        if (limit is < 1 or > AuditLog.MaxLimit) return AdminResults.Error(400, $"limit must be between 1 and {AuditLog.MaxLimit}.");
        if (after is not null && (after.Length is 0 or > 40 || !after.All(c => char.IsAsciiDigit(c) || char.IsAsciiHexDigitLower(c) || c == '-')))
            return AdminResults.Error(400, "after must be the key of an audit entry (the next of the previous page).");
        return Results.Json(await log.ListAsync(limit ?? 50, after, ct));
    }
}
