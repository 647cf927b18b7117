namespace Metrics.Functions.Billing;

/// <summary>
/// Daily (<c>%MonthCloseSchedule%</c>): closes every open month, oldest first, up to the last one whose
/// <c>MonthCloseGraceDays</c> have passed since it ended in the billing time zone (<see cref="MonthClose.CloseDueAsync"/>).
/// Closing is idempotent, so every tick after that is a no-op. Each tick records how many months it left overdue.
/// </summary>
public sealed class MonthCloseTimer(
    MonthClose close,
    ILogger<MonthCloseTimer> logger,
    Metrics.Core.Observability.PipelineMetrics? metrics = null,
    IAuditLog? audit = null,
    TimeProvider? time = null
)
{
    [Function(FunctionNames.MonthClose)]
    public async Task RunAsync([TimerTrigger("%MonthCloseSchedule%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        // Under a long rollup's lock the month stays open until the next tick.
        await LockedTick
            .RunAsync(
                async token =>
                {
                    MonthCloseResult result = await close.CloseDueAsync(token).ConfigureAwait(false);
                    await AuditTrail
                        .RecordAsync(
                            audit,
                            Core.Audit.AuditRecord.ForClose((time ?? TimeProvider.System).GetUtcNow(), "the MonthClose timer", result),
                            token
                        )
                        .ConfigureAwait(false);
                    return result;
                },
                outcome =>
                {
                    MonthCloseLog.Outcome(logger, outcome);
                    // What the alert month-close-overdue watches.
                    (metrics ?? Metrics.Core.Observability.PipelineMetrics.Shared).MonthsOverdue(close.MonthsOverdue(outcome));
                },
                busy => MonthCloseLog.LockBusy(logger, busy),
                cancellationToken
            )
            .ConfigureAwait(false);
    }
}
