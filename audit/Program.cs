using Connectors.Books;
using Connectors.Reports;
using Connectors.Storage;

// dotnet run --project audit -- "<storage connection string>" [--book main]
// Prints one line per check of the books (Functions/Reports/BooksAudit.cs); exit 0 when all pass, 1 when one fails, 64 on bad arguments.
if (args.Length == 0 || args[0].StartsWith("--", StringComparison.Ordinal))
{
    Console.Error.WriteLine("usage: dotnet run --project audit -- \"<storage connection string>\" [--book main]   (UseDevelopmentStorage=true for Azurite)");
    return 64;
}
var book = Array.IndexOf(args, "--book") is var i and > 0 && i + 1 < args.Length ? args[i + 1] : "main";
var storage = StorageAccount.FromConnectionString(args[0]);
AuditResult result;
try { result = await new BooksAudit(storage, new BooksOptions { Book = book }).RunAsync(CancellationToken.None); }
catch (Azure.RequestFailedException e) when (e.ErrorCode == "TableNotFound")
{
    Console.Error.WriteLine("The storage account holds no books of the connector (a table is missing): check the connection string, or start the host against it once.");
    return 1;
}
catch (Exception e) when (e is Azure.RequestFailedException or AggregateException or HttpRequestException)
{
    Console.Error.WriteLine($"The storage account could not be read: {e.Message.Split('\n')[0]}");
    return 1;
}
foreach (var line in result.Lines) Console.WriteLine(line);
Console.WriteLine(result.Passed ? "books audit: PASS" : "books audit: FAIL");
return result.Passed ? 0 : 1;
