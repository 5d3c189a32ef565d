namespace Connectors.Sources.Bookto;

/// <summary>bookto: the URL names the connection by id; deliveries are signed with bookto's own secret (webhookSecret).</summary>
public static class BooktoPlatform
{
    public const string Name = "bookto";
    public const string Route = "bookto/{connectionId}";

    public static readonly SourceDescription Description = new(Name, typeof(BooktoSource))
    {
        Routes = [new(Route)],
        FoundBy = ConnectionKey.RouteId,
    };
}
