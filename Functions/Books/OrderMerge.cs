using System.Globalization;
using Connectors.Ingest;

namespace Connectors.Books;

/// <summary>
/// Merges one event into an order's facts. Every merge is commutative and idempotent, so any permutation of the same
/// deliveries, with any repetitions, ends in the same facts: the sale is the first sale event's (it is the sale either
/// way; later snapshots restate it), the snapshot with the highest (version, event id) wins, a refund is one entry per
/// refund id, and a cancellation is one flag.
/// </summary>
public static class OrderMerge
{
    /// <returns>The merged facts, and a note and activity status when the event changes nothing (stale, already known).</returns>
    public static (OrderFacts Facts, string? Note, string? Status) Merge(OrderFacts facts, CanonicalEvent e, IReadOnlyCollection<string> credited)
    {
        // The refunds a snapshot lists are facts of their own; one already known (told by its own delivery) stays as told.
        foreach (var listed in e.Refunds)
            if (listed.RefundId is { } id && !facts.Refunds.ContainsKey(id))
                facts = facts with { Refunds = new(facts.Refunds, StringComparer.Ordinal) { [id] = listed with { ConnectionId = e.ConnectionId } } };
        if (e.Refunds.Count > 0) e = e with { Refunds = [] };
        switch (e.Kind)
        {
            case EventKind.Sale or EventKind.Update:
            {
                var sale = facts.Sale ?? (e.Kind == EventKind.Sale ? e : null);
                var latest = facts.Snapshot;
                if (latest is null || Newer(e, latest)) return (facts with { Sale = sale, Latest = e.EventId == sale?.EventId ? null : e }, null, null);
                if (latest.EventId == e.EventId || e.Kind == EventKind.Sale) return (facts with { Sale = sale }, null, null);
                return (facts with { Sale = sale },
                    $"Stale: this edit is version {Describe(e)}, older than version {Describe(latest)} already applied; it changes nothing.",
                    Activity.ActivityStatus.Stale);
            }
            case EventKind.Refund:
            {
                var id = e.RefundId!;
                if (credited.Contains(id) && facts.Refunds.ContainsKey(id))
                    return (facts, facts.Refunds[id].EventId == e.EventId ? null : $"Refund {id} is already credited (told by another delivery): nothing more to post.", null);
                // Not credited yet: a corrected copy of a held refund replaces it.
                var refunds = new Dictionary<string, CanonicalEvent>(facts.Refunds, StringComparer.Ordinal) { [id] = e };
                return (facts with { Refunds = refunds }, null, null);
            }
            case EventKind.Cancel:
                return facts.Cancel is { } known && !Newer(known, e) ? (facts, null, null) : (facts with { Cancel = e }, null, null);
            default:
                return (facts, null, null);
        }
    }

    /// <summary>Whether a is the newer snapshot: higher version, then an edit over a sale, then the higher event id, so ties break the same way everywhere.</summary>
    public static bool Newer(CanonicalEvent a, CanonicalEvent b)
    {
        var c = VersionOf(a).CompareTo(VersionOf(b));
        if (c != 0) return c > 0;
        // At the same version an edit restates the sale, not the other way round; of two sales, the later dated.
        if (a.Kind != b.Kind) return a.Kind == EventKind.Update;
        if (a.Date != b.Date) return a.Date > b.Date;
        return string.CompareOrdinal(a.EventId, b.EventId) > 0;
    }

    /// <summary>The platform's version; without one, a sale is older than any edit (a Custom order.created) and an edit is as new as its arrival.</summary>
    public static DateTimeOffset VersionOf(CanonicalEvent e) =>
        e.Version ?? (e.Kind == EventKind.Sale ? DateTimeOffset.MinValue : e.ReceivedAt);

    /// <summary>
    /// Whether a refund was made before an edit (Custom: the edit's lines are net of those): by their moments when both
    /// have one, else by their dates; a refund on the edit's own day that gives no time counts as made after it.
    /// </summary>
    public static bool MadeBefore(CanonicalEvent refund, CanonicalEvent edit) =>
        refund.Version is { } r && edit.Version is { } v ? r < v : refund.Date < edit.Date;

    static string Describe(CanonicalEvent e) =>
        e.Version is { } v ? v.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture) : $"received {e.ReceivedAt.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture)}";
}
