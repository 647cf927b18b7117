using Metrics.Core.Billing;
using Microsoft.Extensions.Logging;

namespace Metrics.Functions.Logging;

/// <summary>Structured rollup logs. EventIds 1100-1199 are stable and never reused.</summary>
internal static partial class RollupLog
{
    public static void Completed(ILogger logger, RollupResult result) =>
        Completed(logger, result.JobHoursRead, result.JobsChanged, result.HoursRecomputed, result.MonthsRecomputed, result.MarksKeptForNextRun);

    [LoggerMessage(EventId = 1100, EventName = "RollupCompleted", Level = LogLevel.Information,
        Message = "Rollup read {JobHours} job hours, changed {Jobs} jobs, recomputed {Hours} hours and {Months} months; {Kept} marks kept for the next run")]
    private static partial void Completed(ILogger logger, int jobHours, int jobs, int hours, int months, int kept);

    [LoggerMessage(EventId = 1101, EventName = "RollupPastDue", Level = LogLevel.Warning, Message = "Rollup timer is past due; running now")]
    public static partial void PastDue(ILogger logger);

    [LoggerMessage(EventId = 1102, EventName = "RollupLockBusy", Level = LogLevel.Information, Message = "Rollup skipped: {Reason}")]
    public static partial void LockBusy(ILogger logger, string reason);
}
