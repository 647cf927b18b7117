using Metrics.Core.Ports;
using Metrics.Core.Usage;

namespace Metrics.Core.Rollup;

/// <summary>
/// A billing day summed again from its hours (at most 25), and a month from its days (at most 31 rows per line), each
/// replaced fenced by <c>generation</c>: the same whether the rollup runs them itself or a queued unit does.
/// </summary>
internal sealed class PeriodRecompute(IUsageStore usage, BillingCalendar calendar)
{
    public async Task DayAsync(DateOnly day, long generation, CancellationToken cancellationToken)
    {
        IAsyncEnumerable<HourlyUsage> hours = usage.ReadHoursAsync(
            calendar.StartUtc(day),
            calendar.StartUtc(day.AddDays(1)),
            cancellationToken
        );
        IReadOnlyList<DailyUsage> lines = await MonthlyAggregator.ComputeDayAsync(day, hours, cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        await usage.ReplaceDayAsync(day, lines, generation, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A month from its days' partial sums: its cost does not grow with the day of the month.</summary>
    public async Task MonthAsync(BillingMonth month, long generation, CancellationToken cancellationToken)
    {
        IReadOnlyList<JobUsage> jobMonths = await usage.ReadJobMonthsAsync(month, cancellationToken).ConfigureAwait(false);
        IAsyncEnumerable<DailyUsage> days = usage.ReadDaysAsync(month.FirstDay, month.Next().FirstDay, cancellationToken);
        MonthlyLines lines = await MonthlyAggregator.ComputeFromDaysAsync(month, days, jobMonths, cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        await usage.ReplaceMonthAsync(month, lines, generation, cancellationToken).ConfigureAwait(false);
    }
}
