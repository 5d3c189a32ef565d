namespace Connectors.Reliability;

public static class ReportCommand
{
    public static async Task<int> Main(string[] args)
    {
        await Task.CompletedTask;
        return 0;
    }
}
