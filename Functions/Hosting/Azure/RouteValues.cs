using Connectors.Admin;

namespace Connectors.Hosting.AzureFunctions;

/// <summary>
/// Route values as the Functions host binds them: a catch-all may arrive empty or null, and no handler is written for
/// that. An entry point answers such a request with a JSON 404 naming the value, as the local host does for a route that
/// does not match, instead of letting the handler throw.
/// </summary>
public static class RouteValues
{
    /// <summary>Null when every value is there, else the 404 to answer.</summary>
    public static IResult? Missing(string name, string? value) =>
        string.IsNullOrWhiteSpace(value) ? AdminResults.Error(404, $"No such route: the {name} in the path is missing or empty.") : null;

    public static IResult? Missing(string name1, string? value1, string name2, string? value2) =>
        Missing(name1, value1) ?? Missing(name2, value2);

    /// <summary>The handler's answer, or the 404 when a value is missing (the handler does not run).</summary>
    public static Task<IResult> Or(this IResult? missing, Func<Task<IResult>> handler) =>
        missing is null ? handler() : Task.FromResult(missing);
}
