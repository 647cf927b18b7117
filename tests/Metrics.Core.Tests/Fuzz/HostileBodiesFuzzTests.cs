using System.Text.Json;
using Xunit.Abstractions;

namespace Metrics.Core.Tests.Fuzz;

/// <summary>
/// The fuzz suite: batches of hostile bodies mixed with valid ones, through the real ingest pipeline and the rollup.
/// For every batch: no exception escapes; landed + dead-lettered = sent; the last-resort barrier is never used; every
/// pristine event lands; the landed rows read back are exactly the accepted events; every dead letter keeps its body
/// byte for byte; and the rollup over what landed completes with no failure and bounded work.
/// </summary>
/// <remarks>
/// Seeded and reproducible: the seed is <c>METRICS_FUZZ_SEED</c> (a number, or <c>random</c>), else a fixed default,
/// so CI is deterministic and the same seed generates the same 10,000 bodies. A failing case prints the run's seed and
/// its bodies. The run count and seed are
/// written to <c>METRICS_FUZZ_REPORT</c> when set (tools/test.sh prints it).
/// </remarks>
public sealed class HostileBodiesFuzzTests(ITestOutputHelper output)
{
    private const ulong DefaultSeed = 20261127;
    private const int Iterations = 100;
    private const int BodiesPerStream = 50;

    private static readonly Gen<(HostileBodies.Body[] Gpu, HostileBodies.Body[] Jobs)> s_batches = Gen.Select(
        HostileBodies.For(HostileBodies.ValidGpu, gpu: true).Array[BodiesPerStream],
        HostileBodies.For(HostileBodies.ValidJob, gpu: false).Array[BodiesPerStream]
    );

    /// <summary>Mutations that can never produce a valid event: each must be dead-lettered.</summary>
    private static readonly string[] s_alwaysInvalid =
    [
        "random-bytes",
        "invalid-utf8",
        "nesting",
        "duplicate-key",
        "non-json-number",
        "huge-array",
        "huge-string",
        "control",
        "root",
    ];

    [Fact]
    public void HostileBatches_AreLandedOrDeadLettered_NeverThrown_AndBillToBoundedWork()
    {
        string? configured = Environment.GetEnvironmentVariable("METRICS_FUZZ_SEED");
        ulong seed = configured switch
        {
            null or "" => DefaultSeed,
            "random" => (ulong)Random.Shared.NextInt64(1, long.MaxValue),
            _ => ulong.Parse(configured, System.Globalization.CultureInfo.InvariantCulture),
        };
        long bodies = 0,
            landed = 0,
            deadLettered = 0;

        // One CsCheck sample per run, each from its own seed derived from the run's seed, so the whole run is
        // reproducible (CsCheck's own seed fixes only the first iteration), and a failing run prints its own seed.
        for (uint run = 0; run < Iterations; run++)
        {
            s_batches.Sample(
                batch =>
                {
                    (long l, long d) = RunOne(batch.Gpu, batch.Jobs);
                    bodies += batch.Gpu.Length + batch.Jobs.Length;
                    landed += l;
                    deadLettered += d;
                },
                seed: new PCG(run, seed).ToString(),
                iter: 1,
                threads: 1,
                print: b => $"run {run} of METRICS_FUZZ_SEED={seed}:\n" + string.Join("\n", b.Gpu.Concat(b.Jobs).Select(x => x.ToString()))
            );
        }

        string summary =
            $"fuzz: {Iterations} runs, {bodies} bodies ({landed} landed, {deadLettered} dead-lettered, 0 internal errors), "
            + $"METRICS_FUZZ_SEED={seed}";
        output.WriteLine(summary);
        if (Environment.GetEnvironmentVariable("METRICS_FUZZ_REPORT") is { Length: > 0 } report)
        {
            File.AppendAllText(report, summary + Environment.NewLine);
        }

        Assert.Equal(Iterations * BodiesPerStream * 2, bodies);
    }

    private static (long Landed, long DeadLettered) RunOne(HostileBodies.Body[] gpu, HostileBodies.Body[] jobs)
    {
        var landing = new InMemoryLandingStore();
        var marks = new InMemoryWorkMarks();
        var pipeline = new IngestPipeline(landing, marks);
        long landedEvents = 0,
            dead = 0;
        foreach ((TelemetryStream stream, HostileBodies.Body[] sent) in new[] { (TelemetryStream.Gpu, gpu), (TelemetryStream.Jobs, jobs) })
        {
            var batch = new EventBatch(stream, "0", sent.Select((b, i) => new RawEvent(b.Bytes, i, HostileBodies.Enqueued)).ToArray());
            IngestResult result = pipeline.IngestAsync(batch, CancellationToken.None).GetAwaiter().GetResult();

            Assert.True(
                result.InternalErrors.Count == 0,
                "the barrier caught: "
                    + string.Join("\n", result.InternalErrors.Select(e => $"{e.ExceptionType}: {e.Message} for {sent[e.SequenceNumber]}"))
            );
            Assert.Equal(sent.Length, result.LandedEvents + result.DeadLettered);
            AssertLandedRowsAreTheAcceptedEvents(stream, sent, landing);
            AssertDeadLettersKeepEveryRejectedBody(stream, sent, landing, result.DeadLettered);
            landedEvents += result.LandedEvents;
            dead += result.DeadLettered;
        }

        var rollup = new UsageRollup(
            marks,
            new InMemoryLandedFiles(landing),
            new InMemoryJobStateStore(),
            new InMemoryUsageStore(),
            new InMemoryWorkLock(),
            BillingCalendar.Create("Asia/Shanghai")
        );

        // A hang guard, not a timing assertion: the bound asserted is on work, below.
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        RollupResult done = rollup.RunPendingAsync(guard.Token).GetAwaiter().GetResult();
        Assert.True(done.Failures.Count == 0, string.Join("\n", done.Failures));
        Assert.Empty(marks.RollupPending);

        // Bounded work: a GPU sample marks at most 2 hours, a job run at most its maximum age in hours (+1 partial).
        int bound = (2 * gpu.Length) + (jobs.Length * ((int)IngestLimits.DefaultMaxJobAge.TotalHours + 2));
        Assert.InRange(done.HoursRecomputed, 0, bound);
        return (landedEvents, dead);
    }

    private static void AssertLandedRowsAreTheAcceptedEvents(
        TelemetryStream stream,
        HostileBodies.Body[] sent,
        InMemoryLandingStore landing
    )
    {
        var expected = new List<string>();
        for (int i = 0; i < sent.Length; i++)
        {
            HostileBodies.Body body = sent[i];
            bool accepted;
            if (stream == TelemetryStream.Gpu)
            {
                DecodeResult<GpuSample> d = GpuTelemetryDecoder.Decode(body.Bytes, HostileBodies.Enqueued);
                accepted = d.IsValid;
                if (accepted)
                {
                    expected.AddRange(
                        d.Value!.Gpus.Select(g => GpuKey(d.Value.Ts, g.Uuid, g.Model, g.Institution, g.UtilPct, d.Value.IntervalS, i))
                    );
                }
            }
            else
            {
                DecodeResult<JobEvent> d = JobEventDecoder.Decode(body.Bytes, HostileBodies.Enqueued);
                accepted = d.IsValid;
                if (accepted)
                {
                    expected.Add(JobKey(d.Value!, i));
                }
            }

            Assert.True(!body.IsPristine || accepted, $"a pristine event was refused: {body}");
            Assert.False(
                accepted && s_alwaysInvalid.Any(m => body.Mutation.StartsWith(m, StringComparison.Ordinal)),
                $"an invalid event was accepted: {body}"
            );
        }

        var actual = new List<string>();
        string prefix = $"{LandingPaths.TelemetryContainer}/{stream.Name()}/";
        foreach (LandingFile file in landing.Files.Where(f => f.Key.StartsWith(prefix, StringComparison.Ordinal)).Select(f => f.Value))
        {
            using var content = new MemoryStream(file.Content.ToArray());
            if (stream == TelemetryStream.Gpu)
            {
                actual.AddRange(
                    Metrics
                        .Core.Tests.Landing.LandedGpuRows.ReadAsync(content, CancellationToken.None)
                        .GetAwaiter()
                        .GetResult()
                        .Select(r => GpuKey(r.Ts, r.GpuUuid, r.GpuModel, r.Institution, r.UtilPct, r.IntervalS, r.Sequence))
                );
            }
            else
            {
                var rows = LandedRowReader.ReadJobEventsAsync(content, CancellationToken.None).GetAwaiter().GetResult();
                actual.AddRange(rows.Select((r, n) => JobKey(r, -1)));
            }
        }

        if (stream == TelemetryStream.Jobs)
        {
            // Job rows carry no sequence in the reader's model; compare without it.
            expected = expected.Select(k => k[..k.LastIndexOf('#')]).ToList();
            actual = actual.Select(k => k[..k.LastIndexOf('#')]).ToList();
        }

        expected.Sort(StringComparer.Ordinal);
        actual.Sort(StringComparer.Ordinal);
        Assert.Equal(expected, actual);
    }

    private static void AssertDeadLettersKeepEveryRejectedBody(
        TelemetryStream stream,
        HostileBodies.Body[] sent,
        InMemoryLandingStore landing,
        int deadLettered
    )
    {
        var kept = new Dictionary<long, byte[]>();
        string prefix = $"{LandingPaths.DeadLetterContainer}/{stream.Name()}/";
        foreach (LandingFile file in landing.Files.Where(f => f.Key.StartsWith(prefix, StringComparison.Ordinal)).Select(f => f.Value))
        {
            foreach (string line in Encoding.UTF8.GetString(file.Content.Span).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                using JsonDocument letter = JsonDocument.Parse(line);
                JsonElement root = letter.RootElement;
                byte[] body =
                    root.GetProperty("bodyEncoding").GetString() == "base64"
                        ? root.GetProperty("body").GetBytesFromBase64()
                        : Encoding.UTF8.GetBytes(root.GetProperty("body").GetString()!);
                Assert.NotEqual("internal-error", root.GetProperty("reason").GetString());
                kept[root.GetProperty("sequence").GetInt64()] = body;
            }
        }

        Assert.Equal(deadLettered, kept.Count);
        foreach ((long sequence, byte[] body) in kept)
        {
            Assert.True(
                body.AsSpan().SequenceEqual(sent[sequence].Bytes),
                $"dead letter {sequence} does not keep its body: {sent[sequence]}"
            );
        }
    }

    /// <summary>A landed GPU row's identity; <c>ts</c> at the microsecond precision of the Arrow column.</summary>
    private static string GpuKey(
        DateTimeOffset ts,
        string uuid,
        string model,
        string? institution,
        double util,
        int interval,
        long sequence
    ) => FormattableString.Invariant($"{ts.UtcTicks / 10}|{uuid}|{model}|{institution}|{util:R}|{interval}#{sequence}");

    private static string JobKey(JobEvent e, long sequence) =>
        FormattableString.Invariant($"{e.EventId}|{e.State}|{e.Ts.UtcTicks / 10}|{e.StartTime.UtcTicks / 10}|{e.EndTime?.UtcTicks / 10}|")
        + FormattableString.Invariant($"{e.Gpus:R}|{e.Institution}|{e.GpuModel}#{sequence}");
}
