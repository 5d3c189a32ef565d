using Connectors.Ingest;

namespace Connectors.Posting;

/// <summary>Turns one canonical event into books. Must be idempotent: the same event may arrive more than once.</summary>
public interface IEventPoster
{
    Task<PostingOutcome> PostAsync(CanonicalEvent e, CancellationToken ct);

    /// <summary>The voucher numbers of an event that is now in the books (a held event another posting released), else null.</summary>
    Task<IReadOnlyList<string>?> AppliedAsync(CanonicalEvent e, CancellationToken ct) => Task.FromResult<IReadOnlyList<string>?>(null);
}

/// <summary>What an event became: the voucher numbers written (empty when nothing needed posting), and a note for the activity log.</summary>
/// <param name="Status">The activity status when it is not simply posted: stale (an older edit), held (kept, not in the books yet).</param>
/// <param name="Released">Events held earlier that this posting put in the books: their activity entries and the vouchers that document them.</param>
public sealed record PostingOutcome(IReadOnlyList<string> VoucherNumbers, string? Note = null, string? Status = null, IReadOnlyList<ReleasedOutcome>? Released = null);

public sealed record ReleasedOutcome(string ActivityKey, IReadOnlyList<string> VoucherNumbers);

/// <summary>The event can never post as it stands (e.g. refunding more than was sold): it fails with this reason and is not retried.</summary>
public sealed class PostingRejectedException(string reason) : Exception(reason);

/// <summary>The event cannot post yet (its sale has not arrived): retried after the visibility timeout, poisoned after maxDequeueCount.</summary>
public sealed class PostingDeferredException(string reason) : Exception(reason);
