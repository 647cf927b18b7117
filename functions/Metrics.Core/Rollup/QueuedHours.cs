using Metrics.Core.Landing;
using Metrics.Core.Ports;
using Metrics.Core.Scan;
using Metrics.Core.Usage;
using Metrics.Core.Work;

namespace Metrics.Core.Rollup;

/// <summary>
/// The rollup's hour phase as queued units, so that any number of instances share an hour's reading: an hour is planned
/// as shards of its GPUs by uuid hash (<see cref="PlanAsync"/>, by the rollup under its lease), each shard is read by
/// one unit on any instance (<see cref="RunUnitAsync"/>, the queue-triggered function or <c>metrics worker</c>), and
/// once every shard's result is in, the rollup writes the hour from their sum (<see cref="CombineAsync"/>).
/// <para>
/// A unit is idempotent and fenced by its plan's epoch: a retry or a duplicate of a unit whose result is written does
/// nothing, and a unit of a plan that was replaced reads nothing and writes nothing that is read. A unit holds one
/// shard's deduplication table, within <see cref="MaxSamplesInMemory"/>: the shard count comes from the manifests' row
/// counts, so an hour ten times the size is cut into ten times the units, not read in ten times the memory.
/// </para>
/// </summary>
public sealed class QueuedHours(
    ILandedFiles files,
    IUsageStore usage,
    IHourShardResults results,
    IWorkQueue queue,
    (IWorkMarks Marks, BillingCalendar Calendar) periods,
    TimeProvider time
)
{
    /// <summary>
    /// How long a plan may stay incomplete before its missing units are queued again: longer than units wait and run,
    /// shorter than an operator's patience with a unit that was lost or poisoned and mended since.
    /// </summary>
    public static readonly TimeSpan DefaultReplanAfter = TimeSpan.FromMinutes(30);

    /// <summary>Bound on the distinct samples one unit holds (see <see cref="ObservedHourReader"/>).</summary>
    public int MaxSamplesInMemory { get; init; } = ObservedHourReader.DefaultMaxSamplesInMemory;

    public TimeSpan ReplanAfter { get; init; } = DefaultReplanAfter;

    /// <summary>The queue the units go on.</summary>
    public IWorkQueue Queue => queue;

    /// <summary>
    /// Where the job phase's units find the runs' states and leave their results: with both, the job phase runs as units
    /// too (<see cref="QueuedJobs"/>); without, the rollup folds job hours itself.
    /// </summary>
    public (IJobStateStore States, IJobPlans Plans)? Jobs { get; init; }

    /// <summary>Runs a job unit folds at most (see <see cref="QueuedJobs.RunsPerUnit"/>).</summary>
    public int RunsPerJobUnit { get; init; } = 2_000;

    internal QueuedJobs? JobUnits =>
        Jobs is { } j
            ? new QueuedJobs(new JobFold(periods.Marks, files, j.States, usage, periods.Calendar), j.Plans, queue, time)
            {
                RunsPerUnit = RunsPerJobUnit,
                ReplanAfter = ReplanAfter,
            }
            : null;

    /// <summary>
    /// The hour's plan under way; or, if there is none, a new one, its units queued; or, if it has waited past
    /// <see cref="ReplanAfter"/>, the same plan with its missing units queued again.
    /// </summary>
    public async Task<HourPlan> PlanAsync(DateTimeOffset hour, IReadOnlyList<WorkMark> marks, CancellationToken cancellationToken)
    {
        DateTimeOffset now = time.GetUtcNow();
        HourPlan? current = await results.ReadPlanAsync(hour, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<HourShardUnit> units;
        if (current is null)
        {
            int shards = await new ObservedHourReader(files, MaxSamplesInMemory)
                .ShardsForAsync(hour, cancellationToken)
                .ConfigureAwait(false);
            current = new HourPlan(UtcHours.Floor(hour), HourPlan.NewEpoch(), shards, now, marks);
            units = current.Units();
        }
        else if (now - current.PlannedAt >= ReplanAfter)
        {
            IReadOnlySet<int> done = await results.ListDoneAsync(hour, current.Epoch, cancellationToken).ConfigureAwait(false);
            current = current with { PlannedAt = now };
            units = current.Units(Enumerable.Range(0, current.Shards).Where(s => !done.Contains(s)));
        }
        else
        {
            return current;
        }

        // The plan before its units: a unit that finds no plan naming its epoch does nothing.
        await results.WritePlanAsync(current, cancellationToken).ConfigureAwait(false);
        if (units.Count > 0)
        {
            await queue.EnqueueAsync(units.Select(u => u.ToWorkUnit()).ToArray(), cancellationToken).ConfigureAwait(false);
        }

        return current;
    }

    /// <summary>
    /// Puts a unit on the queue for every mark of <paramref name="kind"/> (<see cref="MarkKind.Day"/> or
    /// <see cref="MarkKind.Month"/>), carrying <paramref name="generation"/>, the planning run's lease generation, which
    /// fences the unit's write. A mark already queued by an earlier run is queued again: whichever unit runs first writes
    /// and clears it, and the other finds nothing to do. Returns how many were queued.
    /// </summary>
    public async Task<int> PlanPeriodsAsync(MarkKind kind, long generation, CancellationToken cancellationToken)
    {
        IReadOnlyList<WorkMark> marked = await periods.Marks.ListAsync(kind, cancellationToken).ConfigureAwait(false);
        WorkUnit[] units = marked.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => PeriodUnit.Of(kind, m.Key, generation)).ToArray();
        if (units.Length > 0)
        {
            await queue.EnqueueAsync(units, cancellationToken).ConfigureAwait(false);
        }

        return units.Length;
    }

    /// <summary>A queued message read as a rollup unit; <see cref="FormatException"/> if it is none.</summary>
    public static WorkUnit ParseUnit(ReadOnlySpan<byte> json)
    {
        WorkUnit unit = WorkUnit.Parse(json);
        if (unit.Kind == MarkKind.Usage)
        {
            HourShardUnit.Parse(unit);
        }
        else if (unit.Kind == MarkKind.Jobs)
        {
            JobPlan.Parse(unit);
        }
        else
        {
            PeriodUnit.Parse(unit);
        }

        return unit;
    }

    /// <summary>
    /// Runs one rollup unit: an hour's shard (<see cref="HourShardUnit"/>), a day or a month (<see cref="PeriodUnit"/>).
    /// False when there was nothing to do (its result written, its plan replaced, its mark gone, or a later run's unit
    /// wrote its period). <see cref="FormatException"/> for a unit of no rollup kind.
    /// </summary>
    public Task<bool> RunUnitAsync(WorkUnit unit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(unit);
        return unit.Kind switch
        {
            MarkKind.Usage => RunShardAsync(HourShardUnit.Parse(unit), cancellationToken),
            MarkKind.Jobs when JobUnits is { } jobs => jobs.RunUnitAsync(unit, cancellationToken),
            MarkKind.Day or MarkKind.Month => RunPeriodAsync(PeriodUnit.Parse(unit), cancellationToken),
            _ => throw new FormatException($"'{unit}' is not a rollup unit"),
        };
    }

    /// <summary>
    /// A day (then its month marked) or a month written again, if its mark is still there, and its mark cleared unless set
    /// again meanwhile. A write fenced out by a later run's generation leaves the mark to that run's unit.
    /// </summary>
    private async Task<bool> RunPeriodAsync(PeriodUnit unit, CancellationToken cancellationToken)
    {
        WorkMark? mark = (await periods.Marks.ListAsync(unit.Kind, cancellationToken).ConfigureAwait(false)).FirstOrDefault(m =>
            m.Key == unit.Key
        );
        if (mark is null)
        {
            return false;
        }

        var recompute = new PeriodRecompute(usage, periods.Calendar);
        try
        {
            if (unit.Kind == MarkKind.Day)
            {
                DateOnly day = MarkKeys.Day(mark);
                await recompute.DayAsync(day, unit.Generation, cancellationToken).ConfigureAwait(false);
                await periods
                    .Marks.MarkAsync(MarkKind.Month, [new BillingMonth(day.Year, day.Month).ToString()], cancellationToken)
                    .ConfigureAwait(false);
            }
            else
            {
                await recompute.MonthAsync(MarkKeys.Month(mark), unit.Generation, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (FencedWriteException)
        {
            return false;
        }

        await periods.Marks.ClearAsync(mark, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private async Task<bool> RunShardAsync(HourShardUnit shard, CancellationToken cancellationToken)
    {
        HourPlan? plan = await results.ReadPlanAsync(shard.Hour, cancellationToken).ConfigureAwait(false);
        if (plan?.Epoch != shard.Epoch || plan.Shards != shard.Shard.Of)
        {
            return false;
        }

        IReadOnlySet<int> done = await results.ListDoneAsync(shard.Hour, shard.Epoch, cancellationToken).ConfigureAwait(false);
        if (done.Contains(shard.Shard.Index))
        {
            return false;
        }

        IReadOnlyList<JobUsage> jobUsage = await usage.ReadJobHoursAsync(shard.Hour, cancellationToken).ConfigureAwait(false);
        IReadOnlyDictionary<UsageKey, ObservedSeconds> observed = await new ObservedHourReader(files, MaxSamplesInMemory)
            .ReadShardAsync(shard.Hour, JobAccounts.Of(jobUsage), shard.Shard, cancellationToken)
            .ConfigureAwait(false);
        return await results.WriteAsync(shard, observed, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The hour's observed time per line, summed from the plan's shards; null while any is missing.</summary>
    public async Task<IReadOnlyDictionary<UsageKey, ObservedSeconds>?> CombineAsync(HourPlan plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        IReadOnlyDictionary<int, IReadOnlyDictionary<UsageKey, ObservedSeconds>> parts = await results
            .ReadAsync(plan.Hour, plan.Epoch, cancellationToken)
            .ConfigureAwait(false);
        if (Enumerable.Range(0, plan.Shards).Any(s => !parts.ContainsKey(s)))
        {
            return null;
        }

        var totals = new Dictionary<UsageKey, ObservedSeconds>();
        ObservedTotals.Add(totals, parts.Where(p => p.Key < plan.Shards).SelectMany(p => p.Value));
        return totals;
    }

    /// <summary>Forgets the hour's plan and results, once the hour is written from them.</summary>
    public Task ForgetAsync(DateTimeOffset hour, CancellationToken cancellationToken) => results.DeleteHourAsync(hour, cancellationToken);
}
