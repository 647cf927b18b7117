namespace Metrics.Tests.Shared.Fakes;

/// <summary>
/// The whole pipeline over in-memory ports, as the billing and function tests drive it: ingest lands files in
/// <see cref="Landing"/> and marks hours in <see cref="Marks"/>; <see cref="Rollup"/> bills them into <see cref="Usage"/>
/// (job states in <see cref="Jobs"/>), under <see cref="Lock"/>, in the centre's time zone.
/// </summary>
public sealed class InMemoryPipeline
{
    public InMemoryLandingStore Landing { get; } = new();

    public InMemoryWorkMarks Marks { get; } = new();

    public InMemoryJobStateStore Jobs { get; } = new();

    public InMemoryUsageStore Usage { get; } = new();

    public InMemoryWorkLock Lock { get; } = new();

    public BillingCalendar Calendar { get; } = BillingCalendar.Create("Asia/Shanghai");

    public InMemoryAllocationStore Allocations { get; } = new();

    public InMemoryAllocationEvents AllocationEvents { get; } = new();

    /// <summary>The threshold watch over these stores, with the standard rate card, at <paramref name="time"/>.</summary>
    public Metrics.Core.Allocations.AllocationWatch Watch(TimeProvider time) =>
        new(
            new Metrics.Core.Allocations.AllocationStandings(
                Allocations,
                Usage,
                InMemoryRateCardStore.Standard(),
                AllocationEvents,
                Calendar,
                time
            ),
            AllocationEvents,
            AllocationEvents,
            time
        );

    /// <summary>
    /// A rollup over these stores; <paramref name="files"/> replaces the landed files' view (a faulty one, say), and
    /// <paramref name="rollupLock"/> the lock (one that gives up at once, say).
    /// </summary>
    public UsageRollup Rollup(ILandedFiles? files = null, IWorkLock? rollupLock = null) =>
        new(Marks, files ?? new InMemoryLandedFiles(Landing), Jobs, Usage, rollupLock ?? Lock, Calendar);

    /// <summary>
    /// Ingests <paramref name="bodies"/> as one batch of partition 0, enqueued at <paramref name="enqueued"/> (job events
    /// are filed under the hour they arrive in), numbered from <paramref name="firstSequence"/>.
    /// </summary>
    public Task<IngestResult> IngestAtAsync(DateTimeOffset enqueued, TelemetryStream stream, long firstSequence, params byte[][] bodies) =>
        new IngestPipeline(Landing, Marks).IngestAsync(
            new EventBatch(stream, "0", bodies.Select((b, i) => new RawEvent(b, firstSequence + i, enqueued)).ToArray()),
            CancellationToken.None
        );
}
