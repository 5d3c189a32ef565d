using Connectors.Connections;

namespace Connectors.Sources.Jumpseller;

/// <summary>
/// Jumpseller: every store posts to one URL and the Jumpseller-Store-Code header finds the connection, so a connection
/// needs its store code (claimed by one live connection) and the store's hooks token (the signing secret).
/// </summary>
public static class JumpsellerPlatform
{
    public const string Name = "jumpseller";
    public const string Route = "jumpseller";

    public static readonly SourceDescription Description = new(Name, typeof(JumpsellerSource))
    {
        Routes = [new(Route)],
        FoundBy = ConnectionKey.StoreCodeHeader(JumpsellerSource.StoreCodeHeader),
        Create = Prepare,
    };

    static Prepared Prepare(ConnectionRequest request, Connection connection)
    {
        if (string.IsNullOrEmpty(request.StoreCode)) return Prepared.Refused("storeCode is required for a jumpseller connection (the Jumpseller-Store-Code your store sends).");
        if (string.IsNullOrEmpty(request.HooksToken)) return Prepared.Refused("hooksToken is required for a jumpseller connection (Admin Panel > Config > Notifications > Webhooks).");
        return Prepared.Ok(connection with { WebhookSecret = request.HooksToken, StoreCode = request.StoreCode.ToLowerInvariant() });
    }
}
