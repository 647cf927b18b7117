using Metrics.Core.Usage;

namespace Metrics.Core.Ports;

/// <summary>
/// Billing tables: each job's usage per UTC hour and per month, hourly usage lines and monthly usage lines. Every
/// write replaces (upsert or delete); nothing is ever incremented, so a repeated rollup cannot double count.
/// <para>
/// The hour, day and month replacements are fenced: each carries the writer's lock generation
/// (<see cref="IWorkLease.Generation"/>), and a replacement whose generation is below the last one that wrote that
/// hour, day or month throws <see cref="FencedWriteException"/> and leaves the later writer's lines whole. Job usage
/// rows need no fence: the job state saved after them is conditional on the version read (<see cref="IJobStateStore"/>).
/// </para>
/// </summary>
public interface IUsageStore
{
    Task WriteJobHoursAsync(IReadOnlyList<JobUsageChange> changes, CancellationToken cancellationToken);

    Task WriteJobMonthsAsync(IReadOnlyList<JobUsageChange> changes, CancellationToken cancellationToken);

    Task<IReadOnlyList<JobUsage>> ReadJobHoursAsync(DateTimeOffset hour, CancellationToken cancellationToken);

    Task<IReadOnlyList<JobUsage>> ReadJobMonthsAsync(BillingMonth month, CancellationToken cancellationToken);

    /// <summary>Makes <paramref name="lines"/> the hour's only lines, unless a later generation wrote the hour.</summary>
    /// <exception cref="FencedWriteException">A writer of a later generation wrote the hour.</exception>
    Task ReplaceHourAsync(DateTimeOffset hour, IReadOnlyList<HourlyUsage> lines, long generation, CancellationToken cancellationToken);

    /// <summary>
    /// Every hourly line in <c>[fromHour, toHourExclusive)</c>, streamed page by page: a month holds up to 744 hours of
    /// every institution's lines, far more than a reader should hold at once.
    /// </summary>
    IAsyncEnumerable<HourlyUsage> ReadHoursAsync(
        DateTimeOffset fromHour,
        DateTimeOffset toHourExclusive,
        CancellationToken cancellationToken
    );

    /// <summary>Makes <paramref name="lines"/> the billing day's only lines, unless a later generation wrote the day.</summary>
    /// <exception cref="FencedWriteException">A writer of a later generation wrote the day.</exception>
    Task ReplaceDayAsync(DateOnly day, IReadOnlyList<DailyUsage> lines, long generation, CancellationToken cancellationToken);

    /// <summary>Every daily line in <c>[fromDay, toDayExclusive)</c>, streamed: a month is at most 31 days of lines.</summary>
    IAsyncEnumerable<DailyUsage> ReadDaysAsync(DateOnly fromDay, DateOnly toDayExclusive, CancellationToken cancellationToken);

    /// <summary>The same, for one institution's lines only when <paramref name="institution"/> is given.</summary>
    IAsyncEnumerable<DailyUsage> ReadDaysAsync(
        DateOnly fromDay,
        DateOnly toDayExclusive,
        string? institution,
        CancellationToken cancellationToken
    );

    /// <summary>
    /// Makes <paramref name="lines"/> the month's only lines, in the by-month and by-account tables, unless a later
    /// generation wrote the month.
    /// </summary>
    /// <exception cref="FencedWriteException">A writer of a later generation wrote the month.</exception>
    Task ReplaceMonthAsync(BillingMonth month, MonthlyLines lines, long generation, CancellationToken cancellationToken);

    /// <summary>The month's institution lines (every institution's, or one's), sorted by key.</summary>
    Task<IReadOnlyList<MonthlyUsage>> ReadMonthAsync(BillingMonth month, string? institution, CancellationToken cancellationToken);

    /// <summary>The month's lines split by account (project), sorted by key.</summary>
    Task<IReadOnlyList<MonthlyUsage>> ReadMonthAccountsAsync(BillingMonth month, string? institution, CancellationToken cancellationToken);

    /// <summary>
    /// The earliest month after <paramref name="after"/> (or from the first, when null) and before
    /// <paramref name="before"/> that has monthly usage; null when none has. One request, however many months there are.
    /// </summary>
    Task<BillingMonth?> EarliestMonthWithUsageAsync(BillingMonth? after, BillingMonth before, CancellationToken cancellationToken);

    /// <summary>True if the institution has any monthly usage at all (its history is not empty).</summary>
    Task<bool> InstitutionKnownAsync(string institution, CancellationToken cancellationToken);
}
