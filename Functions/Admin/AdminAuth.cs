using Connectors.Throttling;
using Microsoft.AspNetCore.Http;

namespace Connectors.Admin;

/// <summary>
/// Admin routes follow the Functions convention: the key in x-functions-key or ?code=. Locally it is compared
/// (constant time) with the AdminKey and AdminKeys__* settings; in Azure the Functions host checks its own function keys
/// first. Wrong keys are throttled per client address (FailedAuthentications).
/// </summary>
public sealed class AdminAuth(AdminCredentials credentials, FailedAuthentications throttle) : IEndpointFilter
{
    public const string Header = "x-functions-key";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (!credentials.Any)
            return AdminResults.Error(404, "Admin routes are off: no AdminKey is configured.");
        var http = context.HttpContext;
        if (throttle.AdminLockedOut(http) is { } locked) return Throttled(locked);
        var request = http.Request;
        var given = request.Headers[Header].Count == 1 ? request.Headers[Header][0] : request.Query["code"].Count == 1 ? request.Query["code"][0] : null;
        // Only a key that was given and is wrong counts: a request without one guesses nothing.
        if (credentials.Match(given) is not { } name)
            return !string.IsNullOrEmpty(given) && throttle.AdminFailure(http) is { } wait ? Throttled(wait) : AdminResults.Error(401, $"Missing or wrong admin key ({Header} header or ?code=).");
        http.Items[AdminCredentials.ItemKey] = name;
        return await next(context);
    }

    static IResult Throttled(TimeSpan wait) =>
        AdminResults.Error(429, $"Too many wrong admin keys from this address; retry after {FailedAuthentications.Seconds(wait)} s.");
}

public static class AdminResults
{
    public sealed record ErrorBody(string Status, string Error);

    public static IResult Error(int status, string error) => Results.Json(new ErrorBody(status switch
    {
        400 => "invalid", 401 => "unauthorized", 404 => "not_found", 409 => "conflict", 415 => "unsupported_media_type", 429 => "throttled", 503 => "unavailable", _ => "error",
    }, error), statusCode: status);
}
