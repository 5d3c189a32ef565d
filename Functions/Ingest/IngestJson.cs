using System.Text.Json;
using System.Text.Json.Serialization;

namespace Connectors.Ingest;

/// <summary>A queue message: the event itself, or a claim check naming the blob that holds it.</summary>
public sealed record QueueEnvelope(CanonicalEvent? Event, string? Claim);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(QueueEnvelope))]
[JsonSerializable(typeof(CanonicalEvent))]
public sealed partial class IngestJson : JsonSerializerContext;
