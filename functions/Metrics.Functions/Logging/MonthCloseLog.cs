namespace Metrics.Functions.Logging;

/// <summary>Structured month-close logs. EventIds 1300-1399 are stable and never reused.</summary>
internal static partial class MonthCloseLog
{
    public static void Outcome(ILogger logger, MonthCloseResult result)
    {
        switch (result.Outcome)
        {
            case MonthCloseOutcome.Closed:
                Closed(
                    logger,
                    result.Month.ToString(),
                    result.Statement!.Seal.StatementId,
                    result.Statement.Report.Lines.Count,
                    result.Statement.Seal.CsvSha256
                );
                break;
            case MonthCloseOutcome.AlreadyClosed:
                AlreadyClosed(logger, result.Month.ToString(), result.Statement!.Seal.StatementId);
                break;
            case MonthCloseOutcome.RollupFailed:
                foreach (UnitFailure failure in result.Failures)
                {
                    KeptOpen(logger, result.Month.ToString(), failure.ToString());
                }

                break;
            case MonthCloseOutcome.EarlierMonthOpen:
                EarlierOpen(logger, result.Month.ToString(), result.EarlierOpen.ToString()!);
                break;
            case MonthCloseOutcome.Unpriced:
                foreach (UnpricedLines unpriced in result.Unpriced)
                {
                    Unpriced(logger, result.Month.ToString(), unpriced.ToString());
                }

                break;
            default:
                // The timer only asks for months that have ended; nothing to say about one that has not.
                break;
        }
    }

    [LoggerMessage(
        1300,
        LogLevel.Information,
        "Month {Month} closed: statement {StatementId}, {Lines} lines, CSV SHA-256 {Sha256}",
        EventName = "MonthClosed"
    )]
    private static partial void Closed(ILogger logger, string month, string statementId, int lines, string sha256);

    [LoggerMessage(1301, LogLevel.Debug, "Month {Month} is already closed (statement {StatementId})", EventName = "MonthAlreadyClosed")]
    private static partial void AlreadyClosed(ILogger logger, string month, string statementId);

    [LoggerMessage(
        1302,
        LogLevel.Error,
        "Month {Month} stays open: the rollup failed for {Failure}; the next tick tries again",
        EventName = "MonthKeptOpen"
    )]
    private static partial void KeptOpen(ILogger logger, string month, string failure);

    [LoggerMessage(
        1304,
        LogLevel.Error,
        "Month {Month} stays open: {Unpriced}; import the rate and the next tick closes it",
        EventName = "MonthUnpriced"
    )]
    private static partial void Unpriced(ILogger logger, string month, string unpriced);

    [LoggerMessage(
        1305,
        LogLevel.Error,
        "Month {Month} stays open: {EarlierMonth} has usage and is not closed; months close in order",
        EventName = "MonthEarlierOpen"
    )]
    private static partial void EarlierOpen(ILogger logger, string month, string earlierMonth);

    [LoggerMessage(1303, LogLevel.Information, "Month close skipped: {Reason}", EventName = "MonthCloseLockBusy")]
    public static partial void LockBusy(ILogger logger, string reason);
}
