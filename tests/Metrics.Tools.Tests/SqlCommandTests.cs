using Metrics.Cli;
using Metrics.Core.Lake;

namespace Metrics.Tools.Tests;

/// <summary>
/// <c>metrics sql</c> over a folder of the lake's layout (no storage): its views, CSV out, and a failing query or a
/// missing folder as a one-line error (exit 1).
/// </summary>
public sealed class SqlCommandTests : IDisposable
{
    private readonly string _lake = Directory.CreateTempSubdirectory("metrics-sql-").FullName;

    public void Dispose() => Directory.Delete(_lake, recursive: true);

    private static async Task<(int Exit, string Out, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = await MetricsCli.RunAsync(args, new CliContext(output, error, _ => null, TimeProvider.System));
        return (exit, output.ToString(), error.ToString());
    }

    private void Usage(string month, params (string Institution, decimal Hours)[] lines)
    {
        string path = Path.Combine(_lake, "usage", $"month={month}", $"usage-{month}.parquet");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using FileStream file = File.Create(path);
        ParquetTable.Write(
            file,
            lines,
            [new("institution", ColumnKind.String, l => l.Institution), new("gpu_hours", ColumnKind.Decimal, l => l.Hours)]
        );
    }

    [Fact]
    public async Task Query_OverTheUsageView_WithItsMonthFolderAsAColumn_PrintsCsv()
    {
        Usage("2026-10", ("inst-1", 1.5m), ("inst-2", 2.25m));
        Usage("2026-11", ("inst-1", 10m));

        (int exit, string output, string error) = await RunAsync(
            "sql",
            "SELECT month, sum(gpu_hours) AS gpu_hours FROM usage GROUP BY month ORDER BY month",
            "--lake",
            _lake,
            "--format",
            "csv"
        );

        Assert.True(exit == 0, error);
        Assert.Equal("month,gpu_hours\r\n2026-10,3.75\r\n2026-11,10\r\n", output);
    }

    [Theory]
    [InlineData("SELECT * FROM nowhere", "the query failed")]
    [InlineData("SELECT count(*) FROM gpu", "the query failed")]
    public async Task FailingQuery_ExitsOneWithDuckDbsMessage(string query, string mentioned)
    {
        Usage("2026-10", ("inst-1", 1.5m));
        (int exit, string output, string error) = await RunAsync("sql", query, "--lake", _lake);
        Assert.Equal(1, exit);
        Assert.Equal(string.Empty, output);
        Assert.Contains(mentioned, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingLake_SaysHowToPullOne()
    {
        (int exit, _, string error) = await RunAsync("sql", "SELECT 1", "--lake", Path.Combine(_lake, "absent"));
        Assert.Equal(1, exit);
        Assert.Contains("metrics lake pull", error, StringComparison.Ordinal);
    }
}
