namespace Metrics.Infra.Tests;

/// <summary>Every Bicep file builds and lints clean with the real Bicep CLI; a broken one is reported.</summary>
public sealed class BicepBuildTests
{
    public static TheoryData<string> BicepFiles() =>
        new(
            Directory
                .EnumerateFiles(Metrics.Tests.Shared.RepoPaths.Combine("infra"), "*.bicep", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(Metrics.Tests.Shared.RepoPaths.Root, f))
                .Order(StringComparer.Ordinal)
        );

    public static TheoryData<string> ParameterFiles() =>
        new(
            Directory
                .EnumerateFiles(Metrics.Tests.Shared.RepoPaths.Combine("infra"), "*.bicepparam")
                .Select(f => Path.GetRelativePath(Metrics.Tests.Shared.RepoPaths.Root, f))
                .Order(StringComparer.Ordinal)
        );

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public void Build_EveryBicepFile_SucceedsWithoutDiagnostics(string file)
    {
        (int exit, string output, string error) = BicepCli.Run("build", Metrics.Tests.Shared.RepoPaths.Combine(file), "--stdout");

        Assert.True(exit == 0, $"bicep build {file} exited {exit}: {error}");
        Assert.Equal(string.Empty, error.Trim());
        Assert.StartsWith("{", output.TrimStart(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public void Lint_EveryBicepFile_IsClean(string file)
    {
        (int exit, string output, string error) = BicepCli.Run("lint", Metrics.Tests.Shared.RepoPaths.Combine(file));

        Assert.True(exit == 0, $"bicep lint {file} exited {exit}: {error}");
        Assert.Equal(string.Empty, (output + error).Trim());
    }

    [Theory]
    [MemberData(nameof(ParameterFiles))]
    public void BuildParams_DevAndProd_Succeed(string file)
    {
        (int exit, string output, string error) = BicepCli.Run("build-params", Metrics.Tests.Shared.RepoPaths.Combine(file), "--stdout");

        Assert.True(exit == 0, $"bicep build-params {file} exited {exit}: {error}");
        Assert.Contains("environmentName", output, StringComparison.Ordinal);
    }

    [Fact]
    public void ParameterFiles_DevAndProd_Exist()
    {
        Assert.Equal(
            ["infra/main.dev.bicepparam", "infra/main.prod.bicepparam"],
            Directory
                .EnumerateFiles(Metrics.Tests.Shared.RepoPaths.Combine("infra"), "*.bicepparam")
                .Select(f => Path.GetRelativePath(Metrics.Tests.Shared.RepoPaths.Root, f))
                .Order(StringComparer.Ordinal)
        );
    }

    [Fact]
    public void Build_BrokenBicepFile_ReportsTheBicepError()
    {
        string broken = Path.Combine(AppContext.BaseDirectory, "TestData", "broken.bicep");

        (int exit, _, string error) = BicepCli.Run("build", broken, "--stdout");

        Assert.NotEqual(0, exit);
        Assert.Contains("broken.bicep(10,", error, StringComparison.Ordinal);
        Assert.Contains("Error BCP", error, StringComparison.Ordinal);
        Assert.Contains("undefinedVariable", error, StringComparison.Ordinal);
    }

    /// <summary>
    /// The Flex Consumption limits in production: every gpu-telemetry partition can have an instance of its own, and
    /// beside them the rollup units of a tenfold hour (12, docs/scale.md "Growth") can run at once; an instance has
    /// 2,048 MB, for one unit at a time (host.json batchSize 1: at most 512 MB measured) beside ingest.
    /// </summary>
    [Fact]
    public void ProdParameters_LeaveAnInstanceForEveryPartitionAndTheUnitsOfATenfoldHour()
    {
        (int exit, string output, string error) = BicepCli.Run(
            "build-params",
            Metrics.Tests.Shared.RepoPaths.Combine("infra", "main.prod.bicepparam"),
            "--stdout"
        );
        Assert.True(exit == 0, error);
        using var built = System.Text.Json.JsonDocument.Parse(output);
        using var parameters = System.Text.Json.JsonDocument.Parse(built.RootElement.GetProperty("parametersJson").GetString()!);
        int Value(string name) => parameters.RootElement.GetProperty("parameters").GetProperty(name).GetProperty("value").GetInt32();

        Assert.True(Value("maximumInstanceCount") >= Value("gpuPartitionCount") + 12, $"{Value("maximumInstanceCount")} instances");
        (exit, output, error) = BicepCli.Run(
            "build",
            Metrics.Tests.Shared.RepoPaths.Combine("infra", "modules", "functionapp.bicep"),
            "--stdout"
        );
        Assert.True(exit == 0, error);
        using var app = System.Text.Json.JsonDocument.Parse(output);
        Assert.Equal(
            2048,
            app.RootElement.GetProperty("parameters").GetProperty("instanceMemoryMB").GetProperty("defaultValue").GetInt32()
        );
    }
}
