using Azure;
using Connectors.Ingest;

namespace Connectors.Storage;

/// <summary>The one answer to "is this exception storage being unavailable?": such a request is answered 503 + Retry-After.</summary>
public static class StorageFault
{
    /// <summary>
    /// True for what a retry later can cure: a storage answer (RequestFailedException), a transport failure or timeout,
    /// our own StorageUnavailableException, a cancellation the caller did not ask for (an SDK call timing out), and an
    /// AggregateException made only of these. A cancellation of the request itself is not (the client is gone), nor any
    /// other exception (a bug: 500).
    /// </summary>
    public static bool Is(Exception e, CancellationToken requestAborted) => e switch
    {
        StorageUnavailableException or RequestFailedException or HttpRequestException or TimeoutException => true,
        OperationCanceledException => !requestAborted.IsCancellationRequested,
        AggregateException a => a.Flatten().InnerExceptions is { Count: > 0 } inner && inner.All(x => Is(x, requestAborted)),
        _ => false,
    };
}
