using Connectors.Activity;
using Connectors.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Connectors.Hosting;

/// <summary>
/// The local Functions host: Kestrel serving the function routes under host.json's routePrefix on func's default
/// http://127.0.0.1:7071, plus the queue trigger (QueueTriggerListener), with settings from local.settings.json.
/// </summary>
public static partial class ConnectorsHost
{
    public const string DefaultUrl = "http://127.0.0.1:7071";
    public const string PostEventFunctionName = "PostEvent";

    /// <param name="settings">Settings that win over every other source (tests use them).</param>
    /// <param name="hostJson">host.json as read from disk unless given (tests shorten the queue timings).</param>
    /// <param name="useLocalSettings">Read Functions/local.settings.json (off in tests, so a developer's file cannot leak in);
    /// environment variables and the command line win over it, as with Core Tools.</param>
    public static WebApplication Build(string[] args, IReadOnlyDictionary<string, string?>? settings = null, bool useLocalSettings = true, Action<IServiceCollection>? services = null, HostJson? hostJson = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        if (useLocalSettings && LocalSettings.Locate(builder.Configuration[LocalSettings.Setting]) is { } localSettings)
            LocalSettings.AddBeneathEnvironment(builder.Configuration, localSettings);
        if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
            builder.WebHost.UseUrls(DefaultUrl);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 4 * 1024 * 1024);
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });

        hostJson ??= HostJson.Load(HostJson.Locate());
        builder.Services.AddConnectors(builder.Configuration, hostJson);
        builder.Services.AddHostedService<DevelopmentStorage>();
        // The Functions convention for switching one function off: AzureWebJobs.<Function>.Disabled = true.
        if (!builder.Configuration.GetValue<bool>($"AzureWebJobs.{PostEventFunctionName}.Disabled"))
            builder.Services.AddHostedService(sp => new QueueTriggerListener(QueueNames.Events,
            (body, dequeueCount, ct) => sp.GetRequiredService<Posting.PostEventFunction>().RunAsync(body, dequeueCount, ct),
            sp.GetRequiredService<StorageAccount>(), hostJson.Queues, sp.GetRequiredService<ILoggerFactory>().CreateLogger("QueueTrigger." + QueueNames.Events)));
        services?.Invoke(builder.Services);

        var app = builder.Build();
        app.UseExceptionHandler(errors => errors.Run(AnswerUnhandledAsync));
        app.UseStatusCodePages(AnswerEmptyStatusAsync);
        app.MapConnectors(hostJson);

        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Connectors");
        if (!app.Services.GetRequiredService<Admin.AdminCredentials>().Any) LogAdminOff(log);
        return app;
    }

    /// <summary>Storage faults on any route are 503 (retry later); anything else is a 500 that says no more than that.</summary>
    public static async Task AnswerUnhandledAsync(HttpContext context)
    {
        var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        var storage = error is not null && StorageFault.Is(error, context.RequestAborted);
        var badRequest = error is BadHttpRequestException;
        context.Response.StatusCode = storage ? 503 : badRequest ? 400 : 500;
        if (storage) context.Response.Headers.RetryAfter = "5";
        await context.Response.WriteAsJsonAsync(new Admin.AdminResults.ErrorBody(storage ? "unavailable" : badRequest ? "invalid" : "error",
            storage ? "Storage is unavailable; retry later." : badRequest ? "The request could not be read: " + Clip.To(error!.Message, 200) : "Internal error."));
    }

    /// <summary>Unknown routes and wrong methods answer with a JSON error too.</summary>
    static async Task AnswerEmptyStatusAsync(StatusCodeContext context)
    {
        var response = context.HttpContext.Response;
        var error = response.StatusCode switch
        {
            404 => "No such route.",
            405 => $"Method {context.HttpContext.Request.Method} is not allowed on this route.",
            _ => $"HTTP {response.StatusCode}.",
        };
        await response.WriteAsJsonAsync(new Admin.AdminResults.ErrorBody(response.StatusCode == 404 ? "not_found" : "error", error));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Admin routes are off: set the AdminKey setting to enable /manage/*")]
    static partial void LogAdminOff(ILogger logger);
}
