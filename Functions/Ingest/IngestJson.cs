using System.Text.Json;
using System.Text.Json.Serialization;

namespace Connectors.Ingest;

/// <summary>A queue message: one event, several accepted together, or a claim check naming the blob that holds one.</summary>
public sealed record QueueEnvelope(CanonicalEvent? Event, string? Claim, IReadOnlyList<CanonicalEvent>? Events = null);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(QueueEnvelope))]
[JsonSerializable(typeof(CanonicalEvent))]
public sealed partial class IngestJson : JsonSerializerContext;
