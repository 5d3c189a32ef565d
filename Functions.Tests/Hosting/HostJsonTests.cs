using Connectors.Hosting;

namespace Connectors.Tests.Hosting;

public sealed class HostJsonTests
{
    [Fact]
    public void The_repository_host_json_is_read_with_its_route_prefix_and_queue_settings()
    {
        var hostJson = HostJson.Load(HostJson.Locate());
        Assert.Equal("api", hostJson.RoutePrefix);
        Assert.Equal(16, hostJson.Queues.BatchSize);
        Assert.Equal(5, hostJson.Queues.MaxDequeueCount);
        Assert.Equal(TimeSpan.FromSeconds(5), hostJson.Queues.VisibilityTimeout);
        Assert.Equal("base64", hostJson.Queues.MessageEncoding);
    }

    [Fact]
    public void Missing_settings_fall_back_to_the_Functions_defaults()
    {
        var path = Path.GetTempFileName();
        File.WriteAllText(path, """{ "version": "2.0", "extensions": { "http": { "routePrefix": "/hooks/" }, "queues": { "batchSize": 4 } } }""");
        var hostJson = HostJson.Load(path);
        Assert.Equal("hooks", hostJson.RoutePrefix);
        Assert.Equal(4, hostJson.Queues.BatchSize);
        Assert.Equal(2, hostJson.Queues.NewBatchThreshold);
        Assert.Equal(5, hostJson.Queues.MaxDequeueCount);
        Assert.Equal(TimeSpan.FromMinutes(1), hostJson.Queues.MaxPollingInterval);
    }

    [Fact]
    public void Local_settings_values_become_settings_with_double_underscores_as_sections()
    {
        var path = Path.GetTempFileName();
        File.WriteAllText(path, """{ "IsEncrypted": false, "Values": { "AzureWebJobsStorage": "UseDevelopmentStorage=true", "Books__TaxRegime": "gst" } }""");
        var values = LocalSettings.Load(path);
        Assert.Equal("UseDevelopmentStorage=true", values["AzureWebJobsStorage"]);
        Assert.Equal("gst", values["Books:TaxRegime"]);
    }
}
