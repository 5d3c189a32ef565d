using System.Text.Json;
using Connectors.Hosting.AzureFunctions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Connectors.Tests.Hosting.AzureFunctions;

public sealed class RouteValuesTests
{
    [Fact]
    public async Task A_missing_value_answers_404_naming_it_and_the_handler_does_not_run()
    {
        var ran = false;
        var result = await RouteValues.Missing("id", "c1", "key", " ").Or(() => { ran = true; return Task.FromResult(Results.Ok()); });
        Assert.False(ran);
        var context = new DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider() };
        context.Response.Body = new MemoryStream();
        await result.ExecuteAsync(context);
        Assert.Equal(404, context.Response.StatusCode);
        context.Response.Body.Position = 0;
        var body = JsonDocument.Parse(context.Response.Body).RootElement;
        Assert.Equal("not_found", body.GetProperty("status").GetString());
        Assert.Contains("key", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task With_every_value_the_handler_answers()
    {
        Assert.Null(RouteValues.Missing("number", "SV/26-27/000001"));
        var answer = Results.Ok();
        Assert.Same(answer, await RouteValues.Missing("id", "c1", "key", "k1").Or(() => Task.FromResult(answer)));
        Assert.NotNull(RouteValues.Missing("number", null));
        Assert.NotNull(RouteValues.Missing("number", ""));
    }
}
