using System.Net;
using System.Text.Json;
using Connectors.Hosting;
using Connectors.Storage;
using Connectors.Tests.Fixtures;

namespace Connectors.Tests.Hosting;

/// <summary>The shipped host, started the way the README says, with its settings from local.settings.json.</summary>
public sealed class HostProcessTests
{
    const string AdminKey = "process-admin-key";

    static async Task<(HttpStatusCode, JsonElement)> CreateAndDeliverAsync(string baseUrl) => (await DeliverAsync(baseUrl)).Delivery;

    static async Task<((HttpStatusCode, JsonElement) Delivery, string Connection)> DeliverAsync(string baseUrl)
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
        return ((delivered.StatusCode, JsonDocument.Parse(await delivered.Content.ReadAsStringAsync()).RootElement.Clone()), c.GetProperty("id").GetString()!);
    }

    /// <summary>The delivery of DeliverAsync became a voucher (the queue trigger ran with the host's own storage).</summary>
    static Task PostedAsync(string baseUrl, string connection) => HostFixture.Eventually(async () =>
    {
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
        var get = new HttpRequestMessage(HttpMethod.Get, $"/api/manage/vouchers?connection={connection}&order=PROC-1");
        get.Headers.Add("x-functions-key", AdminKey);
        using var answer = await http.SendAsync(get);
        return answer.IsSuccessStatusCode && (await answer.Content.ReadAsStringAsync()).Contains("\"number\"");
    }, "the delivery posted", TimeSpan.FromSeconds(30));

    /// <summary>What a developer's file could hold that would wreck a scenario: another storage account, another admin key, the poster off.</summary>
    static string HostileLocalSettings(string dir)
    {
        var path = Path.Combine(dir, "local.settings.json");
        File.WriteAllText(path, JsonSerializer.Serialize(new
        {
            IsEncrypted = false,
            Values = new Dictionary<string, string>
            {
                ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
                ["AdminKey"] = "the-developers-own-key",
                ["AzureWebJobs.PostEvent.Disabled"] = "true",
                ["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated",
            },
        }));
        return path;
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
        // LocalSettings empty: the file is searched for as in a developer's run (the working folder first).
        await using var host = await HostProcess.StartAsync(dir, new Dictionary<string, string> { [LocalSettings.Setting] = "" });
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

    [Fact]
    public async Task Environment_variables_win_over_local_settings_json()
    {
        await using var azurite = await Azurite.StartAsync();
        var dir = Directory.CreateTempSubdirectory("connectors-precedence-").FullName;
        var file = HostileLocalSettings(dir);
        await using var host = await HostProcess.StartAsync(dir, new Dictionary<string, string>
        {
            [LocalSettings.Setting] = file, // read it: only what the environment does not set may come from it
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["AdminKey"] = AdminKey,
        });
        var ((status, _), connection) = await DeliverAsync(host.BaseUrl); // with the environment's admin key
        Assert.Equal(HttpStatusCode.OK, status);
        using var http = new HttpClient { BaseAddress = new Uri(host.BaseUrl) };
        var withFilesKey = new HttpRequestMessage(HttpMethod.Get, "/api/manage/connections");
        withFilesKey.Headers.Add("x-functions-key", "the-developers-own-key");
        using (var refused = await http.SendAsync(withFilesKey)) Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        // The file's own value where the environment has none is read: the poster is off, so the delivery, accepted into
        // the environment's storage, stays unposted (an idle host posts within milliseconds otherwise).
        await Task.Delay(TimeSpan.FromSeconds(5));
        var entries = await new Connectors.Activity.ActivityLog(StorageAccount.FromConnectionString(azurite.ConnectionString), TimeProvider.System).ListAsync(connection, 10, default);
        var entry = Assert.Single(entries);
        Assert.Equal(Connectors.Activity.ActivityStatus.Accepted, entry.Status);
    }

    [Fact]
    public async Task A_developers_local_settings_json_does_not_reach_the_hosts_the_tests_and_benchmarks_start()
    {
        await using var azurite = await Azurite.StartAsync();
        var dir = Directory.CreateTempSubdirectory("connectors-hostile-").FullName;
        HostileLocalSettings(dir); // in the working folder, the first place the host looks
        await using var host = await HostProcess.StartAsync(dir, new Dictionary<string, string> { ["AzureWebJobsStorage"] = azurite.ConnectionString, ["AdminKey"] = AdminKey });
        var ((status, _), connection) = await DeliverAsync(host.BaseUrl);
        Assert.Equal(HttpStatusCode.OK, status);
        await PostedAsync(host.BaseUrl, connection);
    }

    [Fact]
    public async Task A_killed_host_leaves_no_Azurite_behind()
    {
        var portsFree = !Azurite.IsListening(10000) && !Azurite.IsListening(10001) && !Azurite.IsListening(10002);
        var dir = Directory.CreateTempSubdirectory("connectors-killed-").FullName;
        var host = await HostProcess.StartAsync(dir, new Dictionary<string, string> { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true", ["AdminKey"] = AdminKey });
        await using (host)
        {
            var (status, _) = await CreateAndDeliverAsync(host.BaseUrl);
            Assert.Equal(HttpStatusCode.OK, status);
            host.Kill(); // SIGKILL: no shutdown code of the host runs
        }
        if (portsFree)
            await HostFixture.Eventually(() => Task.FromResult(!Azurite.IsListening(10000) && !Azurite.IsListening(10001) && !Azurite.IsListening(10002)),
                "the killed host's Azurite exited", TimeSpan.FromSeconds(20));
        else
            Assert.True(Azurite.IsListening(10002), "someone else's emulator was used and left running");
        // The next start finds the ports free again (or the same emulator) and its data where the first left it.
        await using var next = await HostProcess.StartAsync(dir, new Dictionary<string, string> { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true", ["AdminKey"] = AdminKey });
        var (again, _) = await CreateAndDeliverAsync(next.BaseUrl);
        Assert.Equal(HttpStatusCode.OK, again);
        await next.StopAsync();
    }
}
