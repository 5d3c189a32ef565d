using Connectors.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Connectors.Hosting;

/// <summary>
/// On start: with "UseDevelopmentStorage=true" and nothing on Azurite's ports, starts Azurite from node_modules
/// (persisting to ./__azurite__) and stops it on exit; then creates the tables, queues and containers.
/// It runs in StartingAsync, before Kestrel starts listening, so no request arrives before storage is ready.
/// </summary>
public sealed partial class DevelopmentStorage(IConfiguration config, StorageAccount storage, ILogger<DevelopmentStorage> log) : IHostedLifecycleService
{
    Azurite? _started;

    public Task StartAsync(CancellationToken ct) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken ct) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken ct) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken ct) => Task.CompletedTask;

    public async Task StartingAsync(CancellationToken ct)
    {
        if (string.Equals(config["AzureWebJobsStorage"]?.Trim(), StorageAccount.DevelopmentStorage, StringComparison.OrdinalIgnoreCase)
            && !Azurite.IsListening(10000) && !Azurite.IsListening(10001) && !Azurite.IsListening(10002))
        {
            var location = Path.Combine(Directory.GetCurrentDirectory(), "__azurite__");
            _started = await Azurite.StartAsync(10000, 10001, 10002, location);
            LogStarted(log, location);
        }
        for (var attempt = 1; ; attempt++)
        {
            try { await storage.EnsureCreatedAsync(ct); return; }
            catch (Exception e) when (attempt < 10 && !ct.IsCancellationRequested)
            {
                LogStorageNotReady(log, e, attempt);
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
            }
        }
    }

    public async Task StopAsync(CancellationToken ct)
    {
        if (_started is not null) await _started.StopAsync();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Started Azurite on ports 10000-10002, data in {Location}")]
    static partial void LogStarted(ILogger logger, string location);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storage not ready (attempt {Attempt}); retrying")]
    static partial void LogStorageNotReady(ILogger logger, Exception e, int attempt);
}
