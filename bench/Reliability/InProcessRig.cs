using Connectors.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Connectors.Reliability;

/// <summary>The report command's harness: its own Azurite (free ports) and the real host in this process over real HTTP.</summary>
public sealed class InProcessRig : IAsyncDisposable
{
    public const string AdminKey = "reliability-admin-key-0123456789";

    readonly string? _location;
    readonly bool _queueTrigger;
    readonly HostJson _hostJson;
    readonly CapturedLogs _logs = new();
    Azurite _azurite = null!;
    WebApplication _app = null!;
    HttpClient _http = null!;

    InProcessRig(bool queueTrigger, bool persist, HostJson hostJson)
    {
        _queueTrigger = queueTrigger;
        _hostJson = hostJson;
        _location = persist ? Path.Combine(Path.GetTempPath(), "connectors-reliability-" + Guid.NewGuid().ToString("N")) : null;
    }

    /// <param name="queueTrigger">Off: messages stay on the queue to be counted.</param>
    /// <param name="persist">Azurite on disk, so it can be stopped and started again with its data.</param>
    /// <param name="queues">Queue timings instead of host.json's (the poison scenario shortens them).</param>
    /// <param name="extra">More settings (the limits of the throttle, for instance).</param>
    public static async Task<InProcessRig> StartAsync(bool queueTrigger, bool persist = false, Func<QueueTriggerOptions, QueueTriggerOptions>? queues = null, IReadOnlyDictionary<string, string?>? extra = null)
    {
        var hostJson = HostJson.Load(HostJson.Locate());
        if (queues is not null) hostJson = hostJson with { Queues = queues(hostJson.Queues) };
        var rig = new InProcessRig(queueTrigger, persist, hostJson);
        rig._azurite = await Azurite.StartAsync(location: rig._location);
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = rig._azurite.ConnectionString,
            ["AdminKey"] = AdminKey,
            [$"AzureWebJobs.{ConnectorsHost.PostEventFunctionName}.Disabled"] = queueTrigger ? "false" : "true",
            ["Logging:LogLevel:Default"] = "Trace",
            // The console would drown the report: the captured lines are what the secret scan reads.
            ["Logging:Console:LogLevel:Default"] = "None",
        };
        foreach (var (name, value) in extra ?? new Dictionary<string, string?>()) settings[name] = value;
        rig._app = ConnectorsHost.Build(["--urls", "http://127.0.0.1:0"], settings, useLocalSettings: false,
            services => services.AddSingleton<ILoggerProvider>(rig._logs), hostJson);
        await rig._app.StartAsync();
        var url = rig._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        rig._http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(60) };
        return rig;
    }

    public Target Target => new()
    {
        Http = _http, AdminKey = AdminKey, Storage = _app.Services.GetRequiredService<Storage.StorageAccount>(), Logs = () => _logs.Lines.ToArray(),
        StorageFolder = _location,
        StopStorageAsync = () => _azurite.StopAsync(graceful: true),
        StartStorageAsync = async () =>
        {
            await _azurite.DisposeAsync();
            _azurite = await Azurite.StartAsync(_azurite.BlobPort, _azurite.QueuePort, _azurite.TablePort, _location);
        },
    };

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _azurite.DisposeAsync();
        if (_location is not null) try { Directory.Delete(_location, recursive: true); } catch (IOException) { }
    }
}
