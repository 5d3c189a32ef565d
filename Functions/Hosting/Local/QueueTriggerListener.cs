using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Connectors.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Connectors.Hosting;

/// <summary>
/// The local host's stand-in for the Functions queue trigger, driven by host.json extensions.queues:
/// - receives up to batchSize messages and runs them in parallel; fetches the next batch once the number still
///   running falls to newBatchThreshold (so at most batchSize + newBatchThreshold run at once);
/// - when the queue is empty, polls again after 100 ms, doubling up to maxPollingInterval; any message resets it;
/// - a message being processed is invisible for LeaseTime, renewed every RenewEvery while it runs (so after a crash or a
///   storage outage it comes back within LeaseTime, not minutes later); on success it is deleted;
/// - on failure it becomes visible again after visibilityTimeout, unless its dequeueCount has reached
///   maxDequeueCount: then it is copied to "&lt;queue&gt;-poison" and deleted (as is a message seen more than
///   maxDequeueCount times, e.g. after crashes, without running it again);
/// - messages are base64 unless messageEncoding is "none" (the encoding is the StorageAccount's, shared with every producer).
/// </summary>
public sealed partial class QueueTriggerListener(
    string queueName, Func<BinaryData, long, CancellationToken, Task> handler, StorageAccount storage, QueueTriggerOptions options, ILogger log) : BackgroundService
{
    public static readonly TimeSpan LeaseTime = TimeSpan.FromSeconds(30);
    static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(10);
    static readonly TimeSpan MinPollingInterval = TimeSpan.FromMilliseconds(100);

    public string QueueName => queueName;
    readonly QueueClient _queue = storage.Queue(queueName);
    readonly QueueClient _poison = storage.Queue(queueName + "-poison");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var running = new HashSet<Task>();
        var delay = MinPollingInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                running.RemoveWhere(t => t.IsCompleted);
                if (running.Count > options.NewBatchThreshold)
                {
                    await Task.WhenAny(running);
                    continue;
                }
                QueueMessage[] batch = (await _queue.ReceiveMessagesAsync(options.BatchSize, LeaseTime, stoppingToken)).Value;
                if (batch.Length == 0)
                {
                    await Task.Delay(delay, stoppingToken);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, Math.Max(options.MaxPollingInterval.Ticks, MinPollingInterval.Ticks)));
                    continue;
                }
                delay = MinPollingInterval;
                foreach (var message in batch) running.Add(RunAsync(message, stoppingToken));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { break; }
            catch (Exception e)
            {
                // Storage unreachable: keep polling with back-off; the host recovers by itself when it is back.
                LogPollFailed(log, e, queueName);
                try { await Task.Delay(options.MaxPollingInterval > TimeSpan.Zero ? options.MaxPollingInterval : TimeSpan.FromSeconds(1), stoppingToken); }
                catch (OperationCanceledException) { break; }
            }
        }
        try { await Task.WhenAll(running); } catch { /* each run logs its own failure */ }
    }

    async Task RunAsync(QueueMessage message, CancellationToken ct)
    {
        await Task.Yield();
        var lease = new Lease(_queue, message, log, queueName);
        try
        {
            if (message.DequeueCount > options.MaxDequeueCount)
            {
                await PoisonAsync(message, await lease.EndAsync(), ct);
                return;
            }
            try
            {
                await handler(message.Body, message.DequeueCount, ct);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                LogRunFailed(log, e, queueName, message.MessageId, message.DequeueCount);
                var receipt = await lease.EndAsync();
                if (message.DequeueCount >= options.MaxDequeueCount) await PoisonAsync(message, receipt, ct);
                else await _queue.UpdateMessageAsync(message.MessageId, receipt, visibilityTimeout: options.VisibilityTimeout, cancellationToken: ct);
                return;
            }
            await _queue.DeleteMessageAsync(message.MessageId, await lease.EndAsync(), ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { /* the lease runs out and the message comes back */ }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // The lease was lost (another worker took the message): that worker finishes it.
            LogLeaseLost(log, queueName, message.MessageId);
        }
        catch (Exception e)
        {
            LogRunFailed(log, e, queueName, message.MessageId, message.DequeueCount);
        }
        finally
        {
            await lease.EndAsync();
        }
    }

    /// <summary>Keeps a running message invisible by extending its visibility every RenewEvery; EndAsync stops and gives the latest pop receipt.</summary>
    sealed class Lease
    {
        readonly CancellationTokenSource _stop = new();
        readonly Task _renewing;
        string _receipt;

        public Lease(QueueClient queue, QueueMessage message, ILogger log, string queueName)
        {
            _receipt = message.PopReceipt;
            _renewing = RenewAsync(queue, message.MessageId, log, queueName);
        }

        async Task RenewAsync(QueueClient queue, string messageId, ILogger log, string queueName)
        {
            try
            {
                while (true)
                {
                    await Task.Delay(RenewEvery, _stop.Token);
                    // Not cancelled mid-call: EndAsync waits for it, so the receipt it returns is always the current one.
                    _receipt = (await queue.UpdateMessageAsync(messageId, _receipt, visibilityTimeout: LeaseTime)).Value.PopReceipt;
                }
            }
            catch (OperationCanceledException) { }
            catch (Exception e) { LogRenewFailed(log, e, queueName, messageId); }
        }

        public async Task<string> EndAsync()
        {
            _stop.Cancel();
            await _renewing;
            return _receipt;
        }
    }

    async Task PoisonAsync(QueueMessage message, string receipt, CancellationToken ct)
    {
        await _poison.SendMessageAsync(message.Body, cancellationToken: ct);
        await _queue.DeleteMessageAsync(message.MessageId, receipt, ct);
        LogPoisoned(log, queueName, message.MessageId, message.DequeueCount);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Polling {Queue} failed; retrying")]
    static partial void LogPollFailed(ILogger logger, Exception e, string queue);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} on {Queue} failed on attempt {DequeueCount}")]
    static partial void LogRunFailed(ILogger logger, Exception e, string queue, string messageId, long dequeueCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not renew the lease of message {MessageId} on {Queue}; it may run twice (posting is idempotent)")]
    static partial void LogRenewFailed(ILogger logger, Exception e, string queue, string messageId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Message {MessageId} on {Queue} was taken by another worker")]
    static partial void LogLeaseLost(ILogger logger, string queue, string messageId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Message {MessageId} moved from {Queue} to poison after {DequeueCount} attempts")]
    static partial void LogPoisoned(ILogger logger, string queue, string messageId, long dequeueCount);
}
