using System.Text.Json;
using System.Text.RegularExpressions;
using Connectors.Hosting;
using Connectors.Storage;

namespace Connectors.Tests.Hosting;

/// <summary>
/// infra/ (Bicep for azd) against the code: every queue, table and container exists, storage is reached through the
/// managed identity only, and every setting of local.settings.sample.json is also set in Azure.
/// </summary>
public sealed partial class AzureInfraTests
{
    static readonly string Root = Fixtures.Repository.Root;
    static string Read(string relative) => File.ReadAllText(Path.Combine(Root, relative));

    [Fact]
    public void The_storage_account_has_every_queue_table_and_container_the_code_uses()
    {
        var bicep = Read("infra/app/storage.bicep");
        var names = new[] { QueueNames.Events, QueueNames.EventsPoison }.Concat(TableNames.All).Concat(ContainerNames.All);
        var missing = names.Where(n => !bicep.Contains($"'{n}'", StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, "infra/app/storage.bicep does not create: " + string.Join(", ", missing));
        Assert.Contains("allowSharedKeyAccess: false", bicep);
    }

    [Fact]
    public void The_function_app_reaches_storage_with_its_identity_and_no_key()
    {
        var bicep = Read("infra/app/functions.bicep");
        Assert.Contains("AzureWebJobsStorage__accountName:", bicep);
        Assert.Contains("AzureWebJobsStorage__credential: 'managedidentity'", bicep);
        Assert.Contains("AzureWebJobsStorage__clientId: identityClientId", bicep);
        Assert.DoesNotMatch(@"AccountKey|listKeys\(|AzureWebJobsStorage:\s", bicep);
        Assert.Contains("name: 'FC1'", bicep);
        Assert.Matches(@"runtime:\s*\{\s*name: 'dotnet-isolated'\s*version: '10\.0'", bicep);

        var rbac = Read("infra/app/rbac.bicep");
        foreach (var role in new[] { "b7e6dc6d-f1e8-4753-8033-0f276bb0955b", "974c5e8b-45b9-4653-ba55-5f855dd0fb88", "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3" })
            Assert.Contains($"'{role}'", rbac);
    }

    [Fact]
    public void Every_sample_setting_is_set_in_Azure()
    {
        using var sample = JsonDocument.Parse(Read("local.settings.sample.json"));
        Assert.False(sample.RootElement.GetProperty("IsEncrypted").GetBoolean());
        var azure = Read("infra/main.bicep") + Read("infra/app/functions.bicep");
        // Flex Consumption sets the runtime itself; AzureWebJobsStorage becomes the identity settings checked above.
        var missing = sample.RootElement.GetProperty("Values").EnumerateObject().Select(p => p.Name)
            .Where(n => n is not ("FUNCTIONS_WORKER_RUNTIME" or "AzureWebJobsStorage"))
            .Where(n => !Regex.IsMatch(azure, $@"(^|\s){Regex.Escape(n)}:", RegexOptions.Multiline))
            .ToList();
        Assert.True(missing.Count == 0, "Settings in local.settings.sample.json that infra/ does not set: " + string.Join(", ", missing));
    }

    [Fact]
    public void Azd_deploys_the_Functions_project_as_a_function_app()
    {
        var yaml = Read("azure.yaml");
        Assert.Matches(@"project: \./Functions\s", yaml);
        Assert.Matches(@"host: function\s", yaml);
        Assert.Contains("'azd-service-name': serviceName", Read("infra/app/functions.bicep"));
        Assert.Contains("serviceName: 'functions'", Read("infra/main.bicep"));
    }
}
