using Metrics.Agent;
using Metrics.Agent.Mapping;
using Metrics.Contract;
using Metrics.Core.Validation;

namespace Metrics.Tools.Tests;

/// <summary>From nvidia-smi output and the scheduler's mapping files to a valid contract-v1 event.</summary>
public sealed class AgentEventTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("metrics-agent-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private JobMapping Mapping(params (int Gpu, string Job)[] jobs)
    {
        string map = Directory.CreateDirectory(Path.Combine(_dir, "jobs")).FullName;
        foreach ((int gpu, string job) in jobs)
        {
            File.WriteAllText(Path.Combine(map, gpu.ToString(System.Globalization.CultureInfo.InvariantCulture)), job + "\n");
        }

        File.WriteAllText(Path.Combine(_dir, "institutions.csv"), "# jobId,institution\n1234567,inst-00042\n");
        return new JobMapping(map, Path.Combine(_dir, "institutions.csv"));
    }

    private static GpuStatus Gpu(int index, double? util = 50) =>
        new(
            new DateTimeOffset(2026, 11, 27, 1, 49, 16, TimeSpan.Zero).AddMilliseconds(index),
            index,
            $"GPU-16ad15a6-b480-cd47-2ba8-1e36f3db814{index}",
            "NVIDIA H100 80GB HBM3",
            util,
            81559,
            1011,
            300,
            700,
            50
        );

    [Fact]
    public void Build_MappedAndIdleGpus_GivesAnEventTheIngestAccepts()
    {
        var builder = new TelemetryEventBuilder("hefei-aicc-1", "gn0412", 15, Mapping((0, "1234567"), (1, "7777777")));
        var warnings = new List<string>();

        byte[] body = builder.Build([Gpu(1), Gpu(0), Gpu(2)], warnings)!;

        DecodeResult<GpuSample> decoded = GpuTelemetryDecoder.Decode(body, new DateTimeOffset(2026, 11, 27, 1, 50, 0, TimeSpan.Zero));
        Assert.True(decoded.IsValid, decoded.Rejection?.ToString());
        GpuSample sample = decoded.Value;
        Assert.Equal("gn0412", PartitionKeys.FromBody(TelemetryStream.Gpu, body));
        Assert.Equal([0, 1, 2], sample.Gpus.Select(g => g.Index));
        Assert.Equal(("1234567", "inst-00042"), (sample.Gpus[0].JobId, sample.Gpus[0].Institution));
        Assert.Equal((null, null), (sample.Gpus[1].JobId, sample.Gpus[1].Institution));
        Assert.Equal((null, null), (sample.Gpus[2].JobId, sample.Gpus[2].Institution));
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 1, 49, 16, 2, TimeSpan.Zero), sample.Ts);
        Assert.Empty(warnings);
    }

    [Fact]
    public void Build_FromTheRealFixture_IsValid()
    {
        string[] fields = NvidiaSmiCsvParserTests.FixtureFields;
        string csv = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Fixtures", "nvidia-smi", "query-gpu-loop.csv"))[14];
        GpuStatus gpu = Assert.Single(new NvidiaSmiCsvParser(fields, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")).Parse(csv));

        byte[] body = new TelemetryEventBuilder("hefei-aicc-1", "gn0412", 15, Mapping((0, "1234567"))).Build([gpu], new List<string>())!;

        DecodeResult<GpuSample> decoded = GpuTelemetryDecoder.Decode(body, gpu.Timestamp);
        Assert.True(decoded.IsValid, decoded.Rejection?.ToString());
        Assert.Equal(718.61, decoded.Value.Gpus[0].PowerW);
    }

    [Fact]
    public void Build_UtilisationNotAvailable_SendsZeroAndWarns()
    {
        var warnings = new List<string>();

        byte[] body = new TelemetryEventBuilder("c", "n", 15, new JobMapping(null, null)).Build([Gpu(0, util: null)], warnings)!;

        Assert.Contains("\"utilPct\":0", Encoding.UTF8.GetString(body), StringComparison.Ordinal);
        Assert.Contains(warnings, w => w.Contains("no utilisation", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AgentCli_DryRunWithoutNvidiaSmi_FailsWithOneClearLine()
    {
        var output = new StringWriter();
        var log = new StringWriter();

        int exit = await AgentCli.RunAsync(
            [.. "--cluster hefei-aicc-1 --node gn0412 --dry-run --once --nvidia-smi".Split(' '), Path.Combine(_dir, "no-such-nvidia-smi")],
            output,
            log,
            _ => null,
            CancellationToken.None
        );

        Assert.Equal(1, exit);
        string line = Assert.Single(log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("metrics-agent: sample skipped: nvidia-smi not found", line, StringComparison.Ordinal);
        Assert.Equal(string.Empty, output.ToString());
    }

    [Fact]
    public async Task NodeAgent_DryRun_PrintsTheEventInsteadOfSending()
    {
        var output = new StringWriter();
        var options = new AgentOptions
        {
            Cluster = "hefei-aicc-1",
            Node = "gn0412",
            DryRun = true,
            Once = true,
            NodeTimeZone = TimeZoneInfo.Utc,
        };
        var builder = new TelemetryEventBuilder(options.Cluster, options.Node, 15, new JobMapping(null, null));
        var smi = new FixedNvidiaSmi(
            "2026/11/27 09:49:19.756, 0, GPU-16ad15a6-b480-cd47-2ba8-1e36f3db8143, NVIDIA H100 80GB HBM3, 100, 81559, 1011, 718.61, "
                + "700.00, 58\n"
        );

        var sampler = new GpuSampler(
            smi,
            new NvidiaSmiCsvParser(NvidiaSmiFields.Query, TimeZoneInfo.Utc),
            builder,
            TextWriter.Null,
            new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 9, 50, 0, TimeSpan.Zero))
        );

        Assert.True(
            await new NodeAgent(options, sampler, spool: null, sender: null, output, TextWriter.Null, TimeProvider.System).RunAsync(
                CancellationToken.None
            )
        );

        string printed = Assert.Single(output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.True(
            GpuTelemetryDecoder.Decode(Encoding.UTF8.GetBytes(printed), new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero)).IsValid
        );
    }

    /// <summary>A stand-in for the nvidia-smi process (our own interface, so a hand-written fake).</summary>
    private sealed class FixedNvidiaSmi(string output) : INvidiaSmi
    {
        public Task<string> QueryAsync(CancellationToken cancellationToken) => Task.FromResult(output);
    }
}
