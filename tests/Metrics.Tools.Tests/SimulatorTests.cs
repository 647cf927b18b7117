using Metrics.Contract;
using Metrics.Core.Validation;
using Metrics.Simulator;

namespace Metrics.Tools.Tests;

public sealed class SimulatorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("metrics-simtest-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static SimulationOptions Options(int seed = 7, double bad = 0.01, double dup = 0.01) =>
        new()
        {
            Institutions = 50,
            Nodes = 10,
            GpusPerNode = 8,
            Start = new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero),
            Hours = 8,
            IntervalS = 60,
            Seed = seed,
            BadRate = bad,
            DupRate = dup,
            SilentRate = 0,
        };

    private async Task<(SimulationSummary Summary, string Dir)> RunAsync(SimulationOptions options, string name)
    {
        string dir = Path.Combine(_dir, name);
        SimulationSummary summary = await new ClusterSimulator(options, BillingCalendar.Create("Asia/Shanghai").Zone).RunAsync(
            dir,
            null,
            CancellationToken.None
        );
        return (summary, dir);
    }

    [Fact]
    public async Task Run_SameSeed_WritesIdenticalFiles_AndAnotherSeedDoesNot()
    {
        (_, string a) = await RunAsync(Options(seed: 7), "a");
        (_, string b) = await RunAsync(Options(seed: 7), "b");
        (_, string c) = await RunAsync(Options(seed: 8), "c");

        foreach (string file in new[] { "gpu.jsonl", "jobs.jsonl", "truth.csv" })
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(a, file)), File.ReadAllBytes(Path.Combine(b, file)));
        }

        Assert.NotEqual(File.ReadAllBytes(Path.Combine(a, "jobs.jsonl")), File.ReadAllBytes(Path.Combine(c, "jobs.jsonl")));
    }

    [Fact]
    public async Task Run_EveryEventButTheDeliberatelyBadOnes_PassesContractValidation()
    {
        (SimulationSummary summary, string dir) = await RunAsync(Options(), "valid");
        var enqueued = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

        int rejected =
            File.ReadLines(Path.Combine(dir, "gpu.jsonl"))
                .Count(l => !GpuTelemetryDecoder.Decode(System.Text.Encoding.UTF8.GetBytes(l), enqueued).IsValid)
            + File.ReadLines(Path.Combine(dir, "jobs.jsonl"))
                .Count(l => !JobEventDecoder.Decode(System.Text.Encoding.UTF8.GetBytes(l), enqueued).IsValid);

        Assert.True(summary.BadEvents > 0, "the test needs some bad events");
        Assert.Equal(summary.BadEvents, rejected);
    }

    [Fact]
    public async Task Run_GpuEvents_AreOnePerNodePerIntervalPlusFaults()
    {
        (SimulationSummary summary, string dir) = await RunAsync(Options(bad: 0, dup: 0.02), "counts");

        Assert.Equal(File.ReadLines(Path.Combine(dir, "gpu.jsonl")).Count(), summary.GpuEvents);
        long distinct = File.ReadLines(Path.Combine(dir, "gpu.jsonl")).Distinct().Count();
        Assert.Equal(10 * 8 * 60, distinct);
        Assert.True(summary.GpuEvents > distinct, "resent samples appear twice in the file");
        Assert.True(summary.Duplicates >= summary.GpuEvents - distinct);
    }

    [Fact]
    public async Task Run_ShapeIsRealistic_SkewedInstitutionsSeveralModelsMigAndIdleGpus()
    {
        (_, string dir) = await RunAsync(Options(), "shape");
        string[] jobs = File.ReadAllLines(Path.Combine(dir, "jobs.jsonl"));
        string gpu = File.ReadAllText(Path.Combine(dir, "gpu.jsonl"));

        Assert.Contains(
            jobs,
            l =>
                l.Contains("\"gpus\":0.14285714285714285", StringComparison.Ordinal)
                || l.Contains("\"gpus\":0.2857142857142857", StringComparison.Ordinal)
                || l.Contains("\"gpus\":0.42857142857142855", StringComparison.Ordinal)
        );
        Assert.Contains("\"jobId\":null", gpu, StringComparison.Ordinal);
        Assert.True(new[] { "H100-SXM5-80GB", "A100-SXM4-40GB", "L40S-48GB" }.Count(m => gpu.Contains(m, StringComparison.Ordinal)) >= 2);
        Assert.Contains(jobs, l => l.Contains("\"state\":\"running\"", StringComparison.Ordinal));
        string[] truth = File.ReadAllLines(Path.Combine(dir, "truth.csv"));
        Assert.Contains(truth, l => l.StartsWith("2026-11,", StringComparison.Ordinal));
        Assert.Contains(truth, l => l.StartsWith("2026-12,", StringComparison.Ordinal));
    }
}
