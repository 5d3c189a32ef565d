using Connectors.AdminConsole;
using Connectors.Books;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace Connectors.Hosting.AzureFunctions;

/// <summary>
/// /api/console...: the admin page and the SDK zips, the same handler as the local host (ConsolePage). Anonymous: the
/// page holds no data, and each call it makes to /api/manage/... carries the function key the user signed in with.
/// </summary>
public sealed class ConsoleFunctions(IOptions<BooksOptions> books, IOptions<ConnectorOptions> options)
{
    [Function("Console")]
    public IResult Index([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Console)] HttpRequest req) =>
        ConsolePage.Serve(null, req.HttpContext, books, options);

    [Function("ConsoleFile")]
    public IResult File([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.ConsoleFile)] HttpRequest req, string? path) =>
        RouteValues.Missing("path", path) ?? ConsolePage.Serve(path, req.HttpContext, books, options);
}
