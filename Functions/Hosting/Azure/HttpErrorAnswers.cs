using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Logging;

namespace Connectors.Hosting.AzureFunctions;

/// <summary>
/// The worker's counterpart of the local host's UseExceptionHandler: an HTTP function that throws answers with the same
/// status codes as locally (storage faults 503 + Retry-After, unreadable requests 400, anything else a bare 500), via the same code.
/// </summary>
public sealed partial class HttpErrorAnswers(ILogger<HttpErrorAnswers> log) : IFunctionsWorkerMiddleware
{
    public Task Invoke(FunctionContext context, FunctionExecutionDelegate next) =>
        RunAsync(context.FunctionDefinition.Name, context.GetHttpContext(), () => next(context));

    /// <summary>Runs the function; if it throws before answering an HTTP request, answers for it. A queue function (no HttpContext) rethrows, for the host's retries.</summary>
    public async Task RunAsync(string function, HttpContext? http, Func<Task> next)
    {
        try
        {
            await next();
        }
        catch (Exception e) when (http is { Response.HasStarted: false })
        {
            LogUnhandled(log, e, function);
            http.Features.Set<IExceptionHandlerFeature>(new ExceptionHandlerFeature { Error = e, Path = http.Request.Path });
            await ConnectorsHost.AnswerUnhandledAsync(http);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Function {Function} failed")]
    static partial void LogUnhandled(ILogger logger, Exception e, string function);
}
