using System.Text.Json;
using Azure;
using Connectors.Hosting.AzureFunctions;
using Connectors.Ingest;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace Connectors.Tests.Hosting.AzureFunctions;

/// <summary>The worker's middleware answers a throwing HTTP function as the local host does, and leaves the rest alone.</summary>
public sealed class HttpErrorAnswersTests
{
    static readonly HttpErrorAnswers Answers = new(NullLogger<HttpErrorAnswers>.Instance);

    static DefaultHttpContext Http()
    {
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        return context;
    }

    static async Task<(int Status, string? RetryAfter, JsonElement Body)> AnswerAsync(Exception thrown)
    {
        var http = Http();
        await Answers.RunAsync("Custom", http, () => throw thrown);
        http.Response.Body.Position = 0;
        var body = JsonDocument.Parse(await new StreamReader(http.Response.Body).ReadToEndAsync()).RootElement.Clone();
        return (http.Response.StatusCode, http.Response.Headers.RetryAfter.FirstOrDefault(), body);
    }

    [Fact]
    public async Task A_storage_fault_is_a_503_to_retry_after_5_seconds()
    {
        foreach (var fault in new Exception[] { new RequestFailedException(500, "table down"), new HttpRequestException("refused"), new TimeoutException(), new StorageUnavailableException("claim") })
        {
            var (status, retryAfter, body) = await AnswerAsync(fault);
            Assert.Equal(503, status);
            Assert.Equal("5", retryAfter);
            Assert.Equal("unavailable", body.GetProperty("status").GetString());
            Assert.Equal("Storage is unavailable; retry later.", body.GetProperty("error").GetString());
        }
    }

    [Fact]
    public async Task An_unreadable_request_is_a_400_naming_the_problem()
    {
        var (status, retryAfter, body) = await AnswerAsync(new BadHttpRequestException("Query parameter top must be an integer."));
        Assert.Equal(400, status);
        Assert.Null(retryAfter);
        Assert.Equal("invalid", body.GetProperty("status").GetString());
        Assert.Equal("The request could not be read: Query parameter top must be an integer.", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Anything_else_is_a_500_that_says_no_more()
    {
        var (status, _, body) = await AnswerAsync(new InvalidOperationException("secret detail whsec_123"));
        Assert.Equal(500, status);
        Assert.Equal("Internal error.", body.GetProperty("error").GetString());
        Assert.DoesNotContain("whsec_", body.GetRawText());
    }

    [Fact]
    public async Task A_function_that_answers_is_left_alone()
    {
        var http = Http();
        await Answers.RunAsync("Custom", http, () => { http.Response.StatusCode = 202; return Task.CompletedTask; });
        Assert.Equal(202, http.Response.StatusCode);
        Assert.Equal(0, http.Response.Body.Length);
    }

    [Fact]
    public async Task A_queue_function_rethrows_for_the_hosts_retries()
    {
        var thrown = new InvalidOperationException("posting failed");
        Assert.Same(thrown, await Assert.ThrowsAsync<InvalidOperationException>(() => Answers.RunAsync("PostEvent", null, () => throw thrown)));
    }
}
