using Metrics.Core.Ledger;

namespace Metrics.Storage;

/// <summary>Wires the billing core to its Azure storage adapters; used by the Functions app and the CLI alike.</summary>
public static class BillingStorage
{
    /// <summary>
    /// The rollup, its hours read by units on queue <c>rollup-units</c>. <paramref name="drain"/> runs them to the end
    /// before the hours are written (<see cref="DrainHere"/>; the CLI's <c>--workers</c>); without it, the
    /// queue-triggered function runs them and a later run writes each hour (the timer function).
    /// </summary>
    public static UsageRollup CreateRollup(
        StorageClients clients,
        BillingCalendar calendar,
        TimeProvider timeProvider,
        Func<QueuedHours, CancellationToken, Task<UnitWorkerResult>>? drain,
        int maxSamplesInMemory = ObservedHourReader.DefaultMaxSamplesInMemory,
        Metrics.Core.Observability.PipelineMetrics? metrics = null
    )
    {
        ArgumentNullException.ThrowIfNull(clients);
        return new UsageRollup(
            new TableWorkMarks(clients.Tables, timeProvider),
            new BlobLandedFiles(clients.Blobs),
            new TableJobStateStore(clients.Tables),
            new TableUsageStore(clients.Tables),
            new BlobWorkLock(clients.Blobs),
            calendar
        )
        {
            MaxSamplesInMemory = maxSamplesInMemory,
            Queued = CreateQueuedHours(clients, calendar, timeProvider, maxSamplesInMemory),
            Drain = drain,
            Runs = new BlobRollupRuns(clients.Blobs, timeProvider),
            Time = timeProvider,
            Metrics = metrics ?? Metrics.Core.Observability.PipelineMetrics.Shared,
        };
    }

    /// <summary>The rollup that runs its own units to the end, in this process (<see cref="DrainHere"/>).</summary>
    public static UsageRollup CreateRollupHere(StorageClients clients, BillingCalendar calendar, TimeProvider timeProvider) =>
        CreateRollup(clients, calendar, timeProvider, DrainHere(clients, timeProvider));

    /// <summary>The rollup's queued hour phase (<see cref="QueuedHours"/>): units on <c>rollup-units</c>, results in blobs.</summary>
    public static QueuedHours CreateQueuedHours(
        StorageClients clients,
        BillingCalendar calendar,
        TimeProvider timeProvider,
        int maxSamplesInMemory = ObservedHourReader.DefaultMaxSamplesInMemory
    )
    {
        ArgumentNullException.ThrowIfNull(clients);
        return new QueuedHours(
            new BlobLandedFiles(clients.Blobs),
            new TableUsageStore(clients.Tables),
            new BlobHourShardResults(clients.Blobs),
            new QueueWorkQueue(clients, QueueWorkQueue.RollupUnits),
            (new TableWorkMarks(clients.Tables, timeProvider), calendar),
            timeProvider
        )
        {
            MaxSamplesInMemory = maxSamplesInMemory,
            Jobs = (new TableJobStateStore(clients.Tables), new BlobJobPlans(clients.Blobs)),
        };
    }

    /// <summary>
    /// Runs the rollup's units in this process until none is left, waiting for those other workers hold and taking
    /// over any whose worker died: what <c>metrics rollup</c>, <c>metrics worker</c> and the month close do, as one
    /// instance would. Failures are recorded in table <c>unitfailures</c>.
    /// </summary>
    public static Func<QueuedHours, CancellationToken, Task<UnitWorkerResult>> DrainHere(
        StorageClients clients,
        TimeProvider timeProvider
    ) =>
        (queued, cancellationToken) =>
            new UnitWorker(queued.Queue, CompactionStorage.Runner(clients, timeProvider)).RunUntilDrainedAsync(
                async (unit, token) => await queued.RunUnitAsync(unit, token).ConfigureAwait(false),
                cancellationToken
            );

    /// <summary>
    /// What <c>metrics status</c> shows: pending marks, the last rollup, recent dead letters, closed months; months are
    /// overdue <paramref name="closeGrace"/> after they end (default: the month close's default grace).
    /// </summary>
    public static Metrics.Core.Operations.StatusQuery CreateStatusQuery(
        StorageClients clients,
        BillingCalendar calendar,
        TimeProvider timeProvider,
        TimeSpan? closeGrace = null
    )
    {
        ArgumentNullException.ThrowIfNull(clients);
        return new Metrics.Core.Operations.StatusQuery(
            new TableWorkMarks(clients.Tables, timeProvider),
            new BlobRollupRuns(clients.Blobs, timeProvider),
            new BlobDeadLetterCounts(clients.Blobs),
            new BlobStatementStore(clients.Blobs),
            new BlobLandedHours(clients.Blobs),
            calendar,
            timeProvider
        )
        {
            UnknownModels = new TableUnknownModelLog(clients.Tables),
            Catalogue = new BlobGpuModelStore(clients.Blobs),
            Usage = new TableUsageStore(clients.Tables),
            CloseGrace = closeGrace ?? MonthClose.DefaultGrace,
            Allocations = CreateAllocationStandings(clients, calendar, timeProvider),
            UnitFailures = new TableUnitFailures(clients.Tables),
        };
    }

    /// <summary>Allocations as they stand, from the billing tables, the rate card and the threshold events.</summary>
    public static Metrics.Core.Allocations.AllocationStandings CreateAllocationStandings(
        StorageClients clients,
        BillingCalendar calendar,
        TimeProvider timeProvider
    )
    {
        ArgumentNullException.ThrowIfNull(clients);
        return new Metrics.Core.Allocations.AllocationStandings(
            new TableAllocationStore(clients.Tables),
            new TableUsageStore(clients.Tables),
            new TableRateCardStore(clients.Tables),
            new TableAllocationEventLog(clients.Tables),
            calendar,
            timeProvider
        );
    }

    /// <summary>The threshold watch the rollup runs after each pass: events recorded in the table, sent on the queue.</summary>
    public static Metrics.Core.Allocations.AllocationWatch CreateAllocationWatch(
        StorageClients clients,
        BillingCalendar calendar,
        TimeProvider timeProvider
    )
    {
        ArgumentNullException.ThrowIfNull(clients);
        return new Metrics.Core.Allocations.AllocationWatch(
            CreateAllocationStandings(clients, calendar, timeProvider),
            new TableAllocationEventLog(clients.Tables),
            new QueueAllocationEvents(clients),
            timeProvider
        );
    }

    public static UsageQuery CreateQuery(StorageClients clients, BillingCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(clients);
        return new UsageQuery(
            new TableUsageStore(clients.Tables),
            new TableRateCardStore(clients.Tables),
            new BlobStatementStore(clients.Blobs),
            new TableVoucherStore(clients.Tables),
            calendar
        );
    }

    /// <summary>What the statement pages show, from the same stores as <see cref="CreateQuery"/>.</summary>
    public static StatementQuery CreateStatementQuery(StorageClients clients, BillingCalendar calendar, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(clients);
        return new StatementQuery(
            CreateQuery(clients, calendar),
            new TableUsageStore(clients.Tables),
            new BlobStatementStore(clients.Blobs),
            new TableVoucherStore(clients.Tables),
            new BlobDeadLetterCounts(clients.Blobs),
            calendar,
            timeProvider
        );
    }

    public static MonthClose CreateMonthClose(StorageClients clients, BillingCalendar calendar, TimeProvider timeProvider, TimeSpan grace)
    {
        ArgumentNullException.ThrowIfNull(clients);
        return new MonthClose(
            // A close runs the units to the end itself: every hour landed so far is written before the month is frozen.
            CreateRollupHere(clients, calendar, timeProvider),
            CreateQuery(clients, calendar),
            new TableUsageStore(clients.Tables),
            new BlobStatementStore(clients.Blobs),
            new BlobWorkLock(clients.Blobs),
            calendar,
            timeProvider
        )
        {
            Grace = grace,
            Lake = new BlobLakeStore(clients.Blobs),
        };
    }

    /// <summary>Publishes months' usage lines into the lake (container <c>lake</c>, <c>usage/month=YYYY-MM/</c>).</summary>
    public static UsageLakePublisher CreateUsageLakePublisher(StorageClients clients, BillingCalendar calendar, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(clients);
        return new UsageLakePublisher(CreateQuery(clients, calendar), new BlobLakeStore(clients.Blobs), calendar, timeProvider);
    }
}
