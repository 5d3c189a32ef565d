namespace Connectors.Sources.Selldone;

/// <summary>Selldone: no signature, so the secret URL token that finds the connection is the credential.</summary>
public static class SelldonePlatform
{
    public const string Name = "selldone";
    public const string Route = "selldone/{token}";

    public static readonly SourceDescription Description = new(Name, typeof(SelldoneSource))
    {
        Routes = [new(Route)],
        FoundBy = ConnectionKey.RouteToken,
    };
}
