using Azure;
using Connectors.Ingest;
using Connectors.Storage;

namespace Connectors.Tests.Storage;

public sealed class StorageFaultTests
{
    public static TheoryData<Exception> Faults() =>
    [
        new RequestFailedException(503, "Server busy"),
        new RequestFailedException("The connection was refused."),
        new HttpRequestException("Connection refused"),
        new TimeoutException(),
        new StorageUnavailableException("Storage is unavailable."),
        new TaskCanceledException("An SDK call timed out."),
        new AggregateException(new TimeoutException(), new RequestFailedException(500, "x")),
        new AggregateException(new AggregateException(new HttpRequestException())),
    ];

    public static TheoryData<Exception> NotFaults() =>
    [
        new InvalidOperationException(),
        new NullReferenceException(),
        new System.Text.Json.JsonException(),
        new AggregateException(new TimeoutException(), new InvalidOperationException()),
        new AggregateException(),
    ];

    [Theory]
    [MemberData(nameof(Faults))]
    public void What_a_retry_can_cure_is_a_storage_fault(Exception e) => Assert.True(StorageFault.Is(e, CancellationToken.None));

    [Theory]
    [MemberData(nameof(NotFaults))]
    public void A_bug_is_not_a_storage_fault(Exception e) => Assert.False(StorageFault.Is(e, CancellationToken.None));

    [Fact]
    public void A_cancellation_is_a_fault_only_when_the_request_was_not_aborted()
    {
        using var aborted = new CancellationTokenSource();
        aborted.Cancel();
        Assert.False(StorageFault.Is(new OperationCanceledException(aborted.Token), aborted.Token));
        Assert.True(StorageFault.Is(new OperationCanceledException(), CancellationToken.None));
    }
}
