using Connectors.Hosting;
using Connectors.Hosting.AzureFunctions;

// One binary, two hosts (docs/hosting.md). Started by the Functions host (func start, Azure): the isolated worker.
// Started any other way (`dotnet run --project Functions`, the tests): the local host on http://127.0.0.1:7071/api/...
if (Worker.StartedByFunctionsHost(args)) await Worker.Build(args).RunAsync();
else await ConnectorsHost.Build(args).RunAsync();

public partial class Program;
