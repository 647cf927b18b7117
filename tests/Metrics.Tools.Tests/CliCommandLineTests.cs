using Metrics.Cli;
using Microsoft.Extensions.Time.Testing;

namespace Metrics.Tools.Tests;

/// <summary>
/// The <c>metrics</c> command line refused before it touches storage: exit 2, nothing on standard output, one line on
/// standard error naming what is wrong. No Azurite: the storage these runs are given does not exist.
/// </summary>
public sealed class CliCommandLineTests
{
    /// <summary>Nothing listens here: a command that reached storage would fail with exit 1, not 2.</summary>
    private const string Nowhere =
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
        + "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
        + "BlobEndpoint=http://127.0.0.1:9/devstoreaccount1;TableEndpoint=http://127.0.0.1:9/devstoreaccount1;";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero));

    [Theory]
    [InlineData(new[] { "ingest", "--stream", "cpu", "--file", "x.jsonl" }, "cpu")]
    [InlineData(new[] { "ingest", "--stream", "gpu" }, "--file")]
    [InlineData(new[] { "ingest", "--stream", "gpu", "--file", "/no/such/file.jsonl" }, "file.jsonl")]
    [InlineData(new[] { "ingest", "--stream", "gpu", "--file", "x", "--partitions", "0" }, "--partitions")]
    [InlineData(new[] { "frobnicate" }, "frobnicate")]
    [InlineData(new[] { "rollup", "--max-samples-in-memory", "10" }, "--max-samples-in-memory")]
    [InlineData(new[] { "compact", "--from", "2026-11-27T08" }, "--to")]
    [InlineData(new[] { "compact", "--from", "2026-11-27T08", "--to", "2026-11-27T09" }, "not due for compaction until 2026-11-27T11:00Z")]
    [InlineData(new[] { "usage", "--month", "2026-13" }, "2026-13")]
    [InlineData(new[] { "usage", "--month", "2026-11", "--by", "user" }, "user")]
    [InlineData(new[] { "usage", "--month", "2026-11", "--format", "xlsx" }, "xlsx")]
    [InlineData(new[] { "usage", "--month", "2026-11", "--format", "focus-parquet" }, "--out FILE")]
    [InlineData(new[] { "lake", "pull", "--from", "2026-11-27T08", "--to", "yesterday", "--out", "x" }, "--from and --to")]
    [InlineData(new[] { "sql", "SELECT 1", "--format", "xml" }, "xml")]
    [InlineData(new[] { "close", "--month", "november" }, "november")]
    public async Task BadCommandLine_ExitsTwoWithAOneLineMessage(string[] args, string mentioned)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = await MetricsCli.RunAsync(args, new CliContext(output, error, name => name == "MetricsStorage" ? Nowhere : null, _time));

        Assert.Equal(2, exit);
        Assert.Equal(string.Empty, output.ToString());
        string line = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("metrics: ", line, StringComparison.Ordinal);
        Assert.Contains(mentioned, line, StringComparison.Ordinal);
    }
}
