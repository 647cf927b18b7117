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
}
