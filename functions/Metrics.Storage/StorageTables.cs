namespace Metrics.Storage;

/// <summary>
/// Table names used by the pipeline. Infrastructure (infra/) creates the same names. Keys are documented in docs/billing.md.
/// </summary>
public static class StorageTables
{
    /// <summary>
    /// The marks (<see cref="TableWorkMarks"/>): PartitionKey = kind, RowKey = UTC hour <c>yyyyMMddHH</c>, billing day
    /// <c>yyyy-MM-dd</c> or month <c>yyyy-MM</c>.
    /// </summary>
    public const string WorkMarks = "workmarks";

    /// <summary>The CLI's local event hub: next sequence number per (stream, partition).</summary>
    public const string Sequences = "ehsequences";

    /// <summary>Per-job billing state: PartitionKey = cluster, RowKey = job id.</summary>
    public const string JobStates = "jobstates";

    /// <summary>Each job's usage per UTC hour: PartitionKey = hour, RowKey = <c>cluster|jobId</c>.</summary>
    public const string JobHours = "jobhours";

    /// <summary>Each job's usage per billing month: PartitionKey = month, RowKey = <c>cluster|jobId</c>.</summary>
    public const string JobMonths = "jobmonths";

    /// <summary>
    /// Hourly usage lines: PartitionKey = UTC hour, RowKey = <c>institution|model|account</c> (see <see
    /// cref="Metrics.Core.Usage.UsageKey.RowKey"/>).
    /// </summary>
    public const string HourlyUsage = "hourlyusage";

    /// <summary>
    /// Daily usage lines, the month's partial sums: PartitionKey = billing day <c>yyyy-MM-dd</c>, RowKey =
    /// <c>institution|model|account</c>.
    /// </summary>
    public const string DailyUsage = "dailyusage";

    /// <summary>
    /// Monthly usage: PartitionKey = month, RowKey = <c>institution|model</c>. Finance's month is one partition, one
    /// institution's month a RowKey range of it, and its history that range in each month's partition.
    /// </summary>
    public const string MonthlyUsage = "monthlyusage";

    /// <summary>
    /// Monthly usage by project: PartitionKey = month, RowKey = <c>institution|model|account</c> (<c>institution|model</c>
    /// for usage no job's account holds). The parts of each <see cref="MonthlyUsage"/> line, summed from the same days.
    /// </summary>
    public const string AccountUsage = "accountusage";

    /// <summary>Rate card: PartitionKey = <c>gpu</c> or <c>cpu</c>, RowKey = <c>model|yyyy-MM-dd</c> (<c>cpu|yyyy-MM-dd</c>).</summary>
    public const string RateCards = "ratecards";

    /// <summary>Compute vouchers as imported: PartitionKey = institution, RowKey = voucher id.</summary>
    public const string Vouchers = "vouchers";

    /// <summary>Allocations as imported: PartitionKey = <c>a</c>, RowKey = allocation id.</summary>
    public const string Allocations = "allocations";

    /// <summary>Allocation threshold events, once each for ever: PartitionKey = <c>e</c>, RowKey = <c>allocation:basis:pct</c>.</summary>
    public const string AllocationEvents = "allocationevents";

    /// <summary>Queued units whose last attempt failed: PartitionKey = kind (<c>compact-gpu</c>, ...), RowKey = the unit's key.</summary>
    public const string UnitFailures = "unitfailures";

    /// <summary>
    /// GPU model names landed without a catalogue entry: PartitionKey = stream, RowKey = the name as sent; rows and when
    /// first and last seen.
    /// </summary>
    public const string UnknownModels = "unknownmodels";

    public static readonly IReadOnlyList<string> All =
    [
        WorkMarks,
        Sequences,
        JobStates,
        JobHours,
        JobMonths,
        HourlyUsage,
        DailyUsage,
        MonthlyUsage,
        AccountUsage,
        RateCards,
        Vouchers,
        Allocations,
        AllocationEvents,
        UnitFailures,
        UnknownModels,
    ];
}
