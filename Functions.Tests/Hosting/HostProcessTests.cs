using System.Net;
using System.Text.Json;
using Connectors.Hosting;
using Connectors.Tests.Fixtures;

namespace Connectors.Tests.Hosting;

/// <summary>The shipped host, started the way the README says, with its settings from local.settings.json.</summary>
public sealed class HostProcessTests
{
    const string AdminKey = "process-admin-key";

    static async Task<(HttpStatusCode, JsonElement)> CreateAndDeliverAsync(string baseUrl)
    {
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
        var create = new HttpRequestMessage(HttpMethod.Post, "/api/manage/connections") { Content = new StringContent("""{"platform":"custom","name":"Process test"}""", System.Text.Encoding.UTF8, "application/json") };
        create.Headers.Add("x-functions-key", AdminKey);
        using var created = await http.SendAsync(create);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var c = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;
        Assert.StartsWith(baseUrl + "/api/custom/", c.GetProperty("deliveryUrl").GetString());
        using var delivered = await http.SendAsync(SignedRequests.Custom(new Uri(c.GetProperty("deliveryUrl").GetString()!).AbsolutePath,
            c.GetProperty("signingSecret").GetString()!, "order.created", CustomOrders.Created("PROC-1")));
        return (delivered.StatusCode, JsonDocument.Parse(await delivered.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    [Fact]
    public async Task The_host_reads_local_settings_json_and_serves_the_routes_under_the_host_json_prefix()
    {
        await using var azurite = await Azurite.StartAsync();
        var dir = Directory.CreateTempSubdirectory("connectors-host-").FullName;
        File.WriteAllText(Path.Combine(dir, "local.settings.json"), JsonSerializer.Serialize(new
        {
            IsEncrypted = false,
            Values = new Dictionary<string, string> { ["AzureWebJobsStorage"] = azurite.ConnectionString, ["AdminKey"] = AdminKey, ["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated" },
        }));
        await using var host = await HostProcess.StartAsync(dir, new Dictionary<string, string>());
        var (status, body) = await CreateAndDeliverAsync(host.BaseUrl);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("accepted", body.GetProperty("status").GetString());
        Assert.DoesNotContain(host.Output, line => line.Contains("whsec_"));
    }

    [Fact]
    public async Task With_UseDevelopmentStorage_and_no_emulator_running_the_host_starts_Azurite_and_stops_it_on_exit()
    {
        var portsFree = !Azurite.IsListening(10000) && !Azurite.IsListening(10001) && !Azurite.IsListening(10002);
        var dir = Directory.CreateTempSubdirectory("connectors-devstorage-").FullName;
        await using var host = await HostProcess.StartAsync(dir, new Dictionary<string, string> { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true", ["AdminKey"] = AdminKey });
        Assert.True(Azurite.IsListening(10000) && Azurite.IsListening(10001) && Azurite.IsListening(10002));
        var (status, _) = await CreateAndDeliverAsync(host.BaseUrl);
        Assert.Equal(HttpStatusCode.OK, status);
        await host.StopAsync();
        if (portsFree)
        {
            // It was ours: stopped with the host, its data kept in ./__azurite__.
            await HostFixture.Eventually(() => Task.FromResult(!Azurite.IsListening(10002)), "Azurite stopped with the host", TimeSpan.FromSeconds(15));
            Assert.True(Directory.Exists(Path.Combine(dir, "__azurite__")));
        }
        else
        {
            // Someone's emulator was already running: the host used it and left it running.
            Assert.True(Azurite.IsListening(10002));
        }
    }
}
