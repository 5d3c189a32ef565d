using Connectors.Storage;

namespace Connectors.Reliability;

/// <summary>
/// A running connector host the scenarios drive over real HTTP, with its storage account for the checks HTTP cannot
/// make (what is on the queue, what the tables hold). The tests build one from their fixtures, the report command from its rig.
/// </summary>
public sealed class Target
{
    /// <summary>Its BaseAddress is the host's root (http://127.0.0.1:port).</summary>
    public required HttpClient Http { get; init; }
    public required string AdminKey { get; init; }
    public required StorageAccount Storage { get; init; }
    /// <summary>Stops the storage emulator gracefully (outage scenario); null when the target cannot.</summary>
    public Func<Task>? StopStorageAsync { get; init; }
    /// <summary>Starts it again on the same ports and folder.</summary>
    public Func<Task>? StartStorageAsync { get; init; }
    /// <summary>Every log line the host wrote so far (scanned for secrets).</summary>
    public Func<IReadOnlyCollection<string>>? Logs { get; init; }
    /// <summary>The folder Azurite persists to (secrets-at-rest reads its files); null when it keeps data in memory.</summary>
    public string? StorageFolder { get; init; }

    public AdminApi Admin => new(Http, AdminKey);
}
