using Metrics.Core.Ledger;

namespace Metrics.Storage;

/// <summary>Wires the billing core to its Azure storage adapters; used by the Functions app and the CLI alike.</summary>
public static class BillingStorage
{
    public static UsageRollup CreateRollup(
        StorageClients clients,
        BillingCalendar calendar,
        TimeProvider timeProvider,
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
            Runs = new BlobRollupRuns(clients.Blobs, timeProvider),
            Time = timeProvider,
            Metrics = metrics ?? Metrics.Core.Observability.PipelineMetrics.Shared,
        };
    }

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
            CreateRollup(clients, calendar, timeProvider),
            CreateQuery(clients, calendar),
            new TableUsageStore(clients.Tables),
            new BlobStatementStore(clients.Blobs),
            new BlobWorkLock(clients.Blobs),
            calendar,
            timeProvider
        )
        {
            Grace = grace,
        };
    }
}
