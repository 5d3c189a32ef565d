using System.Text.RegularExpressions;

namespace Connectors.Tests.Hosting;

/// <summary>
/// The triggers declared in Functions/Hosting/Azure/*.cs, read from source: those files compile only with
/// -p:AzureFunctions=true, whose packages cannot be restored on the build machines.
/// </summary>
public sealed partial record AzureSource(IReadOnlyList<AzureSource.HttpEntry> Http, IReadOnlyList<AzureSource.QueueEntry> Queues, IReadOnlyList<string> FunctionNames, int TriggerAttributes)
{
    public sealed record HttpEntry(string File, string FunctionName, string Level, IReadOnlyList<string> Methods, string RouteConstant);
    public sealed record QueueEntry(string File, string FunctionName, string QueueConstant);

    public static string Folder() => Path.Combine(Fixtures.Repository.Root, "Functions", "Hosting", "Azure");

    public static AzureSource Read()
    {
        var http = new List<HttpEntry>();
        var queues = new List<QueueEntry>();
        var names = new List<string>();
        var triggers = 0;
        foreach (var path in Directory.GetFiles(Folder(), "*.cs", SearchOption.AllDirectories).Order())
        {
            var file = Path.GetFileName(path);
            var text = File.ReadAllText(path);
            triggers += TriggerAttribute().Count(text);
            foreach (Match m in FunctionWithTrigger().Matches(text))
            {
                var name = m.Groups["name"].Value.Trim();
                name = name.StartsWith('"') ? name.Trim('"') : name;
                names.Add(name);
                var args = m.Groups["args"].Value;
                if (m.Groups["trigger"].Value == "HttpTrigger")
                {
                    var route = RouteConstant().Match(args);
                    var beforeRoute = route.Success ? args[..route.Index] : args;
                    http.Add(new HttpEntry(file, name, Level().Match(args).Groups[1].Value,
                        StringLiteral().Matches(beforeRoute).Select(s => s.Groups[1].Value).ToList(),
                        route.Success ? route.Groups[1].Value : "(no Route = Routes.X in: " + args.Trim() + ")"));
                }
                else
                {
                    var queue = QueueConstant().Match(args);
                    queues.Add(new QueueEntry(file, name, queue.Success ? queue.Groups[1].Value : "(no QueueNames.X in: " + args.Trim() + ")"));
                }
            }
        }
        return new AzureSource(http, queues, names, triggers);
    }

    // [Function(NAME)] then the method up to its trigger attribute's closing ")]".
    [GeneratedRegex(@"\[Function\((?<name>[^)]+)\)\]\s*public[^\[]*\[(?<trigger>HttpTrigger|QueueTrigger)\((?<args>[^\]]*)\)\]")]
    private static partial Regex FunctionWithTrigger();

    [GeneratedRegex(@"\[(HttpTrigger|QueueTrigger)\(")]
    private static partial Regex TriggerAttribute();

    [GeneratedRegex(@"AuthorizationLevel\.(\w+)")]
    private static partial Regex Level();

    [GeneratedRegex(@"Route\s*=\s*Routes\.(\w+)")]
    private static partial Regex RouteConstant();

    [GeneratedRegex(@"^\s*QueueNames\.(\w+)")]
    private static partial Regex QueueConstant();

    [GeneratedRegex("\"([^\"]*)\"")]
    private static partial Regex StringLiteral();
}
