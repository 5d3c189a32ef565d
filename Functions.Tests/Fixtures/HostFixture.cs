using System.Net.Http.Json;
using System.Text.Json;
using Connectors.Hosting;
using Connectors.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Connectors.Tests.Fixtures;

/// <summary>
/// A real Azurite (in memory, free ports) and the real local host on Kestrel (127.0.0.1, free port), for one test
/// class. Subclasses change settings or services (e.g. switch the queue trigger off to inspect the queue).
/// </summary>
public class HostFixture : IAsyncLifetime
{
    public const string AdminKey = "test-admin-key-0123456789";

    public Azurite Azurite { get; private set; } = null!;
    public WebApplication App { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;
    public string BaseUrl { get; private set; } = "";
    public StorageAccount Storage => App.Services.GetRequiredService<StorageAccount>();
    public T Service<T>() where T : notnull => App.Services.GetRequiredService<T>();
    /// <summary>"/api/": every function route starts with it (host.json's routePrefix).</summary>
    public string RoutePrefix => "/" + Service<HostJson>().RoutePrefix + "/";

    /// <summary>Every route the host maps: its pattern as mapped (routePrefix included) and its HTTP methods (none: any method).</summary>
    public IReadOnlyList<(string Pattern, IReadOnlyCollection<string> Methods)> MappedRoutes() =>
        [.. Service<Microsoft.AspNetCore.Routing.EndpointDataSource>().Endpoints.OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>()
            .Select(e => (e.RoutePattern.RawText ?? "", (IReadOnlyCollection<string>)(e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? [])))];

    /// <summary>Whether the queue trigger runs (off: messages stay on the queue for the test to read).</summary>
    protected virtual bool QueueTrigger => true;
    protected virtual void Settings(Dictionary<string, string?> settings) { }
    protected virtual void Services(IServiceCollection services) { }
    /// <summary>host.json as the host would read it; override to shorten queue timings.</summary>
    protected virtual HostJson HostJson => HostJson.Load(HostJson.Locate());

    /// <summary>A folder for Azurite to persist to (outage and crash tests restart it); null keeps it in memory.</summary>
    protected virtual string? AzuriteLocation => null;

    public virtual async Task InitializeAsync()
    {
        Azurite = await Azurite.StartAsync(location: AzuriteLocation);
        await StartHostAsync();
    }

    public async Task StartHostAsync()
    {
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = Azurite.ConnectionString,
            ["AdminKey"] = AdminKey,
            [$"AzureWebJobs.{ConnectorsHost.PostEventFunctionName}.Disabled"] = QueueTrigger ? "false" : "true",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        Settings(settings);
        App = ConnectorsHost.Build(["--urls", "http://127.0.0.1:0"], settings, useLocalSettings: false, Services, HostJson);
        await App.StartAsync();
        BaseUrl = App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Http = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary>Starts Azurite again on the same ports and folder (after a test stopped it).</summary>
    public async Task RestartAzuriteAsync()
    {
        await Azurite.DisposeAsync();
        Azurite = await Azurite.StartAsync(Azurite.BlobPort, Azurite.QueuePort, Azurite.TablePort, AzuriteLocation);
    }

    public async Task StopHostAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }

    public virtual async Task DisposeAsync()
    {
        await StopHostAsync();
        await Azurite.DisposeAsync();
    }

    public HttpRequestMessage Admin(HttpMethod method, string path, object? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("x-functions-key", AdminKey);
        if (body is not null) request.Content = JsonContent.Create(body);
        return request;
    }

    public async Task<JsonElement> AdminJsonAsync(HttpMethod method, string path, object? body = null, int expect = 200)
    {
        using var response = await Http.SendAsync(Admin(method, path, body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == expect, $"{method} {path}: expected {expect}, got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Creates a connection through the admin API and returns its creation answer (with its secret/token).</summary>
    public async Task<CreatedConnection> CreateConnectionAsync(string platform, string? name = null, object? extra = null)
    {
        var body = new Dictionary<string, object?> { ["platform"] = platform, ["name"] = name ?? $"{platform} test shop" };
        if (extra is not null)
            foreach (var p in JsonSerializer.SerializeToElement(extra).EnumerateObject()) body[p.Name] = p.Value;
        var json = await AdminJsonAsync(HttpMethod.Post, "/api/manage/connections", body, 201);
        return new CreatedConnection(json.GetProperty("id").GetString()!, platform, json.GetProperty("deliveryUrl").GetString()!,
            json.TryGetProperty("signingSecret", out var s) ? s.GetString() : null);
    }

    /// <summary>Sends a delivery and reads its JSON answer.</summary>
    public async Task<(System.Net.HttpStatusCode Status, JsonElement Body)> SendAsync(HttpRequestMessage request)
    {
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>The canonical events waiting on the queue for one connection (with the queue trigger off), once every accepted event has left the outbox.</summary>
    public async Task<List<Connectors.Ingest.CanonicalEvent>> QueuedForAsync(string connectionId)
    {
        await Service<Connectors.Ingest.Outbox>().WhenRelayedAsync();
        var queue = Service<Connectors.Ingest.EventQueue>();
        var events = new List<Connectors.Ingest.CanonicalEvent>();
        foreach (var m in (await queue.Queue.PeekMessagesAsync(32)).Value)
        {
            events.AddRange((await queue.OpenAsync(m.Body, default)).Where(e => e.ConnectionId == connectionId));
        }
        return events;
    }

    /// <summary>Polls until the condition holds (the queue trigger works in the background), failing after the timeout.</summary>
    public static async Task Eventually(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"Timed out waiting for: {what}");
            await Task.Delay(100);
        }
    }
}

public sealed record CreatedConnection(string Id, string Platform, string DeliveryUrl, string? SigningSecret)
{
    /// <summary>The URL's path (the fixture's HttpClient has the base address).</summary>
    public string Path => new Uri(DeliveryUrl).PathAndQuery;
}

/// <summary>The same host with the queue trigger off, so tests can read what was enqueued.</summary>
public class IngestOnlyHostFixture : HostFixture
{
    protected override bool QueueTrigger => false;
}
