namespace Metrics.Tests.Shared.Fakes;

/// <summary>
/// In-memory marks: what ingest marks (<see cref="IWorkMarks"/>) and what the rollup lists and clears
/// (<see cref="IWorkMarks"/>), with a version that changes on every mark, like an ETag.
/// </summary>
public sealed class InMemoryWorkMarks : IWorkMarks
{
    private int _version;

    /// <summary>How many times each (stream, hour) was marked by ingest.</summary>
    public ConcurrentDictionary<(TelemetryStream Stream, DateTimeOffset Hour), int> Marks { get; } = new();

    /// <summary>Pending marks of every kind, with their current version.</summary>
    public ConcurrentDictionary<(MarkKind Kind, string Key), string> Pending { get; } = new();

    /// <summary>The rollup's pending work: every pending mark but compaction's (which wait for their hours to close).</summary>
    public IReadOnlyList<(MarkKind Kind, string Key)> RollupPending =>
        Pending.Keys.Where(k => k.Kind is not (MarkKind.CompactGpu or MarkKind.CompactJobs)).Order().ToArray();

    public Task MarkLandedAsync(TelemetryStream stream, IReadOnlyCollection<DateTimeOffset> hours, CancellationToken cancellationToken)
    {
        foreach (DateTimeOffset hour in hours)
        {
            Marks.AddOrUpdate((stream, hour), 1, (_, n) => n + 1);
        }

        return MarkAsync(
            stream == TelemetryStream.Gpu ? MarkKind.Gpu : MarkKind.Jobs,
            hours.Select(UtcHours.Key).ToArray(),
            cancellationToken
        );
    }

    public Task MarkAsync(MarkKind kind, IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        foreach (string key in keys)
        {
            Pending[(kind, key)] = Interlocked.Increment(ref _version).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return Task.CompletedTask;
    }

    /// <summary>When every mark says it was last set (a fixed time: the fake has no clock).</summary>
    public DateTimeOffset MarkedAt { get; set; } = new(2026, 11, 27, 11, 0, 0, TimeSpan.Zero);

    public Task<IReadOnlyList<WorkMark>> ListAsync(MarkKind kind, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<WorkMark>>(
            Pending.Where(p => p.Key.Kind == kind).Select(p => new WorkMark(kind, p.Key.Key, p.Value, MarkedAt)).ToArray()
        );

    public Task<bool> ClearAsync(WorkMark mark, CancellationToken cancellationToken) =>
        Task.FromResult(((ICollection<KeyValuePair<(MarkKind, string), string>>)Pending).Remove(new((mark.Kind, mark.Key), mark.Version)));
}
