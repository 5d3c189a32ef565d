using Connectors.Reliability.Outage;

namespace Connectors.Tests.Reliability;

/// <summary>Azurite persisting to a folder, so it can be stopped mid-load and started again with its data.</summary>
public sealed class PersistentLoggedHostFixture : LoggedHostFixture
{
    readonly string _location = Path.Combine(Path.GetTempPath(), "connectors-reliability-" + Guid.NewGuid().ToString("N"));
    protected override string? AzuriteLocation => _location;

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        try { Directory.Delete(_location, recursive: true); } catch (IOException) { }
    }
}

/// <summary>Storage stops during a load: quick 503s, nothing half-accepted, the host recovers by itself, re-sent orders post once.</summary>
public sealed class StorageOutageUnderLoadTests(PersistentLoggedHostFixture host) : IClassFixture<PersistentLoggedHostFixture>
{
    [Fact]
    public async Task Orders_sent_through_a_storage_outage_answer_503_quickly_and_post_exactly_once_when_re_sent()
    {
        var result = await StorageOutageScenario.RunAsync(host.Target(), new StorageOutageScenario.Options());
        Assert.True(result.Passed, result.Describe());
        Assert.True(result.RejectedAsExpected > 0, result.Describe());
    }
}
