using Connectors.Hosting;
using Connectors.Reliability;
using Connectors.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Connectors.Tests.Reliability;

/// <summary>The in-process host with every log captured; the queue trigger on or off by subclass.</summary>
public class LoggedHostFixture : HostFixture
{
    public CapturedLogs Logs { get; } = new();
    protected override void Services(IServiceCollection services) => services.AddSingleton<ILoggerProvider>(Logs);
    /// <summary>For scenarios that check the answer to each bad request: throttle budgets beyond their volume (Security/ThrottleSettings).</summary>
    protected virtual bool BeyondThrottleLimits => false;

    protected override void Settings(Dictionary<string, string?> settings)
    {
        settings["Logging:LogLevel:Default"] = "Trace";
        if (BeyondThrottleLimits)
            foreach (var (name, value) in Connectors.Reliability.Security.ThrottleSettings.BeyondScenarioVolume) settings[name] = value;
    }

    public Target Target() => new()
    {
        Http = Http, AdminKey = AdminKey, Storage = Storage, Logs = () => Logs.Lines.ToArray(),
        StopStorageAsync = () => Azurite.StopAsync(graceful: true),
        StartStorageAsync = RestartAzuriteAsync,
        StorageFolder = AzuriteLocation,
    };
}

/// <summary>Queue trigger off: whatever is enqueued stays there to be counted.</summary>
public sealed class LoggedIngestOnlyHostFixture : LoggedHostFixture
{
    protected override bool QueueTrigger => false;
    protected override bool BeyondThrottleLimits => true; // malformed-input's fixture
}

/// <summary>The authentication scenario's host: every bad credential gets its own answer, not a 429.</summary>
public sealed class BeyondThrottleLimitsHostFixture : LoggedHostFixture
{
    protected override bool BeyondThrottleLimits => true;
}

/// <summary>Azurite persisted to its own folder (deleted afterwards), for scenarios that read what it wrote to disk.</summary>
public sealed class PersistedLoggedHostFixture : LoggedHostFixture
{
    readonly string _folder = Path.Combine(Path.GetTempPath(), "connectors-tests-" + Guid.NewGuid().ToString("N"));
    protected override string? AzuriteLocation => _folder;

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}
