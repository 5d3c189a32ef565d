using Connectors.Connections;
using Connectors.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Connectors.Admin;

/// <summary>
/// Admin routes follow the Functions convention: the key in x-functions-key or ?code=. Locally it is compared
/// (constant time) with the AdminKey setting; in Azure the Functions host checks its own function keys first.
/// </summary>
public sealed class AdminAuth(IOptions<ConnectorOptions> options) : IEndpointFilter
{
    public const string Header = "x-functions-key";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var adminKey = options.Value.AdminKey;
        if (string.IsNullOrEmpty(adminKey))
            return AdminResults.Error(404, "Admin routes are off: no AdminKey is configured.");
        var request = context.HttpContext.Request;
        var given = request.Headers[Header].Count == 1 ? request.Headers[Header][0] : request.Query["code"].Count == 1 ? request.Query["code"][0] : null;
        if (!Secrets.FixedTimeEquals(given, adminKey))
            return AdminResults.Error(401, $"Missing or wrong admin key ({Header} header or ?code=).");
        return await next(context);
    }
}

public static class AdminResults
{
    public sealed record ErrorBody(string Status, string Error);

    public static IResult Error(int status, string error) => Results.Json(new ErrorBody(status switch
    {
        400 => "invalid", 401 => "unauthorized", 404 => "not_found", 409 => "conflict", 415 => "unsupported_media_type", 503 => "unavailable", _ => "error",
    }, error), statusCode: status);
}
