using Azure.Identity;
using Connectors.Hosting;
using Connectors.Storage;
using Microsoft.Extensions.Configuration;

namespace Connectors.Tests.Storage;

/// <summary>AzureWebJobsStorage identity settings, named as the Functions host names them (local.settings.json / app settings).</summary>
public sealed class StorageIdentityTests
{
    [Fact]
    public void Account_name_alone_gives_the_three_public_endpoints()
    {
        var identity = StorageIdentity.FromConfiguration(Settings(("AzureWebJobsStorage__accountName", "stconnectors01")));
        Assert.Equal(new Uri("https://stconnectors01.blob.core.windows.net"), identity.BlobServiceUri);
        Assert.Equal(new Uri("https://stconnectors01.queue.core.windows.net"), identity.QueueServiceUri);
        Assert.Equal(new Uri("https://stconnectors01.table.core.windows.net"), identity.TableServiceUri);
        Assert.IsType<DefaultAzureCredential>(identity.Credential);
    }

    [Fact]
    public void Service_uris_win_over_the_account_name_and_need_none()
    {
        var identity = StorageIdentity.FromConfiguration(Settings(
            ("AzureWebJobsStorage__blobServiceUri", "https://blobs.example.net/"),
            ("AzureWebJobsStorage__queueServiceUri", "https://queues.example.net/"),
            ("AzureWebJobsStorage__tableServiceUri", "https://tables.example.net/")));
        Assert.Equal(new Uri("https://blobs.example.net/"), identity.BlobServiceUri);
        Assert.Equal(new Uri("https://queues.example.net/"), identity.QueueServiceUri);
        Assert.Equal(new Uri("https://tables.example.net/"), identity.TableServiceUri);

        var mixed = StorageIdentity.FromConfiguration(Settings(
            ("AzureWebJobsStorage__accountName", "stconnectors01"),
            ("AzureWebJobsStorage__queueServiceUri", "https://stconnectors01.queue.core.chinacloudapi.cn")));
        Assert.Equal(new Uri("https://stconnectors01.queue.core.chinacloudapi.cn"), mixed.QueueServiceUri);
        Assert.Equal(new Uri("https://stconnectors01.table.core.windows.net"), mixed.TableServiceUri);
    }

    [Theory]
    [InlineData("clientId", "00000000-0000-0000-0000-000000000001")]
    [InlineData("managedIdentityResourceId", "/subscriptions/0/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-api")]
    [InlineData(null, null)]
    public void Credential_managedidentity_uses_the_managed_identity(string? idSetting, string? idValue)
    {
        var settings = new List<(string, string)> { ("AzureWebJobsStorage__accountName", "stconnectors01"), ("AzureWebJobsStorage__credential", "managedidentity") };
        if (idSetting is not null) settings.Add(($"AzureWebJobsStorage__{idSetting}", idValue!));
        Assert.IsType<ManagedIdentityCredential>(StorageIdentity.FromConfiguration(Settings([.. settings])).Credential);
    }

    [Theory]
    [InlineData("AzureWebJobsStorage__accountName", new[] { "AzureWebJobsStorage__other", "x" })]
    [InlineData("AzureWebJobsStorage__accountName", new[] { "AzureWebJobsStorage__accountName", "My.Account/evil" })]
    [InlineData("AzureWebJobsStorage__queueServiceUri", new[] { "AzureWebJobsStorage__accountName", "stconnectors01", "AzureWebJobsStorage__queueServiceUri", "http://stconnectors01.queue.core.windows.net" })]
    [InlineData("AzureWebJobsStorage__blobServiceUri", new[] { "AzureWebJobsStorage__accountName", "stconnectors01", "AzureWebJobsStorage__blobServiceUri", "not a uri" })]
    [InlineData("AzureWebJobsStorage__credential", new[] { "AzureWebJobsStorage__accountName", "stconnectors01", "AzureWebJobsStorage__credential", "password" })]
    [InlineData("AzureWebJobsStorage__managedIdentityResourceId", new[] { "AzureWebJobsStorage__accountName", "stconnectors01", "AzureWebJobsStorage__clientId", "a", "AzureWebJobsStorage__managedIdentityResourceId", "b" })]
    public void Wrong_or_missing_settings_are_named_in_the_error(string named, string[] pairs)
    {
        var settings = pairs.Chunk(2).Select(p => (p[0], p[1])).ToArray();
        var error = Assert.Throws<InvalidOperationException>(() => StorageAccount.FromConfiguration(Settings(settings)));
        Assert.Contains(named, error.Message);
    }

    [Fact]
    public void The_storage_account_talks_to_the_identity_endpoints()
    {
        var account = StorageAccount.FromConfiguration(Settings(
            ("AzureWebJobsStorage__accountName", "stconnectors01"),
            ("AzureWebJobsStorage__credential", "managedidentity"),
            ("AzureWebJobsStorage__clientId", "00000000-0000-0000-0000-000000000001")));
        Assert.Equal(new Uri("https://stconnectors01.blob.core.windows.net"), account.Blobs.Uri);
        Assert.Equal(new Uri("https://stconnectors01.queue.core.windows.net/connector-events"), account.Queue(QueueNames.Events).Uri);
        Assert.Equal(new Uri("https://stconnectors01.table.core.windows.net"), account.Tables.Uri);
        Assert.Equal("stconnectors01", account.Queues.AccountName);
    }

    [Fact]
    public void A_connection_string_wins_over_identity_settings()
    {
        var account = StorageAccount.FromConfiguration(Settings(
            ("AzureWebJobsStorage", StorageAccount.DevelopmentStorage),
            ("AzureWebJobsStorage__accountName", "stconnectors01")));
        Assert.Equal("devstoreaccount1", account.Blobs.AccountName);
        Assert.Equal("127.0.0.1", account.Blobs.Uri.Host);
    }

    /// <summary>Settings as func reads them: a local.settings.json whose "__" names become configuration sections.</summary>
    static IConfiguration Settings(params (string Name, string Value)[] values)
    {
        var path = Path.Combine(Path.GetTempPath(), $"local.settings.{Guid.NewGuid():N}.json");
        File.WriteAllText(path, System.Text.Json.JsonSerializer.Serialize(new { IsEncrypted = false, Values = values.ToDictionary(v => v.Name, v => v.Value) }));
        try { return new ConfigurationBuilder().AddInMemoryCollection(LocalSettings.Load(path)).Build(); }
        finally { File.Delete(path); }
    }
}
