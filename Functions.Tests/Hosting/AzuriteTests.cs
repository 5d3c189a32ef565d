using Azure.Storage.Queues;
using Connectors.Hosting;

namespace Connectors.Tests.Hosting;

/// <summary>The Azurite launcher: the queue service can be file-backed on its own while blob and table stay in memory.</summary>
public sealed class AzuriteTests
{
    [Fact]
    public async Task A_queue_location_makes_the_queue_alone_file_backed()
    {
        var folder = Directory.CreateTempSubdirectory("azurite-queue-").FullName;
        try
        {
            await using (var azurite = await Azurite.StartAsync(separateServices: true, queueLocation: folder))
            {
                Assert.Equal(["azurite-blob", "azurite-queue", "azurite-table"], azurite.Processes.Select(p => p.Name));
                var queue = new QueueClient(azurite.ConnectionString, "files");
                await queue.CreateAsync();
                await queue.SendMessageAsync("kept in a file");
                Assert.Equal("kept in a file", (await queue.ReceiveMessageAsync()).Value.Body.ToString());
                await azurite.StopAsync(); // graceful: Azurite writes its database files on the way out
            }
            Assert.True(File.Exists(Path.Combine(folder, "__azurite_db_queue__.json")), "the queue service did not keep its files in the folder");
            Assert.False(File.Exists(Path.Combine(folder, "__azurite_db_table__.json")), "the table service wrote to the queue's folder");
        }
        finally { Directory.Delete(folder, recursive: true); }
    }
}
