using Connectors.Hosting;

// The local Functions host: `dotnet run --project Functions` serves http://127.0.0.1:7071/api/... and runs the queue trigger.
var app = ConnectorsHost.Build(args);
await app.RunAsync();

public partial class Program;
