using Azure.Data.Tables;
using Connectors.Books;
using Connectors.Storage;
using Connectors.Tests.Fixtures;
using Microsoft.Extensions.Options;

namespace Connectors.Tests.Books;

/// <summary>
/// An order row is rewritten If-Match as a merge, so JSON chunks a shorter version no longer has stay on the row:
/// JsonParts decides what is read, and a stale version is refused.
/// </summary>
public sealed class OrderStoreTests(HostFixture host) : IClassFixture<HostFixture>
{
    [Fact]
    public async Task A_shorter_version_reads_back_as_written_although_the_longer_ones_chunks_stay_on_the_row()
    {
        var orders = new OrderStore(host.Storage, Options.Create(new BooksOptions { Book = "os-" + Guid.NewGuid().ToString("N")[..8] }));
        var connection = "c_" + Guid.NewGuid().ToString("N")[..8];
        // 80 lines of 500-character descriptions: well over one 30,000-character chunk.
        var lines = Enumerable.Range(0, 80).ToDictionary(i => $"SKU-{i}", i => new SkuPosition
        {
            Sku = $"SKU-{i}", Description = new string('d', 500), Rate = 10m, Quantity = 1m, Taxable = 10m,
        });
        var large = new OrderState { ConnectionId = connection, ExternalId = "A/1", Lines = lines, SaleNumber = "TSV/26-27/000001" };
        var first = await orders.TrySaveAsync(large, null, CancellationToken.None);
        Assert.NotNull(first);

        var row = (await host.Storage.Table(TableNames.Orders).QueryAsync<TableEntity>(e => e.RowKey == "A%2F1").ToListAsync()).Single();
        Assert.True(row.GetInt32("JsonParts") >= 2);

        var small = large with { Lines = new(StringComparer.Ordinal), Vouchers = ["TSV/26-27/000001", "TCN/26-27/000001"] };
        var second = await orders.TrySaveAsync(small, first, CancellationToken.None);
        Assert.NotNull(second);
        // The version read before the second write is stale now.
        Assert.Null(await orders.TrySaveAsync(large, first, CancellationToken.None));

        var (read, etag) = await orders.GetAsync(connection, "A/1", CancellationToken.None);
        Assert.Equal(second, etag);
        Assert.Empty(read!.Lines);
        Assert.Equal(["TSV/26-27/000001", "TCN/26-27/000001"], read.Vouchers);
        Assert.Equal("TSV/26-27/000001", read.SaleNumber);
        // The longer version's second chunk is still on the row, and is not read.
        row = (await host.Storage.Table(TableNames.Orders).QueryAsync<TableEntity>(e => e.PartitionKey == row.PartitionKey && e.RowKey == "A%2F1").ToListAsync()).Single();
        Assert.Equal(1, row.GetInt32("JsonParts"));
        Assert.NotNull(row.GetString("Json1"));
    }
}
