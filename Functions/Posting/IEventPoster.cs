using Connectors.Ingest;

namespace Connectors.Posting;

/// <summary>Turns one canonical event into books. Must be idempotent: the same event may arrive more than once.</summary>
public interface IEventPoster
{
    Task<PostingOutcome> PostAsync(CanonicalEvent e, CancellationToken ct);
}

/// <summary>What an event became: the voucher numbers written (empty when nothing needed posting), and a note for the activity log.</summary>
public sealed record PostingOutcome(IReadOnlyList<string> VoucherNumbers, string? Note = null);

/// <summary>The event can never post as it stands (e.g. refunding more than was sold): it fails with this reason and is not retried.</summary>
public sealed class PostingRejectedException(string reason) : Exception(reason);

/// <summary>The event cannot post yet (its sale has not arrived): retried after the visibility timeout, poisoned after maxDequeueCount.</summary>
public sealed class PostingDeferredException(string reason) : Exception(reason);
