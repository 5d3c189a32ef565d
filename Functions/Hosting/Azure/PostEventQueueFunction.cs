using Azure.Storage.Queues.Models;
using Connectors.Posting;
using Microsoft.Azure.Functions.Worker;

namespace Connectors.Hosting.AzureFunctions;

/// <summary>
/// The posting queue trigger: the Functions host does what QueueTriggerListener does locally (host.json
/// extensions.queues: batching, visibilityTimeout retries, "-poison" after maxDequeueCount); the work is PostEventFunction's.
/// </summary>
public sealed class PostEventQueueFunction(PostEventFunction function)
{
    [Function(ConnectorsHost.PostEventFunctionName)]
    public Task Run([QueueTrigger(QueueNames.Events, Connection = "AzureWebJobsStorage")] QueueMessage message, CancellationToken ct) =>
        function.RunAsync(message.Body, message.DequeueCount, ct);
}
