using Metrics.Contract;
using Metrics.Core.Usage;
using Metrics.Core.Work;

namespace Metrics.Core.Rollup;

/// <summary>
/// The job phase as queued units: the marked job hours of a UTC day are planned as slices of the runs their events name
/// (<see cref="JobPlan"/>, at most <see cref="RunsPerUnit"/> runs a slice, contiguous in run key), and each slice is
/// folded by one unit (<see cref="RunUnitAsync"/>) into job states, job hours and months, marking the hours whose usage
/// changed. Slices hold disjoint runs, so units of a plan never save the same run; a unit of a replaced plan does
/// nothing, and a unit's result is recorded once. The rollup clears the day's marks once every slice is done.
/// </summary>
internal sealed class QueuedJobs(JobFold fold, IJobPlans plans, IWorkQueue queue, TimeProvider time)
{
    /// <summary>Runs a unit folds at most: a national hour's 3,875 runs make 2 units, and each unit's reads stay ranges.</summary>
    public int RunsPerUnit { get; init; } = 2_000;

    public TimeSpan ReplanAfter { get; init; } = QueuedHours.DefaultReplanAfter;

    /// <summary>
    /// The day's plan under way; or a new one, its units queued unless <paramref name="enqueue"/> is false (the caller
    /// runs them); or, past <see cref="ReplanAfter"/>, the same plan with its missing units queued again.
    /// </summary>
    public async Task<JobPlan> PlanAsync(string day, IReadOnlyList<WorkMark> marks, bool enqueue, CancellationToken cancellationToken)
    {
        DateTimeOffset now = time.GetUtcNow();
        JobPlan? current = await plans.ReadAsync(day, cancellationToken).ConfigureAwait(false);
        IEnumerable<int>? missing = null;
        if (current is not null && now - current.PlannedAt < ReplanAfter)
        {
            return current;
        }

        if (current is not null)
        {
            IReadOnlyDictionary<int, int> done = await plans.ListDoneAsync(day, current.Epoch, cancellationToken).ConfigureAwait(false);
            missing = Enumerable.Range(0, current.Slices).Where(s => !done.ContainsKey(s)).ToArray();
            current = current with { PlannedAt = now };
        }
        else
        {
            current = await NewPlanAsync(day, marks, now, cancellationToken).ConfigureAwait(false);
        }

        await plans.WriteAsync(current, cancellationToken).ConfigureAwait(false);
        WorkUnit[] units = current.Units(missing).ToArray();
        if (enqueue && units.Length > 0)
        {
            await queue.EnqueueAsync(units, cancellationToken).ConfigureAwait(false);
        }

        return current;
    }

    /// <summary>Folds one slice, unless its plan was replaced or it is done; false when there was nothing to do.</summary>
    public async Task<bool> RunUnitAsync(WorkUnit unit, CancellationToken cancellationToken)
    {
        (string day, string epoch, int slice) = JobPlan.Parse(unit);
        JobPlan? plan = await plans.ReadAsync(day, cancellationToken).ConfigureAwait(false);
        if (plan?.Epoch != epoch || (await plans.ListDoneAsync(day, epoch, cancellationToken).ConfigureAwait(false)).ContainsKey(slice))
        {
            return false;
        }

        DateTimeOffset[] hours = plan.Hours.Select(h => UtcHours.TryParseKey(h, out DateTimeOffset hour) ? hour : default).ToArray();
        List<JobEvent> events =
        [
            .. (await ReadEventsAsync(hours, cancellationToken).ConfigureAwait(false)).Where(e => plan.SliceOf(JobRunKey.Of(e)) == slice),
        ];
        int changed = await fold.FoldAsync(hours, events, cancellationToken).ConfigureAwait(false);
        return await plans.DoneAsync(day, epoch, slice, changed, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The runs the plan's slices changed, once every slice is done; null while any is not.</summary>
    public async Task<int?> ChangedAsync(JobPlan plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        IReadOnlyDictionary<int, int> done = await plans.ListDoneAsync(plan.Day, plan.Epoch, cancellationToken).ConfigureAwait(false);
        return Enumerable.Range(0, plan.Slices).All(done.ContainsKey) ? done.Values.Sum() : null;
    }

    public Task ForgetAsync(string day, CancellationToken cancellationToken) => plans.DeleteAsync(day, cancellationToken);

    private async Task<JobPlan> NewPlanAsync(
        string day,
        IReadOnlyList<WorkMark> marks,
        DateTimeOffset now,
        CancellationToken cancellationToken
    )
    {
        string[] hourKeys = marks.Select(m => m.Key).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        DateTimeOffset[] hours = marks.Select(MarkKeys.Hour).Distinct().ToArray();
        string[] runs = (await ReadEventsAsync(hours, cancellationToken).ConfigureAwait(false))
            .Select(e => JobPlan.KeyOf(JobRunKey.Of(e)))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToArray();
        string[] starts = Enumerable.Range(1, Math.Max(0, (runs.Length - 1) / RunsPerUnit)).Select(s => runs[s * RunsPerUnit]).ToArray();
        return new JobPlan(day, HourPlan.NewEpoch(), hourKeys, starts, now, marks) { Slices = runs.Length == 0 ? 0 : starts.Length + 1 };
    }

    private async Task<List<JobEvent>> ReadEventsAsync(IEnumerable<DateTimeOffset> hours, CancellationToken cancellationToken)
    {
        var events = new List<JobEvent>();
        foreach (DateTimeOffset hour in hours)
        {
            events.AddRange(await fold.ReadJobEventsAsync(hour, cancellationToken).ConfigureAwait(false));
        }

        return events;
    }
}
