using Metrics.Core.Work;

namespace Metrics.Core.Rollup;

/// <summary>
/// The job phase of one UTC day's marked job hours as queued units: its <see cref="Epoch"/> (which names its units and
/// their results), the hours, the runs their events name cut into slices of contiguous run keys (each slice's first
/// key after the first slice's: dense job ids stay together, so each unit reads its runs' states by range), when it was
/// planned, and the hours' marks as they were then.
/// </summary>
public sealed record JobPlan(
    string Day,
    string Epoch,
    IReadOnlyList<string> Hours,
    IReadOnlyList<string> SliceStarts,
    DateTimeOffset PlannedAt,
    IReadOnlyList<WorkMark> Marks
)
{
    /// <summary>How many slices (units): none when the hours name no run.</summary>
    public int Slices { get; init; }

    /// <summary>A run's key as the slices order it: cluster, job id, start ticks (19 digits), ordinal.</summary>
    public static string KeyOf(JobRunKey run) =>
        string.Create(CultureInfo.InvariantCulture, $"{run.Cluster}|{run.JobId}|{run.RunStart.UtcTicks:D19}");

    /// <summary>The slice a run belongs to.</summary>
    public int SliceOf(JobRunKey run)
    {
        string key = KeyOf(run);
        int slice = 0;
        while (slice < SliceStarts.Count && string.CompareOrdinal(key, SliceStarts[slice]) >= 0)
        {
            slice++;
        }

        return slice;
    }

    /// <summary>The plan's units: <c>jobs {day}.{epoch}.{slice}.{slices}</c>.</summary>
    public IEnumerable<WorkUnit> Units(IEnumerable<int>? slices = null) =>
        (slices ?? Enumerable.Range(0, Slices)).Select(s => new WorkUnit(
            MarkKind.Jobs,
            string.Create(CultureInfo.InvariantCulture, $"{Day}.{Epoch}.{s}.{Slices}")
        ));

    /// <summary>A job unit's day, epoch and slice; <see cref="FormatException"/> for another key.</summary>
    public static (string Day, string Epoch, int Slice) Parse(WorkUnit unit)
    {
        ArgumentNullException.ThrowIfNull(unit);
        string[] parts = unit.Key.Split('.');
        return
            unit.Kind == MarkKind.Jobs
            && parts.Length == 4
            && parts[0].Length == 8
            && HourPlan.IsEpoch(parts[1])
            && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out int slice)
            && int.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out int slices)
            && slice < slices
            ? (parts[0], parts[1], slice)
            : throw new FormatException($"'{unit}' is not a job unit (jobs yyyyMMdd.epoch.slice.slices)");
    }
}
