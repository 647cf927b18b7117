namespace Metrics.Functions.Logging;

/// <summary>Structured rollup logs. EventIds 1100-1199 are stable and never reused.</summary>
internal static partial class RollupLog
{
    public static void Completed(ILogger logger, RollupResult result)
    {
        Completed(
            logger,
            result.JobHoursRead,
            result.JobsChanged,
            result.HoursRecomputed,
            result.MonthsRecomputed,
            result.MarksKeptForNextRun,
            result.FailedHours,
            result.FailedMonths
        );
        foreach (UnitFailure failure in result.Failures)
        {
            UnitFailed(logger, failure.Kind.ToString().ToLowerInvariant(), failure.Key, failure.ExceptionType, failure.Message);
        }
    }

    [LoggerMessage(
        1100,
        LogLevel.Information,
        "Rollup read {JobHours} job hours, changed {Jobs} jobs, recomputed {Hours} hours and {Months} months; {Kept} marks kept for "
            + "the next run; {FailedHours} hours and {FailedMonths} months failed",
        EventName = "RollupCompleted"
    )]
    private static partial void Completed(
        ILogger logger,
        int jobHours,
        int jobs,
        int hours,
        int months,
        int kept,
        int failedHours,
        int failedMonths
    );

    public static void AllocationsWatched(ILogger logger, Metrics.Core.Allocations.AllocationWatchResult result) =>
        AllocationsWatched(logger, result.Watched, result.Crossed, result.Sent, result.AtRisk, result.Exhausted);

    [LoggerMessage(
        1104,
        LogLevel.Information,
        "Allocations watched: {Watched}; {Crossed} thresholds crossed, {Sent} events sent; {AtRisk} at risk, {Exhausted} exhausted",
        EventName = "AllocationsWatched"
    )]
    private static partial void AllocationsWatched(ILogger logger, int watched, int crossed, int sent, int atRisk, int exhausted);

    [LoggerMessage(
        1103,
        LogLevel.Error,
        "Rollup could not complete {Kind} {Key}: {ExceptionType}: {ExceptionMessage}; its mark is kept and the next run retries it, "
            + "every other unit completed",
        EventName = "RollupUnitFailed"
    )]
    private static partial void UnitFailed(ILogger logger, string kind, string key, string exceptionType, string exceptionMessage);

    [LoggerMessage(1101, LogLevel.Warning, "Rollup timer is past due; running now", EventName = "RollupPastDue")]
    public static partial void PastDue(ILogger logger);

    [LoggerMessage(1102, LogLevel.Information, "Rollup skipped: {Reason}", EventName = "RollupLockBusy")]
    public static partial void LockBusy(ILogger logger, string reason);

    [LoggerMessage(1105, LogLevel.Information, "Rollup unit {Unit} {Outcome}", EventName = "RollupUnitDone")]
    public static partial void UnitDone(ILogger logger, string unit, string outcome);

    [LoggerMessage(
        1106,
        LogLevel.Error,
        "Rollup queue message {MessageId} is no rollup unit and is dropped: {Reason}",
        EventName = "RollupUnitUnreadable"
    )]
    public static partial void UnitUnreadable(ILogger logger, string messageId, string reason);

    [LoggerMessage(
        1107,
        LogLevel.Error,
        "Rollup unit {Unit} failed its last attempt ({Attempts}) and goes to rollup-units-poison: {ExceptionType}: "
            + "{ExceptionMessage}; its hour keeps its marks, metrics status lists it, and the plan queues it again later",
        EventName = "RollupUnitPoisoned"
    )]
    public static partial void UnitPoisoned(ILogger logger, string unit, long attempts, string exceptionType, string exceptionMessage);
}
