using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Connectors.Storage;
using Microsoft.AspNetCore.Http;

namespace Connectors.Ingest;

/// <summary>
/// Every body we receive, kept as it arrived, with the headers needed to map it again (never the signatures).
/// A small body of a delivery carrying one event rides on that event's receipt claim (Receipts; one row fewer per
/// delivery); other small bodies are rows in RawDeliveries, written with the other rows arriving at the same moment in
/// one transaction; larger ones are blobs in raw-deliveries. The reference says which: "receipt:{pk}/{rk}",
/// "table:{pk}/{rk}" or a blob name (references written before the table existed are blob names and still load).
/// </summary>
public sealed class RawArchive(StorageAccount storage)
{
    /// <summary>A body with its kept headers, small enough to ride on a row of another table.</summary>
    public sealed record Carried(byte[] Body, string HeadersJson)
    {
        public void AddTo(TableEntity row) { row["Body"] = Body; row["Headers"] = HeadersJson; }
    }

    /// <summary>A binary property holds 64 KiB; this leaves the row room for its headers and keys.</summary>
    public const int MaxTableBodyBytes = 48 * 1024;
    /// <summary>Kept headers as JSON in one string property (64 KiB = 32K characters); beyond this the body goes to a blob.</summary>
    const int MaxTableHeaderChars = 8 * 1024;
    const string TablePrefix = "table:";
    const string ReceiptPrefix = "receipt:";

    readonly BlobContainerClient _container = storage.Container(ContainerNames.Raw);
    readonly TableClient _table = storage.Table(TableNames.RawDeliveries);
    readonly TableClient _receipts = storage.Table(TableNames.Receipts);
    readonly ConditionalBatch _rows = new(storage.Table(TableNames.RawDeliveries));

    /// <summary>Headers worth keeping for a replay: event and topic names, ids, content type. Signatures are not kept.</summary>
    static bool Keep(string name) =>
        name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)
        || name.Equals("webhook-id", StringComparison.OrdinalIgnoreCase) // Standard Webhooks' delivery id: a replay dedupes on it too
        || ((name.StartsWith("X-", StringComparison.OrdinalIgnoreCase) || name.StartsWith("Jumpseller-", StringComparison.OrdinalIgnoreCase) || name.StartsWith("Shopify-", StringComparison.OrdinalIgnoreCase))
            && !name.Contains("Signature", StringComparison.OrdinalIgnoreCase) && !name.Contains("Hmac", StringComparison.OrdinalIgnoreCase)
            && !name.Contains("Key", StringComparison.OrdinalIgnoreCase));

    /// <summary>The blob name is known before the upload, so the upload can run alongside the receipt claim.</summary>
    public static string NameFor(string connectionId, string activityKey, DateTimeOffset at) => $"{Keys.Escape(connectionId)}/{at:yyyy/MM/dd}/{activityKey}";

    /// <summary>One partition per connection and day: rows archived together share it (and a transaction).</summary>
    public static string PartitionFor(string connectionId, DateTimeOffset at) => $"{Keys.Escape(connectionId)}|{at:yyyyMMdd}";

    /// <summary>Whether the body is kept in a table row (RawDeliveries or a receipt), not a blob.</summary>
    public static bool IsTableReference(string reference) =>
        reference.StartsWith(TablePrefix, StringComparison.Ordinal) || reference.StartsWith(ReceiptPrefix, StringComparison.Ordinal);

    public static string ReceiptReference(string pk, string rk) => $"{ReceiptPrefix}{pk}/{rk}";

    /// <summary>The body as it can ride on a receipt claim, or null when it is too large for a row (it goes to a blob).</summary>
    public static Carried? ToCarry(ReadOnlyMemory<byte> body, IHeaderDictionary headers) =>
        KeptHeaders(headers) is var keptJson && Fits(body, keptJson) ? new Carried(body.ToArray(), keptJson) : null;

    static string KeptHeaders(IHeaderDictionary headers) => JsonSerializer.Serialize(headers.Where(h => Keep(h.Key)).ToDictionary(h => h.Key, h => h.Value.ToString()));

    static bool Fits(ReadOnlyMemory<byte> body, string keptJson) => body.Length <= MaxTableBodyBytes && keptJson.Length <= MaxTableHeaderChars;

    public async Task<string> SaveAsync(string connectionId, string activityKey, DateTimeOffset at, ReadOnlyMemory<byte> body, IHeaderDictionary headers, CancellationToken ct)
    {
        var keptJson = KeptHeaders(headers);
        if (Fits(body, keptJson))
            return await SaveRowAsync(PartitionFor(connectionId, at), activityKey, body, keptJson, ct);

        var name = NameFor(connectionId, activityKey, at);
        var options = new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = headers.ContentType.ToString() is { Length: > 0 } ct0 ? ct0 : "application/octet-stream" },
            Metadata = new Dictionary<string, string> { ["headers"] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(keptJson)) },
        };
        await _container.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(body), options, ct);
        return name;
    }

    async Task<string> SaveRowAsync(string pk, string rk, ReadOnlyMemory<byte> body, string keptJson, CancellationToken ct)
    {
        var bytes = body.ToArray();
        var row = new TableEntity(pk, rk) { ["Body"] = bytes, ["Headers"] = keptJson };
        if (!(await _rows.InsertAsync(row, ct)).Written)
        {
            // Keys are unique per delivery, so a row already there is this body landed by a retried request; anything else is refused.
            var there = await _table.GetEntityIfExistsAsync<TableEntity>(pk, rk, ["Body"], ct);
            if (!there.HasValue || !(there.Value!.GetBinary("Body") ?? []).AsSpan().SequenceEqual(bytes))
                throw new StorageUnavailableException($"The raw archive already holds a different body under {rk}.");
        }
        return $"{TablePrefix}{pk}/{rk}";
    }

    public async Task<(byte[] Body, IHeaderDictionary Headers)> LoadAsync(string reference, CancellationToken ct)
    {
        var headers = new HeaderDictionary();
        if (IsTableReference(reference))
        {
            var (table, prefix) = reference.StartsWith(ReceiptPrefix, StringComparison.Ordinal) ? (_receipts, ReceiptPrefix) : (_table, TablePrefix);
            var slash = reference.IndexOf('/', prefix.Length);
            if (slash < 0) throw new FormatException($"'{reference}' is not a raw archive reference.");
            var row = (await table.GetEntityAsync<TableEntity>(reference[prefix.Length..slash], reference[(slash + 1)..], ["Body", "Headers"], ct)).Value;
            foreach (var (k, v) in JsonSerializer.Deserialize<Dictionary<string, string>>(row.GetString("Headers") ?? "{}") ?? [])
                headers[k] = v;
            return (row.GetBinary("Body") ?? [], headers);
        }

        var content = await _container.GetBlobClient(reference).DownloadContentAsync(ct);
        if (content.Value.Details.Metadata.TryGetValue("headers", out var encoded))
            foreach (var (k, v) in JsonSerializer.Deserialize<Dictionary<string, string>>(Convert.FromBase64String(encoded)) ?? [])
                headers[k] = v;
        return (content.Value.Content.ToArray(), headers);
    }
}
