using Azure;
using Azure.Data.Tables;
using Connectors.Storage;

namespace Connectors.Activity;

/// <summary>Per-connection activity in Table Storage: partition = connection id, row key newest first.</summary>
public sealed class ActivityLog(StorageAccount storage, TimeProvider clock)
{
    /// <summary>Requests that name no known connection are logged here.</summary>
    public const string Unrouted = "_unrouted";

    readonly TableClient _table = storage.Table(TableNames.Activity);
    readonly MergeBatch _updates = new(storage.Table(TableNames.Activity));
    readonly ConditionalBatch _accepted = new(storage.Table(TableNames.Activity));

    public string NewKey() => Keys.NewestFirst(clock.GetUtcNow()) + "-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4));

    public async Task<ActivityEntry> RecordAsync(ActivityEntry entry, CancellationToken ct)
    {
        var e = entry with { Key = string.IsNullOrEmpty(entry.Key) ? NewKey() : entry.Key, At = entry.At == default ? clock.GetUtcNow() : entry.At };
        await _table.UpsertEntityAsync(ToEntity(e), TableUpdateMode.Replace, ct);
        return e;
    }

    /// <summary>
    /// Writes a new "accepted" entry. Its event is queued at the same time, so the poster's update (posted, failed) may
    /// land first: then only the fields the update does not carry are merged in, and its status stands.
    /// </summary>
    public async Task RecordAcceptedAsync(ActivityEntry entry, CancellationToken ct)
    {
        var row = ToEntity(entry);
        // Entries of one connection accepted together share one transaction.
        if (!(await _accepted.InsertAsync(row, ct)).Written)
        {
            row.Remove("Status");
            row.Remove("Reason");
            row.Remove("Vouchers");
            await _table.UpsertEntityAsync(row, TableUpdateMode.Merge, ct);
        }
    }

    /// <summary>Moves an entry to a new status (posted, failed, ...), keeping what it already says.</summary>
    public async Task UpdateAsync(string connectionId, string key, string status, string? reason, string? vouchers, CancellationToken ct)
    {
        var e = new TableEntity(Keys.Escape(connectionId), key) { ["Status"] = status, ["UpdatedAt"] = clock.GetUtcNow() };
        e["Reason"] = reason;
        if (vouchers is not null) e["Vouchers"] = vouchers;
        // Entries of one connection moving at the same moment (a busy queue) share one transaction.
        await _updates.UpsertMergeAsync(e, ct);
    }

    public async Task<ActivityEntry?> GetAsync(string connectionId, string key, CancellationToken ct)
    {
        var r = await _table.GetEntityIfExistsAsync<TableEntity>(Keys.Escape(connectionId), key, cancellationToken: ct);
        return r.HasValue ? FromEntity(connectionId, r.Value!) : null;
    }

    public async Task<IReadOnlyList<ActivityEntry>> ListAsync(string connectionId, int top, CancellationToken ct)
    {
        var list = new List<ActivityEntry>(top);
        await foreach (var page in _table.QueryAsync<TableEntity>(x => x.PartitionKey == Keys.Escape(connectionId), maxPerPage: Math.Min(top, 1000), cancellationToken: ct).AsPages())
        {
            foreach (var e in page.Values) { list.Add(FromEntity(connectionId, e)); if (list.Count == top) return list; }
        }
        return list;
    }

    static TableEntity ToEntity(ActivityEntry a) => new(Keys.Escape(a.ConnectionId), a.Key)
    {
        ["At"] = a.At,
        ["Event"] = Clip.To(a.Event, 200),
        ["ExternalId"] = Clip.To(a.ExternalId, 200),
        ["HttpStatus"] = a.HttpStatus,
        ["Status"] = a.Status,
        ["Reason"] = Clip.To(a.Reason, 2000),
        ["EventId"] = a.EventId,
        ["Vouchers"] = a.Vouchers,
        ["RawBlob"] = a.RawBlob,
    };

    static ActivityEntry FromEntity(string connectionId, TableEntity e) => new()
    {
        ConnectionId = connectionId,
        Key = e.RowKey,
        At = e.GetDateTimeOffset("At") ?? default,
        UpdatedAt = e.GetDateTimeOffset("UpdatedAt"),
        Event = e.GetString("Event"),
        ExternalId = e.GetString("ExternalId"),
        HttpStatus = e.GetInt32("HttpStatus") ?? 0,
        Status = e.GetString("Status") ?? "",
        Reason = e.GetString("Reason"),
        EventId = e.GetString("EventId"),
        Vouchers = e.GetString("Vouchers"),
        RawBlob = e.GetString("RawBlob"),
    };

}
