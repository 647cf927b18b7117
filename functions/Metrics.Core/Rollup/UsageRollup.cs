using Metrics.Core.Landing;
using Metrics.Core.Ports;
using Metrics.Core.Scan;
using Metrics.Core.Usage;
using Metrics.Core.Work;

namespace Metrics.Core.Rollup;

/// <summary>
/// The billing rollup, run by the timer function and by <c>metrics rollup</c>. Under a lock, it works through the marks:
/// <list type="number">
/// <item>each dirty <c>jobs</c> hour: fold the hour's job events into durable job states; where a job's billed usage
/// changed, rewrite exactly the hours and months it changed and mark those hours <c>usage</c>;</item>
/// <item>each dirty <c>gpu</c> or <c>usage</c> hour: recompute that hour's lines from the jobs billed in it and the GPU
/// samples overlapping it (files of the hour and the next), replace them, and mark its billing month;</item>
/// <item>each dirty month: recompute its lines from its hours and replace them.</item>
/// </list>
/// A mark is cleared only after its work is written, and only if nobody re-marked it meanwhile, so a crash or a
/// concurrent ingest leaves the work for the next run instead of losing it.
/// <para>
/// One poisoned hour never blocks the others: if folding a job hour, recomputing an hour or recomputing a month throws,
/// that one keeps its mark, is reported in <see cref="RollupResult.Failures"/> with its key and the error, and the run
/// goes on. Only a lost lock or a cancellation stops the run.
/// </para>
/// <para>
/// A rollup that stalls past its lease without noticing cannot overwrite a later holder's work: job states are saved on
/// condition of the version read, and hours, days and months are replaced fenced by the lease's generation. A fenced-out
/// write (<see cref="FencedWriteException"/>) stops the run like a lost lock.
/// </para>
/// </summary>
public sealed class UsageRollup(
    IWorkMarks marks,
    ILandedFiles files,
    IJobStateStore jobs,
    IUsageStore usage,
    IWorkLock rollupLock,
    BillingCalendar calendar
)
{
    /// <summary>
    /// Bound on the distinct GPU samples an hour's recompute holds at once (see <see cref="ObservedHourReader"/>): the
    /// rollup's memory does not grow with the hour's size.
    /// </summary>
    public int MaxSamplesInMemory { get; init; } = ObservedHourReader.DefaultMaxSamplesInMemory;

    /// <summary>Where each run leaves word of what it did, for <c>metrics status</c>; none in tests that do not ask.</summary>
    public IRollupRuns? Runs { get; init; }

    /// <summary>Where each run is measured (see <see cref="Metrics.Core.Observability.PipelineMetrics"/>).</summary>
    public global::Metrics.Core.Observability.PipelineMetrics Metrics { get; init; } =
        global::Metrics.Core.Observability.PipelineMetrics.Shared;

    /// <summary>
    /// Where the hour phase's reading is queued as units (<see cref="QueuedHours"/>), for as many instances as the
    /// platform gives; none reads each hour in this process, as tests of the rules do.
    /// </summary>
    public QueuedHours? Queued { get; init; }

    /// <summary>
    /// Runs the queued units to the end before the hours are written (<c>metrics rollup</c>: in this process, or in
    /// worker processes as instances would); none leaves them to the queue-triggered function, and each hour is written
    /// by the first run that finds all its shards in.
    /// </summary>
    public Func<QueuedHours, CancellationToken, Task<UnitWorkerResult>>? Drain { get; init; }

    private PeriodRecompute Periods => new(usage, calendar);

    private QueuedPhases Phases(QueuedHours queued) => new(queued, marks, usage, calendar, Drain);

    /// <summary>The clock the age of pending marks is measured against.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Processes every pending mark.</summary>
    /// <param name="progress">Told of each unit written and cleared (<c>jobs 2026112710</c>, <c>usage ...</c>, <c>month
    /// 2026-11</c>).</param>
    public Task<RollupResult> RunPendingAsync(CancellationToken cancellationToken, IProgress<string>? progress = null) =>
        RunAsync(null, progress, cancellationToken);

    /// <summary>Re-reads and recomputes the UTC hours <c>[from, to]</c> (both inclusive), then everything else pending.</summary>
    public Task<RollupResult> RunRangeAsync(
        DateTimeOffset from,
        DateTimeOffset to,
        CancellationToken cancellationToken,
        IProgress<string>? progress = null
    )
    {
        if (to < from)
        {
            throw new ArgumentException("The end of the range is before its start.", nameof(to));
        }

        return RunAsync((UtcHours.Floor(from), UtcHours.Floor(to)), progress, cancellationToken);
    }

    private async Task<RollupResult> RunAsync(
        (DateTimeOffset From, DateTimeOffset To)? range,
        IProgress<string>? progress,
        CancellationToken callerToken
    )
    {
        // Stops at once if the lock is lost mid-run: another rollup may hold it now, and two must never interleave.
        await using LeasedRun run = await LeasedRun.StartAsync(rollupLock, callerToken).ConfigureAwait(false);
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        CancellationToken cancellationToken = run.Token;
        if (range is { } r)
        {
            await MarkRangeAsync(r.From, r.To, cancellationToken).ConfigureAwait(false);
        }

        (IReadOnlyList<WorkMark> jobMarks, IReadOnlyList<WorkMark> gpuMarks) = await TakeIngestMarksAsync(cancellationToken)
            .ConfigureAwait(false);
        (int jobKept, int jobsChanged) = Queued?.JobUnits is { } jobUnits
            ? await Phases(Queued).JobsAsync(run, jobUnits, jobMarks, progress).ConfigureAwait(false)
            : await new JobFold(marks, files, jobs, usage, calendar).RunAsync(run, jobMarks, progress).ConfigureAwait(false);
        (int hoursKept, int hoursRecomputed, int units) = await RecomputeHourMarksAsync(run, gpuMarks, progress).ConfigureAwait(false);
        (int monthsKept, int monthsRecomputed) = Queued is null
            ? await RecomputeMonthMarksAsync(run, progress).ConfigureAwait(false)
            : await Phases(Queued).DaysAndMonthsAsync(run, progress).ConfigureAwait(false);
        var result = new RollupResult(jobMarks.Count, jobsChanged, hoursRecomputed, monthsRecomputed, jobKept + hoursKept + monthsKept)
        {
            Failures = [.. run.Failures],
            HourUnits = units,
        };
        Metrics.RollupFinished(result, System.Diagnostics.Stopwatch.GetElapsedTime(started));
        if (Runs is not null)
        {
            await Runs.RecordAsync(result, cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    /// <summary>Marks the UTC hours <c>[from, to]</c> for both streams, so that the run reads them again.</summary>
    private async Task MarkRangeAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        for (DateTimeOffset hour = from; hour <= to; hour = hour.AddHours(1))
        {
            keys.Add(UtcHours.Key(hour));
        }

        await marks.MarkAsync(MarkKind.Jobs, keys, cancellationToken).ConfigureAwait(false);
        await marks.MarkAsync(MarkKind.Gpu, keys, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The ingest marks this run works through, with the same hours marked for compaction: marked before the ingest
    /// marks are cleared, so no landed hour escapes compaction; one upsert per kind per run, where ingest marking them
    /// too would cost every batch a second write.
    /// </summary>
    private async Task<(IReadOnlyList<WorkMark> Jobs, IReadOnlyList<WorkMark> Gpu)> TakeIngestMarksAsync(
        CancellationToken cancellationToken
    )
    {
        IReadOnlyList<WorkMark> jobMarks = await marks.ListAsync(MarkKind.Jobs, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<WorkMark> gpuMarks = await marks.ListAsync(MarkKind.Gpu, cancellationToken).ConfigureAwait(false);
        Metrics.RollupStarted(jobMarks, gpuMarks, Time.GetUtcNow());
        await marks.MarkAsync(MarkKind.CompactJobs, jobMarks.Select(m => m.Key).ToArray(), cancellationToken).ConfigureAwait(false);
        await marks.MarkAsync(MarkKind.CompactGpu, gpuMarks.Select(m => m.Key).ToArray(), cancellationToken).ConfigureAwait(false);
        return (jobMarks, gpuMarks);
    }

    /// <summary>
    /// The hour phase: every hour marked <c>gpu</c> or <c>usage</c> recomputed, then each such hour's billing day, then
    /// their months marked, and only then the hour marks cleared. Returns the marks kept for the next run and how many
    /// hours were written with their days.
    /// </summary>
    private async Task<(int Kept, int Recomputed, int Units)> RecomputeHourMarksAsync(
        LeasedRun run,
        IReadOnlyList<WorkMark> gpuMarks,
        IProgress<string>? progress
    )
    {
        var hourMarks = gpuMarks
            .Concat(await marks.ListAsync(MarkKind.Usage, run.Token).ConfigureAwait(false))
            .GroupBy(m => m.Key, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToArray();
        if (Queued is not null)
        {
            return await Phases(Queued).HoursAsync(run, hourMarks, progress).ConfigureAwait(false);
        }

        var recomputed = new List<IGrouping<string, WorkMark>>(hourMarks.Length);
        foreach (var hour in hourMarks)
        {
            if (
                await run.UnitAsync(
                        MarkKind.Usage,
                        hour.Key,
                        token => RecomputeHourAsync(MarkKeys.Hour(hour.First()), run.Generation, token)
                    )
                    .ConfigureAwait(false)
            )
            {
                recomputed.Add(hour);
            }
        }

        List<IGrouping<string, WorkMark>> written = await RecomputeDaysAsync(run, recomputed).ConfigureAwait(false);
        return (await MarkMonthsThenClearAsync(run, written, progress).ConfigureAwait(false), written.Count, 0);
    }

    /// <summary>
    /// Each recomputed hour's billing day summed again from its hours (at most 25), once per day. Returns the hours whose
    /// day is written too; an hour whose day failed keeps its mark, so the next run recomputes both.
    /// </summary>
    private async Task<List<IGrouping<string, WorkMark>>> RecomputeDaysAsync(LeasedRun run, List<IGrouping<string, WorkMark>> hours)
    {
        var written = new List<IGrouping<string, WorkMark>>(hours.Count);
        foreach (var day in hours.GroupBy(h => calendar.DayOf(MarkKeys.Hour(h.First()))).OrderBy(d => d.Key))
        {
            string dayKey = day.Key.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            if (
                await run.UnitAsync(MarkKind.Usage, dayKey, token => Periods.DayAsync(day.Key, run.Generation, token)).ConfigureAwait(false)
            )
            {
                written.AddRange(day);
            }
        }

        return written;
    }

    /// <summary>
    /// The written hours' months marked once, after every hour and day is written and before any hour mark is cleared: a
    /// crash in between leaves the hour marks, and the next run recomputes them (and their days) and marks the months
    /// again. A failed hour's month is marked when that hour finally succeeds. Returns the marks kept for the next run.
    /// </summary>
    private async Task<int> MarkMonthsThenClearAsync(LeasedRun run, List<IGrouping<string, WorkMark>> written, IProgress<string>? progress)
    {
        string[] months = written
            .Select(h => calendar.MonthOf(MarkKeys.Hour(h.First())).ToString())
            .Distinct(StringComparer.Ordinal)
            .ToArray();
        if (months.Length > 0)
        {
            await marks.MarkAsync(MarkKind.Month, months, run.Token).ConfigureAwait(false);
        }

        int kept = 0;
        foreach (var hour in written)
        {
            foreach (WorkMark mark in hour)
            {
                kept += await run.ClearAsync(marks, mark).ConfigureAwait(false);
            }

            progress?.Report($"usage {hour.Key}");
        }

        return kept;
    }

    /// <summary>The month phase: every marked month summed again from its days. Returns the marks kept and the months written.</summary>
    private async Task<(int Kept, int Listed)> RecomputeMonthMarksAsync(LeasedRun run, IProgress<string>? progress)
    {
        int kept = 0;
        IReadOnlyList<WorkMark> monthMarks = await marks.ListAsync(MarkKind.Month, run.Token).ConfigureAwait(false);
        foreach (WorkMark mark in monthMarks.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            if (
                await run.UnitAsync(MarkKind.Month, mark.Key, token => Periods.MonthAsync(MarkKeys.Month(mark), run.Generation, token))
                    .ConfigureAwait(false)
            )
            {
                kept += await run.ClearAsync(marks, mark).ConfigureAwait(false);
                progress?.Report($"month {mark.Key}");
            }
        }

        return (kept, monthMarks.Count - run.Failures.Count(f => f.Kind == MarkKind.Month));
    }

    private async Task RecomputeHourAsync(DateTimeOffset hour, long generation, CancellationToken cancellationToken)
    {
        IReadOnlyList<JobUsage> jobUsage = await usage.ReadJobHoursAsync(hour, cancellationToken).ConfigureAwait(false);

        // Streamed batch by batch in bounded memory; a sample in the next hour's files can reach back into this hour.
        IReadOnlyDictionary<UsageKey, ObservedSeconds> observed = await new ObservedHourReader(files, MaxSamplesInMemory)
            .ReadAsync(hour, JobAccounts.Of(jobUsage), cancellationToken)
            .ConfigureAwait(false);
        IReadOnlyList<HourlyUsage> lines = HourlyAggregator.Compute(hour, jobUsage, observed);
        cancellationToken.ThrowIfCancellationRequested();
        await usage.ReplaceHourAsync(hour, lines, generation, cancellationToken).ConfigureAwait(false);
    }
}
