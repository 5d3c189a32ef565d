using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Connectors.Hosting;
using Connectors.Storage;

namespace Connectors.Ingest;

/// <summary>
/// Sends canonical events to the posting queue, base64-encoded as the Functions queue trigger expects.
/// Events accepted at the same moment share a message ({"events":[...]}, at most MaxEventsPerMessage): a queue has no
/// batch send, and every message costs a send, a receive and a delete (on Azurite each grows with the queue's length).
/// A lone event goes as {"event":...}; one too large for a message (64 KiB once encoded) is parked in a blob and its
/// message carries the blob's name (claim check).
/// </summary>
public sealed class EventQueue
{
    /// <summary>Base64 grows 4/3: 48 KiB of JSON is the most that fits in a 64 KiB message.</summary>
    public const int MaxInlineBytes = 48 * 1024;
    public const int MaxEventsPerMessage = 32;
    /// <summary>Sends in flight at once; each lane packs what arrives while its previous send runs.</summary>
    const int Lanes = 4;

    static readonly byte[] EventsOpen = "{\"events\":["u8.ToArray();
    static readonly byte[] EventsClose = "]}"u8.ToArray();
    static readonly byte[] EventOpen = "{\"event\":"u8.ToArray();
    static readonly byte[] EventClose = "}"u8.ToArray();

    /// <summary>An event to send, with its JSON (serialised once, by whoever had it first).</summary>
    readonly record struct Outgoing(CanonicalEvent Event, byte[] Json);

    readonly QueueClient _queue;
    readonly BlobContainerClient _claims;
    readonly GroupCommit<Outgoing, Exception?> _sends;
    /// <summary>Events each lane holds (sending or waiting to): a lane is filled to a full message before the next is used.</summary>
    readonly int[] _held = new int[Lanes];

    /// <param name="linger">How long a busy lane waits to fill its next message (ConnectorOptions.QueueLinger).</param>
    public EventQueue(StorageAccount storage, TimeSpan linger = default)
    {
        _queue = storage.Queue(QueueNames.Events);
        _claims = storage.Container(ContainerNames.Claims);
        _sends = new GroupCommit<Outgoing, Exception?>(MaxEventsPerMessage, SendTogetherAsync, linger);
    }

    public QueueClient Queue => _queue;

    public static byte[] Serialize(CanonicalEvent e) => JsonSerializer.SerializeToUtf8Bytes(e, IngestJson.Default.CanonicalEvent);

    /// <summary>Returns once a message holding the event is durable; throws if that message could not be sent.</summary>
    public Task SendAsync(CanonicalEvent e, CancellationToken ct) => SendAsync(e, Serialize(e), ct);

    /// <summary>As above, with the event's JSON already made (Serialize).</summary>
    public async Task SendAsync(CanonicalEvent e, byte[] json, CancellationToken ct)
    {
        // Fill the first lane with room rather than spreading events thin: on Azurite every message costs a send, a
        // receive, a delete and a share of its garbage collection, so a backlog of full messages drains far faster.
        var lane = LaneWithRoom();
        Interlocked.Increment(ref _held[lane]);
        Exception? failure;
        try { failure = await _sends.SubmitAsync(LaneKeys[lane], new Outgoing(e, json), ct); }
        finally { Interlocked.Decrement(ref _held[lane]); }
        if (failure is not null)
            throw new IOException($"The queue message holding event {e.EventId} could not be sent: {failure.Message}", failure);
    }

    static readonly string[] LaneKeys = [.. Enumerable.Range(0, Lanes).Select(l => l.ToString())];

    int LaneWithRoom()
    {
        var least = 0;
        for (var l = 0; l < Lanes; l++)
        {
            var held = Volatile.Read(ref _held[l]);
            if (held < MaxEventsPerMessage) return l;
            if (held < Volatile.Read(ref _held[least])) least = l;
        }
        return least;
    }

    /// <summary>One event in a message of its own (an event of a shared message that failed goes back this way).</summary>
    public async Task SendAloneAsync(CanonicalEvent e, CancellationToken ct)
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

    /// <summary>Packs the waiting events into as few messages as fit and sends them side by side; one result per event.</summary>
    async Task<IReadOnlyList<Exception?>> SendTogetherAsync(string _, IReadOnlyList<Outgoing> events)
    {
        var results = new Exception?[events.Count];
        await Task.WhenAll(Packs([.. events.Select(e => e.Json)]).Select(pack => pack is [var one] && !FitsAlone(events[one].Json)
            ? Guard(pack, () => SendAloneAsync(events[one].Event, CancellationToken.None))
            : SendPackAsync(pack)));
        return results;

        Task SendPackAsync(List<int> items) => Guard(items, () => SendBodyAsync(Body(items.ConvertAll(i => events[i].Json)), CancellationToken.None));

        async Task Guard(List<int> indexes, Func<Task> send)
        {
            try { await send(); }
            catch (Exception x) { foreach (var i in indexes) results[i] = x; }
        }
    }

    /// <summary>A message body for events already serialised ({"event":e} or {"events":[...]}); the caller keeps it within MaxInlineBytes.</summary>
    public static byte[] Body(IReadOnlyList<byte[]> events) => events is [var one]
        ? Wrap(EventOpen, [one], EventClose)
        : Wrap(EventsOpen, events, EventsClose);

    /// <summary>Whether an event fits a message (or an outbox row) of its own; one that does not is claim-checked.</summary>
    public static bool FitsAlone(byte[] json) => json.Length + EventsOpen.Length + EventsClose.Length <= MaxInlineBytes;

    /// <summary>
    /// Events (as serialised, in order) grouped into as few message bodies as fit MaxInlineBytes, as indexes; an event
    /// that does not fit alone is a group of its own, for the caller to claim-check.
    /// </summary>
    public static List<List<int>> Packs(IReadOnlyList<byte[]> events)
    {
        var packs = new List<List<int>>();
        List<int>? pack = null;
        var bytes = 0;
        for (var i = 0; i < events.Count; i++)
        {
            if (!FitsAlone(events[i]))
            {
                packs.Add([i]);
                continue;
            }
            var size = events[i].Length + 1;
            if (pack is null || EventsOpen.Length + EventsClose.Length + bytes + size > MaxInlineBytes)
            {
                packs.Add(pack = []);
                bytes = 0;
            }
            pack.Add(i);
            bytes += size;
        }
        return packs;
    }

    /// <summary>Sends a message body made by Body (an outbox row's events, as they were kept).</summary>
    public Task SendBodyAsync(byte[] body, CancellationToken ct) => _queue.SendMessageAsync(BinaryData.FromBytes(body), cancellationToken: ct);

    /// <summary>{"event":e} or {"events":[e1,e2,...]} from events already serialised, without serialising them twice.</summary>
    static byte[] Wrap(byte[] open, IReadOnlyList<byte[]> events, byte[] close)
    {
        using var buffer = new MemoryStream(open.Length + close.Length + events.Sum(e => e.Length + 1));
        buffer.Write(open);
        for (var i = 0; i < events.Count; i++)
        {
            if (i > 0) buffer.WriteByte((byte)',');
            buffer.Write(events[i]);
        }
        buffer.Write(close);
        return buffer.ToArray();
    }

    /// <summary>Reads a message body back into its events, following a claim check if there is one.</summary>
    public async Task<IReadOnlyList<CanonicalEvent>> OpenAsync(BinaryData body, CancellationToken ct)
    {
        var envelope = JsonSerializer.Deserialize(body.ToMemory().Span, IngestJson.Default.QueueEnvelope)
            ?? throw new InvalidDataException("The queue message is empty.");
        if (envelope.Events is { Count: > 0 } events) return events;
        if (envelope.Event is { } e) return [e];
        if (envelope.Claim is not { Length: > 0 } claim) throw new InvalidDataException("The queue message holds neither events nor a claim check.");
        var content = await _claims.GetBlobClient(claim).DownloadContentAsync(ct);
        return [JsonSerializer.Deserialize(content.Value.Content.ToMemory().Span, IngestJson.Default.CanonicalEvent)
            ?? throw new InvalidDataException($"Claim-checked event {claim} is empty.")];
    }
}
