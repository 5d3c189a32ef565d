namespace Connectors.Tests.Fixtures;

/// <summary>The repository the tests run from, for tests that read its files (sources, kept benchmark results).</summary>
public static class Repository
{
    /// <summary>The folder holding Connectors.sln, found above the test binaries.</summary>
    public static string Root { get; } = Find();

    static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Connectors.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("Connectors.sln not found above " + AppContext.BaseDirectory);
    }
}
