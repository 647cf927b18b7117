namespace Metrics.Functions;

/// <summary>Function names. Checkpoints, logs and alerts key off them: never rename one casually.</summary>
public static class FunctionNames
{
    public const string GpuTelemetryIngest = nameof(GpuTelemetryIngest);
    public const string JobEventsIngest = nameof(JobEventsIngest);
    public const string UsageRollup = nameof(UsageRollup);
    public const string RollupHourShard = nameof(RollupHourShard);
    public const string GetUsage = nameof(GetUsage);
    public const string GetCentreOverview = nameof(GetCentreOverview);
    public const string GetInstitutionStatement = nameof(GetInstitutionStatement);
    public const string LandedCompaction = nameof(LandedCompaction);
    public const string CompactHour = nameof(CompactHour);
    public const string MonthClose = nameof(MonthClose);
    public const string CloseMonth = nameof(CloseMonth);
    public const string ListVouchers = nameof(ListVouchers);
    public const string ImportVouchers = nameof(ImportVouchers);
    public const string ListAllocations = nameof(ListAllocations);
    public const string ImportAllocations = nameof(ImportAllocations);
    public const string GetAudit = nameof(GetAudit);
    public const string GetStatus = nameof(GetStatus);
    public const string ExportUsage = nameof(ExportUsage);
}
