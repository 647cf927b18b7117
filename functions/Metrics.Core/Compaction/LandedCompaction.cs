using Metrics.Contract;
using Metrics.Core.Usage;
using Metrics.Core.Work;

namespace Metrics.Core.Compaction;

/// <summary>
/// Compaction as queued units: <see cref="PlanAsync"/> (the timer function) puts a unit on the queue for each marked
/// stream-hour that has closed and whose grace period has passed; <see cref="RunUnitAsync"/> (the queue-triggered
/// function, or <c>metrics compact</c> after planning) compacts one and clears its mark unless more files landed
/// meanwhile. A unit is idempotent: a duplicate, or a retry after a success, finds its mark gone and does nothing, and a
/// compactor that lost a race to write a generation fails without changing what readers see (<see cref="HourCompactor"/>).
/// Units run one at a time per instance (host.json's <c>queues.batchSize</c> 1), so an instance holds one hour's
/// compaction at most; a unit that keeps failing ends on the poison queue and never holds the others back.
/// </summary>
public sealed class LandedCompaction(IWorkMarks marks, HourCompactor compactor, IWorkLock compactionLock, TimeProvider timeProvider)
{
    /// <summary>
    /// How long after an hour ends before it is compacted: nodes' spooled resends and Event Hubs redeliveries land within
    /// minutes. Later stragglers are not lost: they land beside the compacted file, are read with it, and the next
    /// compaction folds both into a new generation.
    /// </summary>
    public static readonly TimeSpan DefaultGrace = TimeSpan.FromHours(1);

    private static readonly (MarkKind Kind, TelemetryStream Stream)[] s_kinds =
    [
        (MarkKind.CompactGpu, TelemetryStream.Gpu),
        (MarkKind.CompactJobs, TelemetryStream.Jobs),
    ];

    public TimeSpan Grace { get; init; } = DefaultGrace;

    /// <summary>Puts a unit on <paramref name="queue"/> for every marked stream-hour that is due.</summary>
    public async Task<CompactionPlan> PlanAsync(IWorkQueue queue, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queue);
        var units = new List<WorkUnit>();
        var invalid = new List<UnitFailure>();
        int notDue = 0;
        foreach ((MarkKind kind, _) in s_kinds)
        {
            foreach (
                WorkMark mark in (await marks.ListAsync(kind, cancellationToken).ConfigureAwait(false)).OrderBy(
                    m => m.Key,
                    StringComparer.Ordinal
                )
            )
            {
                if (!UtcHours.TryParseKey(mark.Key, out DateTimeOffset hour))
                {
                    invalid.Add(
                        new UnitFailure(
                            kind,
                            mark.Key,
                            nameof(InvalidDataException),
                            "A compaction mark's key is not a UTC hour (yyyyMMddHH)."
                        )
                    );
                }
                else if (IsDue(hour))
                {
                    units.Add(new WorkUnit(kind, mark.Key));
                }
                else
                {
                    notDue++;
                }
            }
        }

        await queue.EnqueueAsync(units, cancellationToken).ConfigureAwait(false);
        return new CompactionPlan(units, notDue, invalid);
    }

    /// <summary>
    /// Compacts the unit's stream-hour if its mark is still there, and clears the mark unless it was set again meanwhile;
    /// null when there was nothing left to do.
    /// </summary>
    public async Task<HourCompaction?> RunUnitAsync(WorkUnit unit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(unit);
        TelemetryStream stream =
            s_kinds.Where(k => k.Kind == unit.Kind).Select(k => (TelemetryStream?)k.Stream).FirstOrDefault()
            ?? throw new ArgumentException($"{unit} is not a compaction unit.", nameof(unit));
        DateTimeOffset hour = UtcHours.TryParseKey(unit.Key, out DateTimeOffset parsed)
            ? parsed
            : throw new InvalidDataException($"{unit}: the key is not a UTC hour (yyyyMMddHH).");
        WorkMark? mark = (await marks.ListAsync(unit.Kind, cancellationToken).ConfigureAwait(false)).FirstOrDefault(m => m.Key == unit.Key);
        if (mark is null)
        {
            return null;
        }

        HourCompaction done = await compactor.CompactAsync(stream, hour, cancellationToken).ConfigureAwait(false);
        await marks.ClearAsync(mark, cancellationToken).ConfigureAwait(false);
        return done;
    }

    /// <summary>
    /// Plans, then works the queue until it is empty, in this process: what <c>metrics compact</c> and the demo do, as one
    /// instance would. Units that failed their last attempt are reported (and are on the poison queue).
    /// </summary>
    public async Task<CompactionResult> RunPendingAsync(
        IWorkQueue queue,
        QueuedUnitRunner runner,
        CancellationToken cancellationToken,
        IProgress<string>? progress = null
    )
    {
        CompactionPlan plan = await PlanAsync(queue, cancellationToken).ConfigureAwait(false);
        var hours = new List<HourCompaction>();
        UnitWorkerResult worked = await new UnitWorker(queue, runner)
            .RunUntilEmptyAsync(
                async (unit, token) =>
                {
                    if (await RunUnitAsync(unit, token).ConfigureAwait(false) is { } done)
                    {
                        hours.Add(done);
                        progress?.Report(unit.ToString());
                    }
                },
                cancellationToken
            )
            .ConfigureAwait(false);
        return new CompactionResult(hours, [.. plan.Invalid, .. worked.Failures], plan.NotYetDue);
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
