using System.Text;
using Connectors.Audit;
using Connectors.Hosting;
using Connectors.Hosting.AzureFunctions;
using Connectors.Tests.Fixtures;
using Microsoft.AspNetCore.Http;

namespace Connectors.Tests.Hosting.AzureFunctions;

/// <summary>The worker's audit around an admin function, on a request as the worker hands it over (a body read once by the function).</summary>
public sealed class AdminAuditMiddlewareTests(HostFixture host) : IClassFixture<HostFixture>
{
    /// <summary>A request body that can be read only once, as the host's stream is: the audit must buffer it to read it after the function.</summary>
    sealed class ReadOnce(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }

    static DefaultHttpContext Rename(string name)
    {
        var http = new DefaultHttpContext();
        http.Request.Method = "PUT";
        http.Request.ContentType = "application/json";
        http.Request.Body = new ReadOnce(Encoding.UTF8.GetBytes($$"""{"name":"{{name}}"}"""));
        return http;
    }

    /// <summary>What the function does with the body: reads it to the end.</summary>
    static Func<Task<IResult?>> Function(HttpContext http, IResult answer) => async () =>
    {
        await new StreamReader(http.Request.Body).ReadToEndAsync();
        return answer;
    };

    async Task<List<AuditEntry>> EntriesAsync(string target) =>
        [.. (await host.Service<AuditLog>().ListAsync(1000, null, CancellationToken.None)).Entries.Where(e => e.Target == target)];

    [Fact]
    public async Task A_successful_change_is_recorded_with_the_function_keys_name_from_the_body_the_function_read()
    {
        var connection = await host.CreateConnectionAsync("custom", "Worker audit shop");
        var http = Rename("Renamed in Azure");
        var middleware = new AdminAuditMiddleware(host.Service<AdminAudit>());
        await middleware.AroundAsync(http, Routes.AdminConnection, "ops-function-key", Function(http, Results.Ok()), name => name == "id" ? connection.Id : null);

        var entry = Assert.Single(await EntriesAsync(connection.Id), e => e.Action == AuditActions.ConnectionRename);
        Assert.Equal(("ops-function-key", "renamed 'Renamed in Azure'"), (entry.Credential, entry.Detail));
    }

    [Fact]
    public async Task A_refused_change_is_not_recorded()
    {
        var connection = await host.CreateConnectionAsync("custom", "Worker audit refused");
        var http = Rename("Never happened");
        var middleware = new AdminAuditMiddleware(host.Service<AdminAudit>());
        await middleware.AroundAsync(http, Routes.AdminConnection, null, Function(http, Results.BadRequest()), name => name == "id" ? connection.Id : null);

        Assert.DoesNotContain(await EntriesAsync(connection.Id), e => e.Action == AuditActions.ConnectionRename);
    }
}
