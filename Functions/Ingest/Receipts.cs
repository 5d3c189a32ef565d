using Azure;
using Azure.Data.Tables;
using Connectors.Activity;
using Connectors.Storage;

namespace Connectors.Ingest;

/// <summary>
/// The guard that makes "queued once" hold under concurrent and repeated deliveries. One row per
/// (connection, dedupe key): claimed by the first request, marked enqueued once its message is durable.
/// A claim left by a request that died is taken over after StaleAfter, one its request gave up at once; a concurrent
/// duplicate waits for the owner to finish, so it can truthfully answer "already received". A claim may carry its
/// delivery's raw body (RawArchive.Carried): the archive then costs no row of its own.
/// </summary>
public sealed class Receipts(StorageAccount storage, TimeProvider clock)
{
    public static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan WaitForOwner = TimeSpan.FromSeconds(3);

    readonly TableClient _table = storage.Table(TableNames.Receipts);
    readonly MergeBatch _completions = new(storage.Table(TableNames.Receipts));
    readonly ConditionalBatch _claims = new(storage.Table(TableNames.Receipts));

    public enum ClaimResult { Owner, AlreadyEnqueued }

    /// <summary>A claim this request holds; Complete marks it enqueued, Abandon frees it for an immediate retry.</summary>
    public sealed record Claim(string ConnectionId, string RowKey, ETag ETag);

    /// <summary>Where a body carried by the claim of this dedupe key is archived (RawArchive.LoadAsync reads it).</summary>
    public static string RawReference(string connectionId, string dedupeKey) => RawArchive.ReceiptReference(Keys.Escape(connectionId), RowKey(dedupeKey));

    /// <summary>The receipt's row key for a dedupe key (fixed length, whatever the key).</summary>
    public static string RowKey(string dedupeKey) => Keys.Hash(dedupeKey);

    /// <param name="body">The delivery's raw body to keep on the claim (one event per delivery), or null when it is archived elsewhere.</param>
    public async Task<(ClaimResult Result, Claim? Claim, string? ExistingEventId)> ClaimAsync(string connectionId, string dedupeKey, string eventId, RawArchive.Carried? body, CancellationToken ct)
    {
        var pk = Keys.Escape(connectionId);
        var rk = RowKey(dedupeKey);
        var entity = new TableEntity(pk, rk) { ["DedupeKey"] = Clip.To(dedupeKey, 1000), ["EventId"] = eventId, ["State"] = "claimed", ["ClaimedAt"] = clock.GetUtcNow() };
        body?.AddTo(entity);
        // Claims of one connection arriving together share one transaction; each still learns its own row's ETag.
        var first = await _claims.InsertAsync(entity, ct);
        if (first.Written) return (ClaimResult.Owner, new Claim(connectionId, rk, first.ETag), null);

        var deadline = clock.GetUtcNow() + WaitForOwner;
        var delay = TimeSpan.FromMilliseconds(25);
        while (true)
        {
            var existing = await _table.GetEntityIfExistsAsync<TableEntity>(pk, rk, ["State", "EventId", "ClaimedAt"], ct);
            if (!existing.HasValue)
            {
                // No row (abandoned claims used to be deleted): claim it afresh.
                try
                {
                    var added = await _table.AddEntityAsync(entity, ct);
                    return (ClaimResult.Owner, new Claim(connectionId, rk, added.Headers.ETag ?? ETag.All), null);
                }
                catch (RequestFailedException e) when (e.Status == 409) { continue; }
            }
            var row = existing.Value!;
            if (row.GetString("State") == "enqueued") return (ClaimResult.AlreadyEnqueued, null, row.GetString("EventId"));
            // Abandoned by a request that failed (its sender retries), refused by posting (a corrected copy is welcome), or
            // left by one that died: this request takes it, with its own body, and only if no one else took it first.
            if (row.GetString("State") is "abandoned" or "rejected" || (row.GetDateTimeOffset("ClaimedAt") is { } at && clock.GetUtcNow() - at > StaleAfter))
            {
                entity["ClaimedAt"] = clock.GetUtcNow();
                try
                {
                    // A merge: a copy that carries no body of its own (a replay of this very row's body) leaves that body in place.
                    var updated = await _table.UpdateEntityAsync(entity, row.ETag, TableUpdateMode.Merge, ct);
                    return (ClaimResult.Owner, new Claim(connectionId, rk, updated.Headers.ETag ?? ETag.All), null);
                }
                catch (RequestFailedException e) when (e.Status == 412) { continue; }
            }
            if (clock.GetUtcNow() > deadline)
                throw new StorageUnavailableException("An identical delivery is still being accepted; retry shortly.");
            await Task.Delay(delay, ct);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 200));
        }
    }

    /// <summary>Marks the claim enqueued; marks of one connection that wait together are written in one transaction.</summary>
    public Task CompleteAsync(Claim claim, CancellationToken ct) =>
        _completions.UpsertMergeAsync(new TableEntity(Keys.Escape(claim.ConnectionId), claim.RowKey) { ["State"] = "enqueued", ["EnqueuedAt"] = clock.GetUtcNow() }, ct);

    /// <summary>
    /// Best effort: frees the claim so the sender's retry is not made to wait for it to go stale. The row stays (marked
    /// abandoned, taken over by the retry) so that a body it carries still backs the failed attempt's activity entry.
    /// </summary>
    public async Task AbandonAsync(Claim claim)
    {
        try { await _table.UpdateEntityAsync(new TableEntity(Keys.Escape(claim.ConnectionId), claim.RowKey) { ["State"] = "abandoned" }, claim.ETag, TableUpdateMode.Merge); }
        catch (Exception) { /* the claim goes stale and is taken over instead */ }
    }

    /// <summary>
    /// Frees the receipt of an event posting refused (nothing of it was written): the same dedupe key sent again, corrected,
    /// is accepted instead of answered as a duplicate. The row stays, with the refused delivery's body if it carries one,
    /// until such a copy takes it over.
    /// </summary>
    public async Task ReleaseRejectedAsync(string connectionId, string receiptKey, CancellationToken ct)
    {
        try { await _table.UpdateEntityAsync(new TableEntity(Keys.Escape(connectionId), receiptKey) { ["State"] = "rejected", ["RejectedAt"] = clock.GetUtcNow() }, ETag.All, TableUpdateMode.Merge, ct); }
        catch (RequestFailedException e) when (e.Status == 404) { /* no claim to free (an event replayed from the poison queue of an older version) */ }
    }

    /// <summary>Delivery ids (X-Shopify-Webhook-Id, X-WC-Webhook-Delivery-ID, ...) seen before, on top of business keys.</summary>
    public async Task<bool> DeliverySeenAsync(string connectionId, string deliveryKey, CancellationToken ct) =>
        (await _table.GetEntityIfExistsAsync<TableEntity>(Keys.Escape(connectionId), Keys.Hash("delivery|" + deliveryKey), ["State"], ct)).HasValue;

    public Task MarkDeliveryAsync(string connectionId, string deliveryKey, CancellationToken ct) =>
        _table.UpsertEntityAsync(new TableEntity(Keys.Escape(connectionId), Keys.Hash("delivery|" + deliveryKey)) { ["State"] = "delivery", ["DedupeKey"] = Clip.To("delivery|" + deliveryKey, 1000) }, TableUpdateMode.Replace, ct);

}

/// <summary>Storage could not be reached or could not finish the write: the delivery is not accepted and should be retried (503).</summary>
public sealed class StorageUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
