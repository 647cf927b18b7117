using Metrics.Contract;
using Metrics.Core.Ports;
using Metrics.Core.Reports;
using Metrics.Core.Usage;

namespace Metrics.Core.Ledger;

/// <summary>
/// Gathers what the statement pages show, from the same sources as finance's CSV: the lines come from
/// <see cref="UsageQuery"/> (a closed month's from its frozen statement), so a page and the CSV of the same month can
/// only agree. The day-by-day figures come from the frozen daily usage of a closed month, or from the billing tables of
/// an open one, read until they add up to the month's lines (a rollup may write between the two reads).
/// </summary>
public sealed class StatementQuery(
    UsageQuery usage,
    IUsageStore store,
    IStatementStore statements,
    IVoucherStore vouchers,
    IDeadLetterCounts deadLetters,
    BillingCalendar calendar,
    TimeProvider timeProvider
)
{
    /// <summary>Reads of an open month's lines and days before its page is drawn from the last pair that was read.</summary>
    private const int ConsistentReadAttempts = 3;

    /// <summary>The institution's statement, or null when it has no usage in any month.</summary>
    public async Task<InstitutionStatement?> InstitutionAsync(BillingMonth month, string institution, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(institution);
        if (await LinesAndDaysAsync(month, institution, cancellationToken).ConfigureAwait(false) is not var (report, days, source))
        {
            return null;
        }

        UsageReport byAccount =
            await usage.GetAsync(month, institution, byAccount: true, cancellationToken).ConfigureAwait(false) ?? report;
        var ledger = new VoucherLedger(vouchers, statements, calendar);
        (Voucher, decimal)[] openings = (
            await ledger.BalancesAsync(institution, month, month.LastDay, cancellationToken).ConfigureAwait(false)
        )
            .Where(b => b.Voucher.ValidOn(month.LastDay) || report.Lines.Any(l => l.VoucherId == b.Voucher.Id))
            .Select(b => (b.Voucher, b.Balance))
            .ToArray();
        IReadOnlyList<VoucherDrawdown> drawdowns = VoucherDrawdown.Project(month, report.Lines, days, openings);
        return new InstitutionStatement(institution, report, byAccount, days, source, drawdowns, timeProvider.GetUtcNow());
    }

    /// <summary>The centre's overview of the month.</summary>
    public async Task<CentreOverview> CentreAsync(BillingMonth month, CancellationToken cancellationToken)
    {
        (UsageReport report, IReadOnlyList<DailyUsage> days, DailySource source) = (
            await LinesAndDaysAsync(month, institution: null, cancellationToken).ConfigureAwait(false)
        )!.Value;

        // The centre's days by model (a national month is some 300,000 daily rows, about 30 MB while they are summed).
        DailyUsage[] byModel = days.GroupBy(d => (d.Day, d.GpuModel))
            .Select(g => DailyUsage.Sum(g.Key.Day, string.Empty, g.Key.GpuModel, g))
            .OrderBy(d => d.Day)
            .ThenBy(d => d.GpuModel, StringComparer.Ordinal)
            .ToArray();

        // Dead letters are filed by UTC enqueued date: the UTC dates the month's local days overlap.
        DateOnly from = DateOnly.FromDateTime(calendar.StartUtc(month).UtcDateTime);
        DateOnly to = DateOnly.FromDateTime(calendar.EndUtc(month).AddTicks(-1).UtcDateTime);
        IReadOnlyDictionary<TelemetryStream, long> dead = await deadLetters.CountAsync(from, to, cancellationToken).ConfigureAwait(false);
        return new CentreOverview(report, byModel, source, dead, from, to, timeProvider.GetUtcNow());
    }

    /// <summary>
    /// The month's lines (every institution's, or one's; null when that institution has no usage at all) and its days.
    /// An open month's are read again until the days add up to the lines: a rollup may write between the two reads.
    /// </summary>
    private async Task<(UsageReport Report, IReadOnlyList<DailyUsage> Days, DailySource Source)?> LinesAndDaysAsync(
        BillingMonth month,
        string? institution,
        CancellationToken cancellationToken
    )
    {
        (UsageReport, IReadOnlyList<DailyUsage>, DailySource)? read = null;
        for (int attempt = 0; attempt < ConsistentReadAttempts; attempt++)
        {
            if (await usage.GetAsync(month, institution, cancellationToken).ConfigureAwait(false) is not { } report)
            {
                return null;
            }

            (IReadOnlyList<DailyUsage> days, DailySource source) = await DaysAsync(month, institution, report, cancellationToken)
                .ConfigureAwait(false);
            read = (report, days, source);
            if (source != DailySource.Current || AddUp(report, days))
            {
                break;
            }
        }

        return read;
    }

    private async Task<(IReadOnlyList<DailyUsage> Days, DailySource Source)> DaysAsync(
        BillingMonth month,
        string? institution,
        UsageReport report,
        CancellationToken cancellationToken
    )
    {
        if (report.Seal?.DaysSha256 is { } sha)
        {
            StatementDays frozen = await statements.ReadDaysAsync(month, sha, cancellationToken).ConfigureAwait(false);
            return (institution is null ? frozen.Days : frozen.Days.Where(d => d.Institution == institution).ToArray(), DailySource.Frozen);
        }

        var read = new List<DailyUsage>();
        await foreach (
            DailyUsage day in store
                .ReadDaysAsync(month.FirstDay, month.Next().FirstDay, institution, cancellationToken)
                .ConfigureAwait(false)
        )
        {
            read.Add(day);
        }

        return (StatementDays.ByInstitutionLine(read), report.Closed ? DailySource.CurrentAfterClose : DailySource.Current);
    }

    /// <summary>Whether the days add up to the month's usage lines, GPU and CPU seconds, line by line.</summary>
    internal static bool AddUp(UsageReport report, IReadOnlyList<DailyUsage> days)
    {
        var lines = report
            .Lines.Where(l => l.Type == UsageLineType.Usage)
            .ToDictionary(l => l.Usage.Key.Line(), l => (l.Usage.Seconds.Gpu, l.Usage.Seconds.CpuCore));
        var summed = days.GroupBy(d => d.Key.Line())
            .ToDictionary(g => g.Key, g => (g.Sum(d => d.Seconds.Gpu), g.Sum(d => d.Seconds.CpuCore)));
        return lines.Count == summed.Count && lines.All(l => summed.TryGetValue(l.Key, out var s) && s == l.Value);
    }
}
