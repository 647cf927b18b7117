namespace Metrics.Functions.Logging;

/// <summary>Structured compaction logs. EventIds 1200-1299 are stable and never reused.</summary>
internal static partial class CompactionLog
{
    public static void Completed(ILogger logger, CompactionResult result)
    {
        IReadOnlyList<HourCompaction> hours = result.Hours;
        Completed(
            logger,
            hours.Count(h => h.Sources > 0),
            hours.Sum(h => h.Sources),
            hours.Sum(h => h.RowsIn - h.RowsOut),
            hours.Sum(h => h.BytesIn),
            hours.Sum(h => h.BytesOut),
            result.NotYetDue,
            result.Failures.Count
        );
        foreach (UnitFailure failure in result.Failures)
        {
            HourFailed(logger, failure.Kind.ToString().ToLowerInvariant(), failure.Key, failure.ExceptionType, failure.Message);
        }
    }

    [LoggerMessage(
        1200,
        LogLevel.Information,
        "Compaction rewrote {StreamHours} stream-hours from {Sources} files, dropped {Replays} replayed rows, {BytesIn} bytes to "
            + "{BytesOut}; {NotYetDue} hours not yet due; {Failed} failed",
        EventName = "CompactionCompleted"
    )]
    private static partial void Completed(
        ILogger logger,
        int streamHours,
        int sources,
        long replays,
        long bytesIn,
        long bytesOut,
        int notYetDue,
        int failed
    );

    [LoggerMessage(
        1201,
        LogLevel.Error,
        "Compaction could not complete {Kind} {Key}: {ExceptionType}: {ExceptionMessage}; its mark is kept, its files stay readable "
            + "as landed, the next run retries it",
        EventName = "CompactionHourFailed"
    )]
    private static partial void HourFailed(ILogger logger, string kind, string key, string exceptionType, string exceptionMessage);

    [LoggerMessage(1202, LogLevel.Information, "Compaction skipped: {Reason}", EventName = "CompactionLockBusy")]
    public static partial void LockBusy(ILogger logger, string reason);

    public static void Planned(ILogger logger, CompactionPlan plan)
    {
        Planned(logger, plan.Units.Count, plan.NotYetDue, plan.Invalid.Count);
        foreach (UnitFailure failure in plan.Invalid)
        {
            HourFailed(logger, failure.Kind.ToString().ToLowerInvariant(), failure.Key, failure.ExceptionType, failure.Message);
        }
    }

    [LoggerMessage(
        1203,
        LogLevel.Information,
        "Compaction planned {Units} stream-hours on queue compaction-units; {NotYetDue} hours not yet due; {Invalid} marks name no hour",
        EventName = "CompactionPlanned"
    )]
    private static partial void Planned(ILogger logger, int units, int notYetDue, int invalid);

    public static void UnitDone(ILogger logger, string unit, HourCompaction? done)
    {
        if (done is null)
        {
            UnitNothingLeft(logger, unit);
        }
        else
        {
            UnitCompacted(logger, unit, done.Sources, done.RowsIn - done.RowsOut, done.BytesIn, done.BytesOut);
        }
    }

    [LoggerMessage(
        1204,
        LogLevel.Information,
        "Compaction unit {Unit} rewrote {Sources} files, dropped {Replays} replayed rows, {BytesIn} bytes to {BytesOut}",
        EventName = "CompactionUnitDone"
    )]
    private static partial void UnitCompacted(ILogger logger, string unit, int sources, long replays, long bytesIn, long bytesOut);

    [LoggerMessage(
        1205,
        LogLevel.Information,
        "Compaction unit {Unit} had nothing left to do: its mark was cleared by an earlier run of it",
        EventName = "CompactionUnitNothingLeft"
    )]
    private static partial void UnitNothingLeft(ILogger logger, string unit);

    [LoggerMessage(
        1206,
        LogLevel.Error,
        "Compaction queue message {MessageId} is no work unit and is dropped: {Reason}",
        EventName = "CompactionUnitUnreadable"
    )]
    public static partial void UnitUnreadable(ILogger logger, string messageId, string reason);

    [LoggerMessage(
        1207,
        LogLevel.Error,
        "Compaction unit {Unit} failed its last attempt ({Attempts}) and goes to compaction-units-poison: {ExceptionType}: "
            + "{ExceptionMessage}; its mark is kept, metrics status lists it",
        EventName = "CompactionUnitPoisoned"
    )]
    public static partial void UnitPoisoned(ILogger logger, string unit, long attempts, string exceptionType, string exceptionMessage);
}
