namespace Metrics.Tests.Shared;

/// <summary>Locates files of this repository from a test's output folder.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Combine(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Metrics.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Metrics.sln not found above {AppContext.BaseDirectory}.");
    }
}
