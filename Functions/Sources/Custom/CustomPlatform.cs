namespace Connectors.Sources.Custom;

/// <summary>A custom-coded site: the URL names the connection by id; deliveries are signed with a secret we generate.</summary>
public static class CustomPlatform
{
    public const string Name = "custom";
    public const string Route = "custom/{connectionId}";

    public static readonly SourceDescription Description = new(Name, typeof(CustomSource))
    {
        Routes = [new(Route)],
        FoundBy = ConnectionKey.RouteId,
        SignsWithOurSecret = true,
    };
}
