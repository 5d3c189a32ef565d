using System.Net;
using Azure.Storage.Queues.Models;
using Connectors.Hosting.AzureFunctions;
using Connectors.Ingest;
using Connectors.Posting;
using Connectors.Tests.Fixtures;

namespace Connectors.Tests.Hosting.AzureFunctions;

/// <summary>The worker's queue trigger posts a queued delivery, given the message as the Functions host hands it over.</summary>
public sealed class PostEventQueueFunctionTests(IngestOnlyHostFixture host) : IClassFixture<IngestOnlyHostFixture>
{
    [Fact]
    public async Task A_queued_order_is_posted_and_its_activity_says_so()
    {
        var c = await host.CreateConnectionAsync("custom");
        using (var response = await host.Http.SendAsync(SignedRequests.Custom(c.Path, c.SigningSecret!, "order.created", CustomOrders.Created("AZQ-1"))))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(await host.QueuedForAsync(c.Id));

        // The message as the queue trigger receives it (the real QueueMessage, dequeue count and all).
        var queue = host.Service<EventQueue>();
        QueueMessage? message = null;
        foreach (var m in (await queue.Queue.ReceiveMessagesAsync(32)).Value)
            if ((await queue.OpenAsync(m.Body, default)).Any(e => e.ConnectionId == c.Id)) message = m;
        Assert.NotNull(message);
        Assert.Equal(1, message.DequeueCount);
        await new PostEventQueueFunction(host.Service<PostEventFunction>()).Run(message, CancellationToken.None);

        var activity = (await host.AdminJsonAsync(HttpMethod.Get, $"/api/manage/connections/{c.Id}/activity?top=1"))[0];
        Assert.Equal("posted", activity.GetProperty("status").GetString());
        Assert.StartsWith("SV/", activity.GetProperty("vouchers").GetString());
    }
}
