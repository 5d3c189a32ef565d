using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Connectors.Ingest;

/// <summary>Queues what the outbox still holds after RelayAfter, every half of that: events of a stopped instance, or sent while the queue was down.</summary>
public sealed partial class OutboxSweeper(Outbox outbox, ILogger<OutboxSweeper> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var every = TimeSpan.FromTicks(Math.Max(outbox.RelayAfter.Ticks / 2, TimeSpan.FromMilliseconds(200).Ticks));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(every, stoppingToken);
                if (await outbox.SweepAsync(stoppingToken) is > 0 and var n) LogSwept(log, n);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception e) { LogSweepFailed(log, e); }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queued {Count} accepted events the outbox still held")]
    static partial void LogSwept(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox sweep failed; it runs again shortly")]
    static partial void LogSweepFailed(ILogger logger, Exception e);
}
