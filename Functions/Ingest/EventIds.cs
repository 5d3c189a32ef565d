namespace Connectors.Ingest;

/// <summary>Event ids derive from (connection, dedupe key): every redelivery and every takeover of a claim names the same event.</summary>
public static class EventIds
{
    public static string For(string connectionId, string dedupeKey) => "ev_" + Storage.Keys.Hash(connectionId + "\n" + dedupeKey)[..32];
}
