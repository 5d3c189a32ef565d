using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Connectors.Hosting;
using Connectors.Storage;

namespace Connectors.Ingest;

/// <summary>
/// Sends canonical events to the posting queue, base64-encoded as the Functions queue trigger expects.
/// An event too large for a queue message (64 KiB once encoded) is parked in a blob and the message carries its name.
/// </summary>
public sealed class EventQueue(StorageAccount storage)
{
    /// <summary>Base64 grows 4/3: 48 KiB of JSON is the most that fits in a 64 KiB message.</summary>
    public const int MaxInlineBytes = 48 * 1024;

    readonly QueueClient _queue = storage.Queue(QueueNames.Events);
    readonly BlobContainerClient _claims = storage.Container(ContainerNames.Claims);

    public QueueClient Queue => _queue;

    public async Task SendAsync(CanonicalEvent e, CancellationToken ct)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(new QueueEnvelope(e, null), IngestJson.Default.QueueEnvelope);
        if (json.Length > MaxInlineBytes)
        {
            var blob = $"{e.EventId}.json";
            // Deterministic name: a retried send overwrites the same claim rather than leaving orphans.
            await _claims.GetBlobClient(blob).UploadAsync(BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(e, IngestJson.Default.CanonicalEvent)), overwrite: true, ct);
            json = JsonSerializer.SerializeToUtf8Bytes(new QueueEnvelope(null, blob), IngestJson.Default.QueueEnvelope);
        }
        await _queue.SendMessageAsync(BinaryData.FromBytes(json), cancellationToken: ct);
    }

    /// <summary>Reads a message body back into its event, following a claim check if there is one.</summary>
    public async Task<CanonicalEvent> OpenAsync(BinaryData body, CancellationToken ct)
    {
        var envelope = JsonSerializer.Deserialize(body.ToMemory().Span, IngestJson.Default.QueueEnvelope)
            ?? throw new InvalidDataException("The queue message is empty.");
        if (envelope.Event is { } e) return e;
        if (envelope.Claim is not { Length: > 0 } claim) throw new InvalidDataException("The queue message holds neither an event nor a claim check.");
        var content = await _claims.GetBlobClient(claim).DownloadContentAsync(ct);
        return JsonSerializer.Deserialize(content.Value.Content.ToMemory().Span, IngestJson.Default.CanonicalEvent)
            ?? throw new InvalidDataException($"Claim-checked event {claim} is empty.");
    }
}
