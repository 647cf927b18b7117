namespace Metrics.Core.Tests.Contract;

/// <summary>The one contract writer against the contract's readers: whatever it writes, the decoders give back.</summary>
public sealed class ContractJsonTests
{
    private static readonly DateTimeOffset Enqueued = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);

    private static readonly Gen<string> Id = Gen.String[Gen.Char["a-z0-9"], 1, 12].Select(s => "x" + s);

    private static readonly Gen<DateTimeOffset> RecentMillis = Gen.Long[0, 3 * TimeSpan.TicksPerDay / TimeSpan.TicksPerMillisecond]
        .Select(ms => Enqueued.AddDays(-3).AddMilliseconds(ms));

    [Fact]
    public void GpuSample_WrittenThenDecoded_IsTheSameSample() =>
        Gen.Select(Id, RecentMillis, Gen.Int[1, 300], Gen.Select(Gen.Int[0, 7], Gen.Double[0, 100], Gen.Bool, Id).Array[1, 8])
            .Sample(
                (node, ts, interval, gpus) =>
                {
                    GpuReading[] readings = gpus.Select(
                            (g, i) =>
                                new GpuReading(
                                    SyntheticGpuUuid.For(node, i),
                                    i,
                                    "H100-SXM5-80GB",
                                    g.Item3 ? g.Item4 : null,
                                    g.Item3 ? "inst-" + g.Item4 : null,
                                    Math.Round(g.Item2, 1),
                                    1000,
                                    81559,
                                    g.Item3 ? 612.5 : null,
                                    g.Item3 ? 64 : null
                                )
                        )
                        .ToArray();
                    var sample = new GpuSample("hefei-aicc-1", node, ts, interval, readings);

                    DecodeResult<GpuSample> decoded = GpuTelemetryDecoder.Decode(ContractJson.Serialize(sample), Enqueued);

                    return decoded.IsValid
                        && decoded.Value! with { Gpus = [] } == sample with { Gpus = [] }
                        && decoded.Value.Gpus.SequenceEqual(readings);
                }
            );

    [Fact]
    public void JobEvent_WrittenThenDecoded_IsTheSameEvent() =>
        Gen.Select(Id, Gen.Int[0, 2], RecentMillis, Gen.Int[1, 16], Gen.Bool)
            .Sample(
                (jobId, state, ts, gpus, full) =>
                {
                    JobState s = (JobState)state;
                    var job = new JobEvent
                    {
                        EventId = ContractJson.JobEventId("hefei-aicc-1", jobId, s, ts),
                        Cluster = "hefei-aicc-1",
                        JobId = jobId,
                        State = s,
                        Ts = ts,
                        Institution = "inst-00042",
                        Account = full ? "proj-nlp" : null,
                        User = full ? "u1" : null,
                        Queue = full ? "gpu" : null,
                        SubmitTime = full ? ts.AddHours(-2) : null,
                        StartTime = ts.AddHours(-1),
                        EndTime = s == JobState.Ended ? ts : null,
                        ExitState = s == JobState.Ended && full ? "COMPLETED" : null,
                        Gpus = gpus,
                        GpuModel = "H100-SXM5-80GB",
                        Cpus = full ? 32 : null,
                        MemGiB = full ? 256 : null,
                    };

                    DecodeResult<JobEvent> decoded = JobEventDecoder.Decode(ContractJson.Serialize(job), Enqueued);

                    return decoded.IsValid && decoded.Value == job;
                }
            );

    [Fact]
    public void Timestamp_HasAFractionOnlyWhenThereIsOne()
    {
        Assert.Equal("2026-11-27T09:00:15Z", ContractJson.Timestamp(new DateTimeOffset(2026, 11, 27, 17, 0, 15, TimeSpan.FromHours(8))));
        Assert.Equal("2026-11-27T09:00:15.25Z", ContractJson.Timestamp(new DateTimeOffset(2026, 11, 27, 9, 0, 15, 250, TimeSpan.Zero)));
    }
}
