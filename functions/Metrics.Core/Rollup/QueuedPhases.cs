using Metrics.Core.Ports;
using Metrics.Core.Usage;
using Metrics.Core.Work;

namespace Metrics.Core.Rollup;

/// <summary>
/// The rollup's phases after the job fold when they run as queued units (<see cref="QueuedHours"/>):
/// <list type="number">
/// <item>hours: each marked hour planned as shard units (or its plan under way found); once every shard is in, the hour
/// written from their sum, its billing day marked <c>day</c>, its plan forgotten and the marks it was planned from
/// cleared unless set again since;</item>
/// <item>days and months: a unit for each marked day (which writes the day, then marks its month and clears its own
/// mark) and then for each marked month (which writes the month and clears its mark), each carrying the run's lease
/// generation, which fences its write; queued by the timer, run in turn by a run that drains.</item>
/// </list>
/// Work that follows other work is planned when what it depends on is done: a day once one of its hours is written, a
/// month once one of its days is. With a <c>drain</c> (the CLI, the month close) every unit runs before the run goes on;
/// without one (the timer) units run on the queue-triggered function and a later run takes up what they leave.
/// </summary>
internal sealed class QueuedPhases(
    QueuedHours queued,
    IWorkMarks marks,
    IUsageStore usage,
    BillingCalendar calendar,
    Func<QueuedHours, CancellationToken, Task<UnitWorkerResult>>? drain
)
{
    /// <summary>
    /// The job phase as units: the marked job hours of each UTC day planned as slices of their runs (or the day's plan
    /// under way found); with a drain, the slices run here in turn; once every slice of a plan is done, its marks are
    /// cleared unless set again since. Returns the marks kept for a later run and the runs whose billed usage changed.
    /// </summary>
    public async Task<(int Kept, int Changed)> JobsAsync(
        LeasedRun run,
        QueuedJobs jobs,
        IReadOnlyList<WorkMark> jobMarks,
        IProgress<string>? progress
    )
    {
        var planned = new List<JobPlan>();
        foreach (var day in jobMarks.GroupBy(m => m.Key[..8], StringComparer.Ordinal).OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            await run.UnitAsync(
                    MarkKind.Jobs,
                    day.Key,
                    async token => planned.Add(await jobs.PlanAsync(day.Key, [.. day], enqueue: drain is null, token).ConfigureAwait(false))
                )
                .ConfigureAwait(false);
        }

        int kept = jobMarks.Count,
            changed = 0;
        foreach (JobPlan plan in planned)
        {
            if (drain is not null)
            {
                foreach (WorkUnit unit in plan.Units())
                {
                    await run.UnitAsync(MarkKind.Jobs, unit.Key, token => jobs.RunUnitAsync(unit, token)).ConfigureAwait(false);
                }
            }

            if (await jobs.ChangedAsync(plan, run.Token).ConfigureAwait(false) is not { } runs)
            {
                continue;
            }

            changed += runs;
            await jobs.ForgetAsync(plan.Day, run.Token).ConfigureAwait(false);
            foreach (WorkMark mark in plan.Marks)
            {
                kept -= 1 - await run.ClearAsync(marks, mark).ConfigureAwait(false);
                progress?.Report($"jobs {mark.Key}");
            }
        }

        return (Math.Max(0, kept), changed);
    }

    /// <summary>The hour phase. Returns the marks kept for a later run, the hours written, and the units of the plans.</summary>
    public async Task<(int Kept, int Recomputed, int Units)> HoursAsync(
        LeasedRun run,
        IGrouping<string, WorkMark>[] hourMarks,
        IProgress<string>? progress
    )
    {
        var plans = new List<HourPlan>(hourMarks.Length);
        foreach (var hour in hourMarks)
        {
            await run.UnitAsync(
                    MarkKind.Usage,
                    hour.Key,
                    async token => plans.Add(await queued.PlanAsync(MarkKeys.Hour(hour.First()), [.. hour], token).ConfigureAwait(false))
                )
                .ConfigureAwait(false);
        }

        // An hour no sample reaches has no units: its plan is complete as made.
        if (plans.Any(p => p.Shards > 0))
        {
            await DrainAsync(run).ConfigureAwait(false);
        }

        var written = new List<HourPlan>(plans.Count);
        foreach (HourPlan plan in plans)
        {
            bool done = false;
            await run.UnitAsync(
                    MarkKind.Usage,
                    UtcHours.Key(plan.Hour),
                    async token => done = await WriteHourAsync(plan, run.Generation, token).ConfigureAwait(false)
                )
                .ConfigureAwait(false);
            if (done)
            {
                written.Add(plan);
            }
        }

        return (
            hourMarks.Length - written.Count + await SettleAsync(run, written, progress).ConfigureAwait(false),
            written.Count,
            plans.Sum(p => p.Shards)
        );
    }

    /// <summary>
    /// The day and month phases: without a drain (the timer), a unit queued for each marked day and then each marked
    /// month; with one (the CLI, the month close, which wait for every unit anyway), the same units run here in turn,
    /// days first. Returns the marks left for a later run and the months written here.
    /// </summary>
    public async Task<(int Kept, int MonthsRecomputed)> DaysAndMonthsAsync(LeasedRun run, IProgress<string>? progress)
    {
        if (drain is null)
        {
            int queuedDays = await queued.PlanPeriodsAsync(MarkKind.Day, run.Generation, run.Token).ConfigureAwait(false);
            return (queuedDays + await queued.PlanPeriodsAsync(MarkKind.Month, run.Generation, run.Token).ConfigureAwait(false), 0);
        }

        await RunPeriodsHereAsync(run, MarkKind.Day, progress).ConfigureAwait(false);
        int months = await RunPeriodsHereAsync(run, MarkKind.Month, progress).ConfigureAwait(false);
        int left = 0;
        foreach (MarkKind kind in new[] { MarkKind.Day, MarkKind.Month })
        {
            left += (await marks.ListAsync(kind, run.Token).ConfigureAwait(false)).Count;
        }

        return (left, months);
    }

    /// <summary>Each marked period of <paramref name="kind"/> run as its unit would, here; returns how many were written.</summary>
    private async Task<int> RunPeriodsHereAsync(LeasedRun run, MarkKind kind, IProgress<string>? progress)
    {
        int written = 0;
        foreach (
            WorkMark mark in (await marks.ListAsync(kind, run.Token).ConfigureAwait(false)).OrderBy(m => m.Key, StringComparer.Ordinal)
        )
        {
            bool done = false;
            await run.UnitAsync(
                    kind,
                    mark.Key,
                    async token =>
                        done = await queued.RunUnitAsync(PeriodUnit.Of(kind, mark.Key, run.Generation), token).ConfigureAwait(false)
                )
                .ConfigureAwait(false);
            if (done)
            {
                written++;
                progress?.Report($"{WorkUnit.NameOf(kind)} {mark.Key}");
            }
        }

        return written;
    }

    private async Task DrainAsync(LeasedRun run)
    {
        if (drain is not null)
        {
            foreach (UnitFailure poisoned in (await drain(queued, run.Token).ConfigureAwait(false)).Failures)
            {
                run.Fail(poisoned);
            }
        }
    }

    /// <summary>The hour written from its plan's shards; false while any is missing.</summary>
    private async Task<bool> WriteHourAsync(HourPlan plan, long generation, CancellationToken cancellationToken)
    {
        if (await queued.CombineAsync(plan, cancellationToken).ConfigureAwait(false) is not { } observed)
        {
            return false;
        }

        IReadOnlyList<JobUsage> jobUsage = await usage.ReadJobHoursAsync(plan.Hour, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<HourlyUsage> lines = HourlyAggregator.Compute(plan.Hour, jobUsage, observed);
        cancellationToken.ThrowIfCancellationRequested();
        await usage.ReplaceHourAsync(plan.Hour, lines, generation, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// The written hours' days marked, then their plans forgotten, then the marks they were planned from cleared: a crash
    /// in between leaves the hour marks, and the next run plans and writes the hours again. Returns the marks kept.
    /// </summary>
    private async Task<int> SettleAsync(LeasedRun run, List<HourPlan> written, IProgress<string>? progress)
    {
        string[] days = written.Select(p => MarkKeys.DayKey(calendar.DayOf(p.Hour))).Distinct(StringComparer.Ordinal).ToArray();
        if (days.Length > 0)
        {
            await marks.MarkAsync(MarkKind.Day, days, run.Token).ConfigureAwait(false);
        }

        int kept = 0;
        foreach (HourPlan plan in written)
        {
            await queued.ForgetAsync(plan.Hour, run.Token).ConfigureAwait(false);
            foreach (WorkMark mark in plan.Marks)
            {
                kept += await run.ClearAsync(marks, mark).ConfigureAwait(false);
            }

            progress?.Report($"usage {UtcHours.Key(plan.Hour)}");
        }

        return kept;
    }
}
