using Metrics.Core.Tests.Fuzz;

namespace Metrics.Core.Tests.Contract;

/// <summary>
/// The fast path of GPU decoding against the reference decoder, on the fuzz suite's hostile bodies and on valid ones:
/// whatever the fast path accepts, the reference accepts with the same value; and it is not a path that gives up on
/// ordinary events (then it would be no faster than the reference).
/// </summary>
public sealed class GpuTelemetryReaderTests
{
    private static readonly IngestLimits s_limits = IngestLimits.Default;
    private static readonly string[] s_prefixes = ["GPU-", "MIG-", "gpu-", "GPU_"];

    [Fact]
    public void FastPath_OnHostileBodies_NeverAcceptsWhatTheReferenceRefuses_NorReadsADifferentValue()
    {
        int accepted = 0;
        HostileBodies
            .For(HostileBodies.ValidGpu, gpu: true)
            .Sample(
                body =>
                {
                    if (GpuTelemetryReader.TryRead(body.Bytes, HostileBodies.Enqueued, s_limits) is not { } fast)
                    {
                        return;
                    }

                    accepted++;
                    DecodeResult<GpuSample> reference = GpuTelemetryDecoder.DecodeReference(body.Bytes, HostileBodies.Enqueued, s_limits);
                    Assert.True(reference.IsValid, $"the fast path accepted what the reference refuses ({reference.Rejection}): {body}");
                    AssertSame(reference.Value, fast);
                },
                iter: 20_000,
                seed: "0N0XIzNsQ0O2"
            );
        Assert.True(accepted > 1000, $"only {accepted} of 20,000 bodies took the fast path");
    }

    [Fact]
    public void FastPath_TakesEveryOrdinaryEvent_AndReadsItAsTheReferenceDoes()
    {
        HostileBodies.ValidGpu.Sample(
            json =>
            {
                byte[] body = Encoding.UTF8.GetBytes(json.ToJsonString());
                GpuSample? fast = GpuTelemetryReader.TryRead(body, HostileBodies.Enqueued, s_limits);
                Assert.NotNull(fast);
                AssertSame(GpuTelemetryDecoder.DecodeReference(body, HostileBodies.Enqueued, s_limits).Value!, fast);
            },
            iter: 2_000
        );
    }

    [Theory]
    [InlineData("2026-11-27T17:00:15+08:00", "2026-11-27T09:00:15.0000000+00:00")]
    [InlineData("2026-11-27T03:30:00.1234567-08:30", "2026-11-27T12:00:00.1234567+00:00")]
    [InlineData("2026-11-27T11:59:59.5Z", "2026-11-27T11:59:59.5000000+00:00")]
    public void FastPath_ReadsZonesAndFractions_AsUtc(string ts, string utc)
    {
        string body =
            $$"""{"schema":"gpu-telemetry/1","cluster":"c1","node":"n1","ts":"{{ts}}","intervalS":10,"gpus":["""
            + $$"""{"uuid":"GPU-16ad15a6-b480-cd47-2ba8-1e36f3db8143","index":0"""
            + $$""","model":"H100","utilPct":5,"memUsedMiB":1,"memTotalMiB":2}]}""";
        GpuSample? fast = GpuTelemetryReader.TryRead(Encoding.UTF8.GetBytes(body), HostileBodies.Enqueued, s_limits);

        Assert.NotNull(fast);
        Assert.Equal(utc, fast.Ts.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void FastPath_ReadsShortDecimals_ExactlyAsTheGeneralParser()
    {
        // Up to 15 digits with a fraction: the fast path's own parser; longer ones go to the general parser.
        Gen<string> number = Gen.Select(
            Gen.Int[0, 99],
            Gen.String[Gen.Char['0', '9'], 0, 15],
            (whole, fraction) => fraction.Length == 0 ? $"{whole}" : $"{whole}.{fraction}"
        );
        number.Sample(
            text =>
            {
                string body =
                    $$"""{"schema":"gpu-telemetry/1","cluster":"c1","node":"n1","ts":"2026-11-27T11:00:00Z","intervalS":10,"gpus":["""
                    + $$"""{"uuid":"GPU-16ad15a6-b480-cd47-2ba8-1e36f3db8143","index":0"""
                    + $$""","model":"H100","utilPct":{{text}},"powerW":{{text}},"memUsedMiB":1,"memTotalMiB":2}]}""";
                GpuSample? fast = GpuTelemetryReader.TryRead(Encoding.UTF8.GetBytes(body), HostileBodies.Enqueued, s_limits);
                double expected = double.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
                Assert.NotNull(fast);
                Assert.Equal(expected, fast.Gpus[0].UtilPct);
                Assert.Equal(expected, fast.Gpus[0].PowerW);
            },
            iter: 20_000
        );
    }

    [Theory]
    [InlineData("abc", true)]
    [InlineData("a", true)]
    [InlineData("-a", false)]
    [InlineData("a/b", false)]
    [InlineData("", false)]
    public void ContractAscii_Id_AgreesWithThePattern(string text, bool expected)
    {
        Assert.Equal(expected, ContractAscii.IsId(Encoding.UTF8.GetBytes(text)));
        Assert.Equal(expected, ContractPatterns.Id().IsMatch(text));
    }

    [Fact]
    public void ContractAscii_AgreesWithEveryPattern_OnRandomText()
    {
        Gen<string> text = Gen.OneOf(
            Gen.String[Gen.Char["A-Za-z0-9._+()-: /#é\n"], 0, 70],
            Gen.Select(Gen.Int[0, 3].Select(i => s_prefixes[i]), Gen.String[Gen.Char["0-9a-fA-FgG-"], 34, 38], (p, s) => p + s),
            Gen.Guid.Select(g => "GPU-" + g.ToString())
        );
        text.Sample(
            s =>
            {
                byte[] utf8 = Encoding.UTF8.GetBytes(s);
                Assert.Equal(ContractPatterns.Id().IsMatch(s), ContractAscii.IsId(utf8));
                Assert.Equal(ContractPatterns.JobId().IsMatch(s), ContractAscii.IsJobId(utf8));
                Assert.Equal(ContractPatterns.GpuModel().IsMatch(s), ContractAscii.IsGpuModel(utf8));
                Assert.Equal(ContractPatterns.GpuUuid().IsMatch(s), ContractAscii.IsGpuUuid(utf8));
            },
            iter: 20_000
        );
    }

    private static void AssertSame(GpuSample expected, GpuSample actual)
    {
        Assert.Equal(expected with { Gpus = [] }, actual with { Gpus = [] });
        Assert.Equal(expected.Ts.Offset, actual.Ts.Offset);
        Assert.Equal(expected.Gpus, actual.Gpus);
    }
}
