namespace Metrics.Tools.Tests;

/// <summary>The agent's parser against real nvidia-smi output from an H100 node (Fixtures/nvidia-smi).</summary>
public sealed class NvidiaSmiCsvParserTests
{
    /// <summary>The field list the fixtures were captured with (Fixtures/nvidia-smi/README.md, <c>$F</c>).</summary>
    internal static readonly string[] FixtureFields =
    [
        "timestamp",
        "index",
        "uuid",
        "name",
        "serial",
        "pci.bus_id",
        "driver_version",
        "utilization.gpu",
        "utilization.memory",
        "memory.total",
        "memory.used",
        "memory.free",
        "power.draw",
        "power.limit",
        "temperature.gpu",
        "clocks.sm",
        "clocks.mem",
        "ecc.errors.uncorrected.volatile.total",
        "pstate",
    ];

    private static readonly TimeZoneInfo s_shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    private static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "nvidia-smi", name));

    [Fact]
    public void Parse_LoopFixture_ReadsEverySampleIdleThenLoaded()
    {
        IReadOnlyList<GpuStatus> samples = new NvidiaSmiCsvParser(FixtureFields, s_shanghai).Parse(Fixture("query-gpu-loop.csv"));

        Assert.Equal(20, samples.Count);
        Assert.All(samples, s => Assert.Equal("GPU-16ad15a6-b480-cd47-2ba8-1e36f3db8143", s.Uuid));
        GpuStatus idle = samples[0];
        Assert.Equal(
            (0, "NVIDIA H100 80GB HBM3", 0d, 81559L, 0L, 76.28, 700.00, 46d),
            (idle.Index, idle.Name, idle.UtilPct, idle.MemTotalMiB, idle.MemUsedMiB, idle.PowerW, idle.PowerLimitW, idle.TempC)
        );
        Assert.Equal(100, samples[^1].UtilPct);
        Assert.Equal(1011, samples[^1].MemUsedMiB);
    }

    [Fact]
    public void Parse_PowerAboveTheLimit_IsKeptAsMeasured()
    {
        IReadOnlyList<GpuStatus> samples = new NvidiaSmiCsvParser(FixtureFields, s_shanghai).Parse(Fixture("query-gpu-loop.csv"));

        GpuStatus peak = samples.MaxBy(s => s.PowerW)!;
        Assert.Equal(718.61, peak.PowerW);
        Assert.True(peak.PowerW > peak.PowerLimitW);
    }

    [Fact]
    public void Parse_LocalTimestampWithoutZone_IsConvertedWithTheNodesZone()
    {
        IReadOnlyList<GpuStatus> samples = new NvidiaSmiCsvParser(FixtureFields, s_shanghai).Parse(Fixture("query-gpu-loop.csv"));

        Assert.Equal(new DateTimeOffset(2026, 11, 27, 1, 49, 16, 210, TimeSpan.Zero), samples[0].Timestamp);
        Assert.True(samples.Zip(samples.Skip(1)).All(p => p.First.Timestamp < p.Second.Timestamp));
    }

    [Fact]
    public void Parse_HeaderWithUnits_UsesTheHeaderAndStripsUnits()
    {
        GpuStatus gpu = Assert.Single(new NvidiaSmiCsvParser(NvidiaSmiFields.Query, TimeZoneInfo.Utc).Parse(Fixture("query-gpu.csv")));

        Assert.Equal((0d, 81559L, 0L, 87.29, 46d), (gpu.UtilPct, gpu.MemTotalMiB, gpu.MemUsedMiB, gpu.PowerW, gpu.TempC));
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 9, 49, 9, 217, TimeSpan.Zero), gpu.Timestamp);
    }

    [Fact]
    public void Parse_PlaceholdersLikeNotAvailable_BecomeNull()
    {
        const string line =
            "2026/11/27 09:49:19.756, 3, GPU-16ad15a6-b480-cd47-2ba8-1e36f3db8143, NVIDIA H100 80GB HBM3, [N/A], 81559, 1011, [Not "
            + "Supported], 700.00, [Unknown Error]";

        GpuStatus gpu = Assert.Single(new NvidiaSmiCsvParser(NvidiaSmiFields.Query, TimeZoneInfo.Utc).Parse(line));

        Assert.Null(gpu.UtilPct);
        Assert.Null(gpu.PowerW);
        Assert.Null(gpu.TempC);
        Assert.Equal(3, gpu.Index);
    }

    [Fact]
    public void Parse_WrongNumberOfFields_SaysSo()
    {
        var ex = Assert.Throws<FormatException>(() =>
            new NvidiaSmiCsvParser(NvidiaSmiFields.Query, TimeZoneInfo.Utc).Parse("2026/11/27 09:49:19.756, 0")
        );
        Assert.Contains("expected 10", ex.Message, StringComparison.Ordinal);
    }
}
