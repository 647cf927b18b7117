namespace Metrics.Cli.Commands;

/// <summary>
/// <c>metrics close --month YYYY-MM</c>: rolls up what is pending, then freezes the month's statement. Exit 0 when the
/// month is closed (now or before), 2 when it has not ended, 1 when the rollup failed for work that concerns it.
/// </summary>
internal static class CloseCommand
{
    public static Command Create(CliContext context)
    {
        Option<string> month = MonthOption.Create("Billing month to close, yyyy-MM, in the billing time zone.");

        var command = new Command("close", "Close a billing month: bring its usage up to date, then freeze its statement for good.")
        {
            month,
        };
        command.SetAction((result, cancellationToken) => RunAsync(context, result, month, cancellationToken));
        return command;
    }

    /// <summary>Why the month stays open, on stderr: an earlier month open, lines unpriced, or the rollup failing.</summary>
    private static async Task StaysOpenAsync(CliContext context, BillingMonth m, MonthCloseResult done)
    {
        switch (done.Outcome)
        {
            case MonthCloseOutcome.EarlierMonthOpen:
                await context
                    .Error.WriteLineAsync(
                        $"metrics close: {m} stays open: {done.EarlierOpen} has usage and is not closed; months close in order, "
                            + $"close {done.EarlierOpen} first"
                    )
                    .ConfigureAwait(false);
                return;
            case MonthCloseOutcome.Unpriced:
                foreach (UnpricedLines unpriced in done.Unpriced)
                {
                    await context.Error.WriteLineAsync($"unpriced: {unpriced}").ConfigureAwait(false);
                }

                await context
                    .Error.WriteLineAsync(
                        $"metrics close: {m} stays open: {done.Unpriced.Sum(u => u.Lines)} line(s) have no price; import the "
                            + $"missing rates (metrics rates import; a free model at rate 0) and close again"
                    )
                    .ConfigureAwait(false);
                return;
            case MonthCloseOutcome.RollupFailed:
                foreach (UnitFailure failure in done.Failures)
                {
                    await context.Error.WriteLineAsync($"failed: {failure}").ConfigureAwait(false);
                }

                await context
                    .Error.WriteLineAsync(
                        $"metrics close: {m} stays open: the rollup failed for {done.Failures.Count} unit(s) of work that concern "
                            + $"it; fix them (metrics rollup) and close again"
                    )
                    .ConfigureAwait(false);
                return;
            default:
                return;
        }
    }

    /// <summary>What the close came to, on the CLI's two streams, and its exit code.</summary>
    private static async Task<int> ReportAsync(CliContext context, BillingMonth m, BillingCalendar calendar, MonthCloseResult done)
    {
        switch (done.Outcome)
        {
            case MonthCloseOutcome.NotEnded:
                DateTimeOffset end = done.EndsAt!.Value;
                await context
                    .Error.WriteLineAsync(
                        string.Create(
                            CultureInfo.InvariantCulture,
                            $"metrics close: {m} has not ended in {calendar.TimeZoneId}: it ends at "
                                + $"{TimeZoneInfo.ConvertTime(end, calendar.Zone):yyyy-MM-dd HH:mm} local "
                                + $"({end:yyyy-MM-ddTHH:mm}Z); a month can be closed only after it ends"
                        )
                    )
                    .ConfigureAwait(false);
                return ExitCodes.Usage;
            case MonthCloseOutcome.EarlierMonthOpen or MonthCloseOutcome.Unpriced or MonthCloseOutcome.RollupFailed:
                await StaysOpenAsync(context, m, done).ConfigureAwait(false);
                return ExitCodes.Failure;
            default:
                StatementSeal seal = done.Statement!.Seal;
                string verb = done.Outcome == MonthCloseOutcome.Closed ? "closed" : "already closed";
                await context
                    .Out.WriteLineAsync(
                        string.Create(
                            CultureInfo.InvariantCulture,
                            $"{m} {verb} at {seal.ClosedAt:yyyy-MM-ddTHH:mm:ss}Z: statement {seal.StatementId}, "
                                + $"{done.Statement.Report.Lines.Count} line(s), csv sha256 {seal.CsvSha256}"
                        )
                    )
                    .ConfigureAwait(false);
                return ExitCodes.Success;
        }
    }

    private static async Task<int> RunAsync(
        CliContext context,
        ParseResult result,
        Option<string> month,
        CancellationToken cancellationToken
    )
    {
        BillingMonth m = MonthOption.Value(result, month);
        BillingCalendar calendar = context.CreateCalendar();
        MonthClose close = BillingStorage.CreateMonthClose(
            context.CreateStorage(),
            calendar,
            context.TimeProvider,
            MonthClose.DefaultGrace
        );
        MonthCloseResult done = await close.CloseAsync(m, cancellationToken).ConfigureAwait(false);
        await new BlobAuditLog(context.CreateStorage().Blobs)
            .AppendAsync(Core.Audit.AuditRecord.ForClose(context.TimeProvider.GetUtcNow(), CliAudit.Who, done), cancellationToken)
            .ConfigureAwait(false);
        return await ReportAsync(context, m, calendar, done).ConfigureAwait(false);
    }
}
