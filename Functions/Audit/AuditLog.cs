using Azure.Data.Tables;
using Connectors.Storage;

namespace Connectors.Audit;

/// <summary>
/// The Audit table: one partition (admin actions are a person's clicks, far below a partition's throughput), row keys
/// that sort newest first (Keys.NewestFirst), so the newest page is a plain scan and the next page starts after the
/// last key seen.
/// </summary>
public sealed class AuditLog(StorageAccount storage, TimeProvider clock)
{
    const string Partition = "audit";
    public const int MaxLimit = 1000;

    readonly TableClient _table = storage.Table(TableNames.Audit);

    public async Task<AuditEntry> RecordAsync(string action, string target, string credential, string? detail, CancellationToken ct)
    {
        var at = clock.GetUtcNow();
        var entry = new AuditEntry(Keys.NewestFirst(at) + "-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4)), at, action, target, credential, detail);
        await _table.AddEntityAsync(new TableEntity(Partition, entry.Key)
        {
            ["At"] = entry.At, ["Action"] = action, ["Target"] = Clip(target, 400), ["Credential"] = Clip(credential, 200), ["Detail"] = Clip(detail, 1000),
        }, ct);
        return entry;
    }

    /// <param name="after">The key of the last entry of the previous page; null for the newest.</param>
    public async Task<AuditPage> ListAsync(int limit, string? after, CancellationToken ct)
    {
        var filter = after is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {Partition}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and RowKey gt {after}");
        var list = new List<AuditEntry>(limit);
        // One more than asked: whether there is a next page.
        await foreach (var e in _table.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(limit + 1, MaxLimit), cancellationToken: ct))
        {
            if (list.Count == limit) return new AuditPage(list, list[^1].Key);
            list.Add(new AuditEntry(e.RowKey, e.GetDateTimeOffset("At") ?? default, e.GetString("Action") ?? "", e.GetString("Target") ?? "", e.GetString("Credential") ?? "", e.GetString("Detail")));
        }
        return new AuditPage(list, null);
    }

    static string? Clip(string? s, int max) => s is null || s.Length <= max ? s : s[..max] + "…";
}
