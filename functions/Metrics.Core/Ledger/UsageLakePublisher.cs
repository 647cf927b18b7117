using Metrics.Core.Lake;
using Metrics.Core.Reports;
using Metrics.Core.Usage;

namespace Metrics.Core.Ledger;

/// <summary>
/// Keeps each month's usage lines in the lake (<see cref="UsageLake"/>): a closed month's from its frozen statement,
/// written once; an open month's as the usage query gives them now, provisional, replaced when republished. The month
/// close publishes what it froze; the rollup timer republishes the open months it bills at most once an hour; and
/// <c>metrics lake pull</c> publishes the months it brings before it brings them.
/// </summary>
public sealed class UsageLakePublisher(UsageQuery query, ILakeStore lake, BillingCalendar calendar, TimeProvider timeProvider)
{
    /// <summary>How stale an open month's published lines may get before the rollup timer republishes them.</summary>
    public static readonly TimeSpan RefreshEvery = TimeSpan.FromHours(1);

    /// <summary>The billing month now and the one before it (still open for some days after it ends), each if stale.</summary>
    public async Task<int> PublishCurrentAsync(CancellationToken cancellationToken)
    {
        BillingMonth now = calendar.MonthOf(timeProvider.GetUtcNow());
        int written = 0;
        foreach (BillingMonth month in new[] { now.Previous(), now })
        {
            written += await PublishAsync(month, RefreshEvery, cancellationToken).ConfigureAwait(false) ? 1 : 0;
        }

        return written;
    }

    /// <summary>
    /// Publishes <paramref name="month"/> unless its file is frozen, or is younger than <paramref name="olderThan"/>.
    /// Returns whether it wrote.
    /// </summary>
    public async Task<bool> PublishAsync(BillingMonth month, TimeSpan olderThan, CancellationToken cancellationToken)
    {
        DateTimeOffset now = timeProvider.GetUtcNow();
        long? generation = await lake.GenerationAsync(LakePaths.Usage(month), cancellationToken).ConfigureAwait(false);
        if (generation == UsageLake.Frozen || (generation is { } ticks && now.UtcTicks - ticks < olderThan.Ticks))
        {
            return false;
        }

        UsageReport report =
            await query.GetAsync(month, institution: null, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"no usage report for {month}");
        return await UsageLake.PublishAsync(lake, report, now.UtcTicks, cancellationToken).ConfigureAwait(false);
    }
}
