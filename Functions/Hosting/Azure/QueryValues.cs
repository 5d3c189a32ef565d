using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Connectors.Hosting.AzureFunctions;

/// <summary>Query parameters the local host's minimal-API binding reads for a handler; a bad value is a 400, as there.</summary>
public static class QueryValues
{
    public static int? Int(HttpRequest request, string name) =>
        request.Query[name] is { Count: > 0 } values && !string.IsNullOrEmpty(values[0])
            ? int.TryParse(values[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw new BadHttpRequestException($"Query parameter {name} must be an integer.")
            : null;

    public static string? String(HttpRequest request, string name) =>
        request.Query[name] is { Count: > 0 } values ? values[0] : null;

    public static bool? Bool(HttpRequest request, string name) =>
        request.Query[name] is { Count: > 0 } values && !string.IsNullOrEmpty(values[0])
            ? bool.TryParse(values[0], out var value)
                ? value
                : throw new BadHttpRequestException($"Query parameter {name} must be true or false.")
            : null;
}
