using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Connectors.Storage;
using Microsoft.AspNetCore.Http;

namespace Connectors.Ingest;

/// <summary>Every body we receive, kept as it arrived, with the headers needed to map it again (never the signatures).</summary>
public sealed class RawArchive(StorageAccount storage)
{
    readonly BlobContainerClient _container = storage.Container(ContainerNames.Raw);

    /// <summary>Headers worth keeping for a replay: event and topic names, ids, content type. Signatures are not kept.</summary>
    static bool Keep(string name) =>
        name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)
        || ((name.StartsWith("X-", StringComparison.OrdinalIgnoreCase) || name.StartsWith("Jumpseller-", StringComparison.OrdinalIgnoreCase) || name.StartsWith("Shopify-", StringComparison.OrdinalIgnoreCase))
            && !name.Contains("Signature", StringComparison.OrdinalIgnoreCase) && !name.Contains("Hmac", StringComparison.OrdinalIgnoreCase)
            && !name.Contains("Key", StringComparison.OrdinalIgnoreCase));

    /// <summary>The blob name is known before the upload, so the upload can run alongside the receipt claim.</summary>
    public static string NameFor(string connectionId, string activityKey, DateTimeOffset at) => $"{Keys.Escape(connectionId)}/{at:yyyy/MM/dd}/{activityKey}";

    public async Task<string> SaveAsync(string connectionId, string activityKey, DateTimeOffset at, ReadOnlyMemory<byte> body, IHeaderDictionary headers, CancellationToken ct)
    {
        var name = NameFor(connectionId, activityKey, at);
        var kept = headers.Where(h => Keep(h.Key)).ToDictionary(h => h.Key, h => h.Value.ToString());
        var options = new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = headers.ContentType.ToString() is { Length: > 0 } ct0 ? ct0 : "application/octet-stream" },
            Metadata = new Dictionary<string, string> { ["headers"] = Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(kept)) },
        };
        await _container.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(body), options, ct);
        return name;
    }

    public async Task<(byte[] Body, IHeaderDictionary Headers)> LoadAsync(string name, CancellationToken ct)
    {
        var blob = _container.GetBlobClient(name);
        var content = await blob.DownloadContentAsync(ct);
        var headers = new HeaderDictionary();
        if (content.Value.Details.Metadata.TryGetValue("headers", out var encoded))
            foreach (var (k, v) in JsonSerializer.Deserialize<Dictionary<string, string>>(Convert.FromBase64String(encoded)) ?? [])
                headers[k] = v;
        return (content.Value.Content.ToArray(), headers);
    }
}
