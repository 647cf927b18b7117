using Metrics.Core.Lake;
using Metrics.Core.Ports;
using Metrics.Core.Reports;
using Metrics.Core.Rollup;
using Metrics.Core.Usage;
using Metrics.Core.Work;

namespace Metrics.Core.Ledger;

/// <summary>
/// Closes billing months: brings the month's usage up to date (a rollup of everything pending), then freezes its priced
/// lines as the month's statement, under the rollup's lock so that no recompute is half written while they are read.
/// From then on the month is served from the statement, byte for byte, whatever arrives later. A month with a line
/// that has no price is not closed (<see cref="MonthCloseOutcome.Unpriced"/>): frozen, it could never be billed. Nor is a
/// month while an earlier month with usage is open (<see cref="MonthCloseOutcome.EarlierMonthOpen"/>): a voucher's
/// balance is its amount less the credits of the months closed before, so months close in order. Used by
/// <c>metrics close</c> and by the timer that closes each month <see cref="Grace"/> after it ends.
/// </summary>
public sealed class MonthClose(
    UsageRollup rollup,
    UsageQuery query,
    IUsageStore usage,
    IStatementStore statements,
    IWorkLock rollupLock,
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
    public BillingMonth DueMonth(DateTimeOffset now) => DueMonth(calendar, now, Grace);

    /// <summary>
    /// The latest month whose end, in <paramref name="calendar"/>'s zone, is at least <paramref name="grace"/> before
    /// <paramref name="now"/>: the timer's due month, and where <c>metrics status</c> counts overdue months up to.
    /// </summary>
    public static BillingMonth DueMonth(BillingCalendar calendar, DateTimeOffset now, TimeSpan grace)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        return calendar.MonthOf(now - grace).Previous();
    }

    /// <summary>Where a closed month's usage lines are published (<see cref="UsageLake"/>); null: nowhere.</summary>
    public ILakeStore? Lake { get; init; }

    /// <summary>
    /// Closes every open month up to the one due now, oldest first, and stops at the first that stays open (its result is
    /// returned): the timer never skips a month, and a month that cannot close holds back the later ones, as a person's
    /// close would be held back.
    /// </summary>
    public async Task<MonthCloseResult> CloseDueAsync(CancellationToken cancellationToken)
    {
        BillingMonth due = DueMonth(timeProvider.GetUtcNow());
        // Up to date first, so that a month whose usage is still pending is seen as open; its failures are each close's.
        await rollup.RunPendingAsync(cancellationToken).ConfigureAwait(false);
        while (true)
        {
            BillingMonth? closed = await LatestClosedBeforeAsync(due.Next(), cancellationToken).ConfigureAwait(false);
            BillingMonth next =
                closed == due ? due : await usage.EarliestMonthWithUsageAsync(closed, due, cancellationToken).ConfigureAwait(false) ?? due;
            MonthCloseResult result = await CloseAsync(next, cancellationToken).ConfigureAwait(false);
            if (next == due || result.Outcome is not (MonthCloseOutcome.Closed or MonthCloseOutcome.AlreadyClosed))
            {
                return result;
            }
        }
    }

    /// <summary>
    /// How many months up to the one due now <paramref name="result"/> of <see cref="CloseDueAsync"/> leaves open: 0 when
    /// it closed the due month (or found it closed), else every month from the one that stayed open to the due one.
    /// </summary>
    public int MonthsOverdue(MonthCloseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        BillingMonth due = DueMonth(timeProvider.GetUtcNow());
        if (result.Outcome is MonthCloseOutcome.Closed or MonthCloseOutcome.AlreadyClosed && result.Month.CompareTo(due) >= 0)
        {
            return 0;
        }

        return Math.Max(1, ((due.Year - result.Month.Year) * 12) + due.Month - result.Month.Month + 1);
    }

    /// <summary>The latest closed month before <paramref name="month"/>, if any.</summary>
    private async Task<BillingMonth?> LatestClosedBeforeAsync(BillingMonth month, CancellationToken cancellationToken)
    {
        BillingMonth? latest = null;
        await foreach (BillingMonth closed in statements.ListClosedAsync(cancellationToken).ConfigureAwait(false))
        {
            if (closed.CompareTo(month) < 0 && (latest is null || closed.CompareTo(latest.Value) > 0))
            {
                latest = closed;
            }
        }

        return latest;
    }

    /// <summary>
    /// Closes the month, or says why not; a refusal (an earlier month open, unpriced lines, a failed rollup) is recorded
    /// for <c>metrics status</c>, which lists every month past its grace that is still open with its last refusal.
    /// </summary>
    public async Task<MonthCloseResult> CloseAsync(BillingMonth month, CancellationToken cancellationToken)
    {
        MonthCloseResult result = await TryCloseAsync(month, cancellationToken).ConfigureAwait(false);
        if (CloseRefusal.Of(result, timeProvider.GetUtcNow()) is { } refusal)
        {
            await statements.RecordRefusalAsync(refusal, cancellationToken).ConfigureAwait(false);
        }

        // The frozen lines into the lake; a close that stopped before this does it when the month is closed again.
        if (Lake is not null && result.Statement is { } statement)
        {
            await UsageLake.PublishAsync(Lake, statement.ReportFor(null), UsageLake.Frozen, cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    private async Task<MonthCloseResult> TryCloseAsync(BillingMonth month, CancellationToken cancellationToken)
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
        UnitFailure[] blocking = rolled.Failures.Where(f => Concerns(f, month)).ToArray();
        if (blocking.Length > 0)
        {
            return new MonthCloseResult(MonthCloseOutcome.RollupFailed, month) { Failures = blocking };
        }

        await using LeasedRun work = await LeasedRun.StartAsync(rollupLock, cancellationToken).ConfigureAwait(false);
        // Under the lease, which every close holds while it freezes: an earlier month cannot close between this check and
        // this month's freeze, so the vouchers are priced against every earlier month's credits.
        BillingMonth? closedBefore = await LatestClosedBeforeAsync(month, work.Token).ConfigureAwait(false);
        if (await usage.EarliestMonthWithUsageAsync(closedBefore, month, work.Token).ConfigureAwait(false) is { } earlier)
        {
            return new MonthCloseResult(MonthCloseOutcome.EarlierMonthOpen, month) { EarlierOpen = earlier };
        }

        UsageReport report = await query.ComputeAsync(month, institution: null, work.Token).ConfigureAwait(false);
        if (UnpricedLines.Of(report) is { Count: > 0 } unpriced)
        {
            return new MonthCloseResult(MonthCloseOutcome.Unpriced, month) { Unpriced = unpriced };
        }

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
    private bool Concerns(UnitFailure failure, BillingMonth month)
    {
        if (failure.Kind == MarkKind.Jobs)
        {
            return true;
        }

        // A queued unit's key names its hour, day or month first: 2026103115.{epoch}.{shard}.{shards}, 2026-10-31@{generation}.
        string key = failure.Key.Split('.', '@')[0];
        if (UtcHours.TryParseKey(key, out DateTimeOffset hour))
        {
            return calendar.MonthOf(hour) == month;
        }

        if (
            DateOnly.TryParseExact(
                key,
                "yyyy-MM-dd",
                System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.None,
                out DateOnly day
            )
        )
        {
            return new BillingMonth(day.Year, day.Month) == month;
        }

        return !BillingMonth.TryParse(key, out BillingMonth failed) || failed == month;
    }
}
