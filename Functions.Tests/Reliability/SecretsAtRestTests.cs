using Connectors.Reliability.Security;

namespace Connectors.Tests.Reliability;

/// <summary>After connections of every platform, signed deliveries and rotations, no secret or token is in clear anywhere in Azurite, on disk or through its API.</summary>
public sealed class SecretsAtRestTests(PersistedLoggedHostFixture host) : IClassFixture<PersistedLoggedHostFixture>
{
    [Fact]
    public async Task No_secret_or_token_appears_in_any_table_row_blob_queue_message_or_file_of_the_Azurite_folder()
    {
        var result = await SecretsAtRestScenario.RunAsync(host.Target(), new SecretsAtRestScenario.Options());
        Assert.True(result.Passed, result.Describe());
        Assert.True(result.RejectedAsExpected >= 12, result.Describe());
        Assert.True(result.Accepted >= 30, result.Describe());
    }
}
