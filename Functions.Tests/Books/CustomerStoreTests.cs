using Azure.Data.Tables;
using Connectors.Books;
using Connectors.Ingest;
using Connectors.Storage;
using Connectors.Tests.Fixtures;
using Microsoft.Extensions.Options;

namespace Connectors.Tests.Books;

/// <summary>
/// A customer's vouchers are rows of their own, inserted once: a repeat customer has no ceiling (one JSON list in a
/// property used to fill at about 1,800 numbers) and no row rewritten per order; numbers kept the old way still read.
/// </summary>
public sealed class CustomerStoreTests(HostFixture host) : IClassFixture<HostFixture>
{
    (CustomerStore Store, string Book) NewBook()
    {
        var book = "cust-" + Guid.NewGuid().ToString("N")[..8];
        return (new CustomerStore(host.Storage, Options.Create(new BooksOptions { Book = book })), book);
    }

    [Fact]
    public async Task A_customer_with_thousands_of_vouchers_keeps_every_number_once()
    {
        var (store, _) = NewBook();
        var numbers = Enumerable.Range(1, 2500).Select(n => $"SV/26-27/{n:D6}").ToList();
        // Orders post side by side, and some twice (a redelivery): each number is linked once.
        await Task.WhenAll(numbers.Chunk(5).Select(chunk => store.RecordAsync("gb123456789", new Customer { Name = "Big Buyer Ltd" }, chunk, default)));
        await Task.WhenAll(numbers.Take(50).Chunk(10).Select(chunk => store.RecordAsync("gb123456789", new Customer { Name = "Big Buyer Ltd" }, chunk, default)));

        var customer = Assert.Single(await store.ListAsync(default));
        Assert.Equal("gb123456789", customer.Key);
        Assert.Equal("Big Buyer Ltd", customer.Name);
        Assert.Equal(numbers, customer.Vouchers.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Fields_are_refreshed_when_given_and_kept_when_not()
    {
        var (store, _) = NewBook();
        await store.RecordAsync("asha@example.com", new Customer { Name = "Asha Rao", Email = "asha@example.com", Country = "IN" }, ["SV/1"], default);
        await store.RecordAsync("asha@example.com", new Customer { Name = "Asha R. Rao", TaxId = "29ABCDE1234F1Z5" }, ["SV/2"], default);

        var c = Assert.Single(await store.ListAsync(default));
        Assert.Equal(("Asha R. Rao", "asha@example.com", "29ABCDE1234F1Z5", "IN"), (c.Name, c.Email, c.TaxId, c.Country));
        Assert.Equal(["SV/1", "SV/2"], c.Vouchers.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Numbers_kept_in_the_customer_row_by_earlier_versions_are_still_listed()
    {
        var (store, book) = NewBook();
        await host.Storage.Table(TableNames.Customers).AddEntityAsync(new TableEntity(book, "old@example.com")
        {
            ["Key"] = "old@example.com", ["Name"] = "Old Customer", ["Vouchers"] = """["SV/OLD/1","SV/OLD/2"]""",
        });
        await store.RecordAsync("old@example.com", new Customer { Name = "Old Customer" }, ["SV/OLD/2", "SV/NEW/3"], default);

        var c = Assert.Single(await store.ListAsync(default));
        Assert.Equal(["SV/NEW/3", "SV/OLD/1", "SV/OLD/2"], c.Vouchers.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Test_vouchers_put_their_customer_in_the_test_books_which_the_real_list_never_shows()
    {
        var (store, book) = NewBook();
        await store.RecordAsync("tom@example.be", new Customer { Name = "Tom Janssens" }, ["TSV/26-27/000001"], default);
        await store.RecordAsync("tom@example.be", new Customer { Name = "Tom Janssens" }, ["TCN/26-27/000001", "TDN/26-27/000001"], default);
        await store.RecordAsync("asha@example.com", new Customer { Name = "Asha Rao" }, ["SV/26-27/000001"], default);

        // The real books: no row, no link of Tom's.
        Assert.Equal(["asha@example.com"], (await store.ListAsync(default)).Select(c => c.Key));
        Assert.False((await host.Storage.Table(TableNames.Customers).GetEntityIfExistsAsync<TableEntity>(book, "tom@example.be")).HasValue);
        var all = await store.ListAsync(includeTest: true, default);
        var tom = Assert.Single(all, c => c.Key == "tom@example.be");
        Assert.True(tom.IsTest);
        Assert.Equal(["TCN/26-27/000001", "TDN/26-27/000001", "TSV/26-27/000001"], tom.Vouchers.Order(StringComparer.Ordinal));
        Assert.False(Assert.Single(all, c => c.Key == "asha@example.com").IsTest);

        // One call with both kinds (never made by posting: an order is test or not) splits them between the books.
        await store.RecordAsync("asha@example.com", new Customer { Name = "Asha Rao" }, ["SV/26-27/000002", "TSV/26-27/000002"], default);
        Assert.Equal(["SV/26-27/000001", "SV/26-27/000002"], Assert.Single(await store.ListAsync(default)).Vouchers.Order(StringComparer.Ordinal));
        Assert.Equal(["TSV/26-27/000002"], Assert.Single(await store.ListAsync(includeTest: true, default), c => c.Key == "asha@example.com" && c.IsTest).Vouchers);
    }

    [Fact]
    public async Task A_customer_row_written_before_with_only_test_vouchers_is_a_test_customer_and_test_numbers_leave_the_real_list()
    {
        var (store, book) = NewBook();
        var customers = host.Storage.Table(TableNames.Customers);
        await customers.AddEntityAsync(new TableEntity(book, "old-test@example.com") { ["Key"] = "old-test@example.com", ["Vouchers"] = """["TSV/25-26/000001"]""" });
        await customers.AddEntityAsync(new TableEntity(book, "mixed@example.com") { ["Key"] = "mixed@example.com", ["Vouchers"] = """["SV/25-26/000001","TSV/25-26/000002"]""" });

        var real = Assert.Single(await store.ListAsync(default));
        Assert.Equal("mixed@example.com", real.Key);
        Assert.Equal(["SV/25-26/000001"], real.Vouchers);
        var all = await store.ListAsync(includeTest: true, default);
        Assert.True(Assert.Single(all, c => c.Key == "old-test@example.com").IsTest);
        Assert.Equal(2, Assert.Single(all, c => c.Key == "mixed@example.com").Vouchers.Count);
    }
}

