namespace Metrics.Core.Statements;

/// <summary>
/// Closes billing months: brings the month's usage up to date (a rollup of everything pending), then freezes its priced
/// lines as the month's statement, under the rollup's lock so that no recompute is half written while they are read.
/// From then on the month is served from the statement, byte for byte, whatever arrives later. Used by
/// <c>metrics close</c> and by the timer that closes each month <see cref="Grace"/> after it ends.
/// </summary>
public sealed class MonthClose(
    UsageRollup rollup,
    UsageQuery query,
    IUsageStore usage,
    IStatementStore statements,
    IRollupLock rollupLock,
    BillingCalendar calendar,
    TimeProvider timeProvider
)
{
    /// <summary>
    /// Three days: late job ends and resent samples of the month's last hours have arrived by then (the rollup runs every
    /// few minutes), and finance can still invoice in the first week.
    /// </summary>
    public static readonly TimeSpan DefaultGrace = TimeSpan.FromDays(3);

    /// <summary>How long after a month ends the timer closes it.</summary>
    public TimeSpan Grace { get; init; } = DefaultGrace;

    /// <summary>The month the timer closes at <paramref name="now"/>: the latest whose end is at least <see cref="Grace"/> ago.</summary>
    public BillingMonth DueMonth(DateTimeOffset now)
    {
        BillingMonth month = calendar.MonthOf(now - Grace);
        return month.Previous();
    }

    /// <summary>Closes the month that is due now, if it is still open.</summary>
    public Task<MonthCloseResult> CloseDueAsync(CancellationToken cancellationToken) =>
        CloseAsync(DueMonth(timeProvider.GetUtcNow()), cancellationToken);

    public async Task<MonthCloseResult> CloseAsync(BillingMonth month, CancellationToken cancellationToken)
    {
        DateTimeOffset end = calendar.EndUtc(month);
        if (timeProvider.GetUtcNow() < end)
        {
            return new MonthCloseResult(MonthCloseOutcome.NotEnded, month) { EndsAt = end };
        }

        if (await statements.ReadAsync(month, cancellationToken).ConfigureAwait(false) is { } existing)
        {
            return new MonthCloseResult(MonthCloseOutcome.AlreadyClosed, month) { Statement = existing };
        }

        // Everything landed so far counts in the statement; what lands later is late data.
        RollupResult rolled = await rollup.RunPendingAsync(cancellationToken).ConfigureAwait(false);
        RollupFailure[] blocking = rolled.Failures.Where(f => Concerns(f, month)).ToArray();
        if (blocking.Length > 0)
        {
            return new MonthCloseResult(MonthCloseOutcome.RollupFailed, month) { Failures = blocking };
        }

        await using IRollupLease lease = await rollupLock.AcquireAsync(UsageRollup.LockWait, cancellationToken).ConfigureAwait(false);
        using var work = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lease.Lost);
        UsageReport report = await query.ComputeAsync(month, institution: null, work.Token).ConfigureAwait(false);
        IReadOnlyList<MonthlyUsage> accounts = await query.AccountsAsync(month, institution: null, work.Token).ConfigureAwait(false);
        // The days first, under their hash; then the statement that names them (see IStatementStore.WriteDaysAsync).
        StatementDays days = StatementDays.Freeze(
            month,
            await usage
                .ReadDaysAsync(month.FirstDay, month.Next().FirstDay, institution: null, work.Token)
                .ToListAsync(work.Token)
                .ConfigureAwait(false)
        );
        await statements.WriteDaysAsync(days, work.Token).ConfigureAwait(false);
        FrozenStatement statement = FrozenStatement.Freeze(report, accounts, timeProvider.GetUtcNow(), days.Sha256);
        if (!await statements.TryFreezeAsync(statement, work.Token).ConfigureAwait(false))
        {
            // Another close got there first: its statement stands.
            FrozenStatement winner =
                await statements.ReadAsync(month, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"The statement of {month} exists but cannot be read.");
            return new MonthCloseResult(MonthCloseOutcome.AlreadyClosed, month) { Statement = winner };
        }

        return new MonthCloseResult(MonthCloseOutcome.Closed, month) { Statement = statement };
    }

    /// <summary>
    /// Whether a failed unit of the rollup could leave the month's figures incomplete: a failed job hour always could (a
    /// job's events can change any month it ran in); an hour, day or month only if it lies in the month.
    /// </summary>
    private bool Concerns(RollupFailure failure, BillingMonth month)
    {
        if (failure.Kind == MarkKind.Jobs)
        {
            return true;
        }

        if (UtcHours.TryParseKey(failure.Key, out DateTimeOffset hour))
        {
            return calendar.MonthOf(hour) == month;
        }

        if (
            DateOnly.TryParseExact(
                failure.Key,
                "yyyy-MM-dd",
                System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.None,
                out DateOnly day
            )
        )
        {
            return new BillingMonth(day.Year, day.Month) == month;
        }

        return !BillingMonth.TryParse(failure.Key, out BillingMonth failed) || failed == month;
    }
}
