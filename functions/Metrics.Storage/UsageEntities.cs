namespace Metrics.Storage;

/// <summary>
/// The billing tables' rows and their properties, in one place: each usage record to its Table entity and back. Hourly,
/// daily and monthly lines share their property names, so the tables read alike; figures are exact decimal strings
/// (<see cref="TableProperties"/>). Keys are in docs/billing.md.
/// </summary>
internal static class UsageEntities
{
    private const string Institution = "Institution";
    private const string GpuModel = "GpuModel";
    private const string AccountName = "Account";
    private const string Jobs = "Jobs";
    private const string Month = "Month";
    private const string GpuSeconds = "GpuSeconds";
    private const string CpuCoreSeconds = "CpuCoreSeconds";
    private const string ActiveGpuSeconds = "ActiveGpuSeconds";
    private const string ObservedGpuSeconds = "ObservedGpuSeconds";
    private const string Cluster = "Cluster";
    private const string JobId = "JobId";
    private const string RunStart = "RunStart";
    private const string BilledTicks = "BilledTicks";

    public static TableEntity Hour(string partitionKey, HourlyUsage l)
    {
        TableEntity row = Line(partitionKey, l.Key, l.Seconds);
        row[Jobs] = l.Jobs;
        return row;
    }

    public static HourlyUsage Hour(TableEntity e, DateTimeOffset hour)
    {
        LineFields l = LineOf(e);
        return new(hour, l.Institution, l.GpuModel, l.Account, e.GetInt32(Jobs) ?? 0, l.Seconds);
    }

    public static TableEntity Day(string partitionKey, DailyUsage l) => Line(partitionKey, l.Key, l.Seconds);

    public static DailyUsage Day(TableEntity e, DateOnly day)
    {
        LineFields l = LineOf(e);
        return new(day, l.Institution, l.GpuModel, l.Account, l.Seconds);
    }

    /// <summary>A month's line, or an account's part of it, under its own key: the by-month and by-account tables alike.</summary>
    public static TableEntity MonthLine(string partitionKey, MonthlyUsage l)
    {
        TableEntity row = Line(partitionKey, l.Key, l.Seconds);
        row[Month] = l.Month.ToString();
        row[Jobs] = l.Jobs;
        return row;
    }

    public static MonthlyUsage MonthLine(TableEntity e, BillingMonth month)
    {
        LineFields l = LineOf(e);
        return new(month, l.Institution, l.GpuModel, l.Account, e.GetInt32(Jobs) ?? 0, l.Seconds);
    }

    /// <summary>A run's usage in one period (<c>jobhours</c>, <c>jobmonths</c>).</summary>
    public static TableEntity Run(string partitionKey, string rowKey, JobUsageChange c, JobUsage usage) =>
        new(partitionKey, rowKey)
        {
            [Cluster] = c.Cluster,
            [JobId] = c.JobId,
            [RunStart] = c.RunStart,
            [Institution] = usage.Institution,
            [GpuModel] = usage.GpuModel,
            [AccountName] = usage.Account,
            [BilledTicks] = usage.Billed.Ticks,
            [GpuSeconds] = TableProperties.Decimal(usage.GpuSeconds),
            [CpuCoreSeconds] = TableProperties.Decimal(usage.CpuCoreSeconds),
        };

    public static JobUsage Run(TableEntity e) =>
        new(
            TableProperties.Required(e, Cluster),
            TableProperties.Required(e, JobId),
            e.GetDateTimeOffset(RunStart)
                ?? throw new InvalidDataException($"Job usage row {e.PartitionKey}/{e.RowKey} has no {RunStart}."),
            TableProperties.Required(e, Institution),
            TableProperties.Required(e, GpuModel),
            TimeSpan.FromTicks(e.GetInt64(BilledTicks) ?? 0),
            TableProperties.Decimal(e, GpuSeconds),
            TableProperties.Decimal(e, CpuCoreSeconds),
            Account(e)
        );

    /// <summary>A usage line's row, whatever its period: the same properties, so that the tables read alike.</summary>
    private static TableEntity Line(string partitionKey, UsageKey key, UsageSeconds seconds) =>
        new(partitionKey, key.RowKey)
        {
            [Institution] = key.Institution,
            [GpuModel] = key.GpuModel,
            [AccountName] = key.Account,
            [GpuSeconds] = TableProperties.Decimal(seconds.Gpu),
            [CpuCoreSeconds] = TableProperties.Decimal(seconds.CpuCore),
            [ActiveGpuSeconds] = TableProperties.Decimal(seconds.ActiveGpu),
            [ObservedGpuSeconds] = TableProperties.Decimal(seconds.ObservedGpu),
        };

    /// <summary>What every usage line stores under the same names, whatever its period.</summary>
    private static LineFields LineOf(TableEntity e) =>
        new(
            TableProperties.Required(e, Institution),
            TableProperties.Required(e, GpuModel),
            Account(e),
            new UsageSeconds(
                TableProperties.Decimal(e, GpuSeconds),
                TableProperties.Decimal(e, CpuCoreSeconds),
                TableProperties.Decimal(e, ActiveGpuSeconds),
                TableProperties.Decimal(e, ObservedGpuSeconds)
            )
        );

    /// <summary>The account (project) a row is about; rows written before accounts were kept have none.</summary>
    private static string Account(TableEntity e) => e.GetString(AccountName) ?? string.Empty;

    private readonly record struct LineFields(string Institution, string GpuModel, string Account, UsageSeconds Seconds);
}
