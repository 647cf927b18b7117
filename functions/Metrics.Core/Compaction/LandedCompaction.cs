using Metrics.Contract;
using Metrics.Core.Usage;
using Metrics.Core.Work;

namespace Metrics.Core.Compaction;

/// <summary>
/// The compaction run (timer function and <c>metrics compact</c>): under the rollup's lock (the two never add their
/// memory up in one instance), compacts each marked stream-hour
/// that has closed and whose grace period has passed, and clears its mark unless more files landed meanwhile. Like the
/// rollup, one failing hour keeps its mark and is reported, and the others go on.
/// </summary>
public sealed class LandedCompaction(IWorkMarks marks, HourCompactor compactor, IWorkLock compactionLock, TimeProvider timeProvider)
{
    /// <summary>
    /// How long after an hour ends before it is compacted: nodes' spooled resends and Event Hubs redeliveries land within
    /// minutes. Later stragglers are not lost: they land beside the compacted file, are read with it, and the next
    /// compaction folds both into a new generation.
    /// </summary>
    public static readonly TimeSpan DefaultGrace = TimeSpan.FromHours(1);

    public TimeSpan Grace { get; init; } = DefaultGrace;

    /// <summary>Compacts every marked hour that is due.</summary>
    public async Task<CompactionResult> RunPendingAsync(CancellationToken cancellationToken, IProgress<string>? progress = null)
    {
        await using LeasedRun run = await LeasedRun.StartAsync(compactionLock, cancellationToken).ConfigureAwait(false);
        var hours = new List<HourCompaction>();
        int notDue = 0;
        foreach (
            (MarkKind kind, TelemetryStream stream) in new[]
            {
                (MarkKind.CompactGpu, TelemetryStream.Gpu),
                (MarkKind.CompactJobs, TelemetryStream.Jobs),
            }
        )
        {
            IReadOnlyList<WorkMark> marked = await marks.ListAsync(kind, run.Token).ConfigureAwait(false);
            foreach (WorkMark mark in marked.OrderBy(m => m.Key, StringComparer.Ordinal))
            {
                if (!UtcHours.TryParseKey(mark.Key, out DateTimeOffset hour))
                {
                    run.Fail(
                        new UnitFailure(
                            kind,
                            mark.Key,
                            nameof(InvalidDataException),
                            "A compaction mark's key is not a UTC hour (yyyyMMddHH)."
                        )
                    );
                    continue;
                }

                if (!IsDue(hour))
                {
                    notDue++;
                    continue;
                }

                // Cleared only if no file landed meanwhile: else the mark stays, and the next run compacts them into a new
                // generation.
                if (await CompactAsync(run, stream, hour, kind, hours, progress).ConfigureAwait(false))
                {
                    await run.ClearAsync(marks, mark).ConfigureAwait(false);
                }
            }
        }

        return new CompactionResult(hours, [.. run.Failures], notDue);
    }

    /// <summary>Compacts both streams of the UTC hours <c>[from, to]</c>, marked or not. Every hour must be due.</summary>
    public async Task<CompactionResult> RunRangeAsync(
        DateTimeOffset from,
        DateTimeOffset to,
        CancellationToken cancellationToken,
        IProgress<string>? progress = null
    )
    {
        from = UtcHours.Floor(from);
        to = UtcHours.Floor(to);
        if (to < from)
        {
            throw new ArgumentException("The end of the range is before its start.", nameof(to));
        }

        if (!IsDue(to))
        {
            throw new ArgumentException(
                $"Hour {to:yyyy-MM-dd'T'HH}Z is not due for compaction before {to.AddHours(1) + Grace:yyyy-MM-dd'T'HH:mm}Z (its end plus "
                    + $"the {Grace.TotalMinutes:0}-minute grace period).",
                nameof(to)
            );
        }

        await using LeasedRun run = await LeasedRun.StartAsync(compactionLock, cancellationToken).ConfigureAwait(false);
        var hours = new List<HourCompaction>();
        for (DateTimeOffset hour = from; hour <= to; hour = hour.AddHours(1))
        {
            await CompactAsync(run, TelemetryStream.Gpu, hour, MarkKind.CompactGpu, hours, progress).ConfigureAwait(false);
            await CompactAsync(run, TelemetryStream.Jobs, hour, MarkKind.CompactJobs, hours, progress).ConfigureAwait(false);
        }

        return new CompactionResult(hours, [.. run.Failures], 0);
    }

    /// <summary>An hour is due once it has ended and the grace period has passed.</summary>
    public bool IsDue(DateTimeOffset hour) => UtcHours.Floor(hour).AddHours(1) + Grace <= timeProvider.GetUtcNow();

    /// <summary>One stream-hour as a unit of the run: false if it failed (reported, its mark kept).</summary>
    private Task<bool> CompactAsync(
        LeasedRun run,
        TelemetryStream stream,
        DateTimeOffset hour,
        MarkKind kind,
        List<HourCompaction> hours,
        IProgress<string>? progress
    ) =>
        run.UnitAsync(
            kind,
            UtcHours.Key(hour),
            async token =>
            {
                hours.Add(await compactor.CompactAsync(stream, hour, token).ConfigureAwait(false));
                progress?.Report($"{stream.Name()} {UtcHours.Key(hour)}");
            }
        );
}
