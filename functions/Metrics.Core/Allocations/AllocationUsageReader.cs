using Metrics.Core.Ports;
using Metrics.Core.Pricing;
using Metrics.Core.Reports;
using Metrics.Core.Usage;

namespace Metrics.Core.Allocations;

/// <summary>
/// What an allocation's period has used, from the figures billing reports: the monthly lines for each month the
/// period covers whole (its month so far, while it is open), the daily lines for the days of a month it covers in part.
/// GPU-hours are each line's billed hours (4 decimals); money is each line priced as the month's statement prices it
/// (<see cref="UsagePricing"/>), counting lines in the allocation's currency, before voucher credits. Late usage of a
/// closed month counts on its own day (the statement bills it as an adjustment of a later month).
/// <para>
/// One reader serves one pass and keeps what it read. The allocations of every institution
/// (<paramref name="everyInstitution"/>) cost one read of each month's lines, one of the days of each month a period
/// covers in part, and one of the recent days, however many allocations there are; those of one institution cost only
/// that institution's rows.
/// </para>
/// </summary>
public sealed class AllocationUsageReader(IUsageStore usage, RateCard rates, BillingCalendar calendar, bool everyInstitution)
{
    private readonly Dictionary<(BillingMonth, bool), ILookup<string, MonthlyUsage>> _months = [];
    private readonly Dictionary<(DateOnly, DateOnly, string), IReadOnlyList<DailyUsage>> _days = [];
    private readonly Dictionary<BillingMonth, ILookup<string, DailyUsage>> _monthDays = [];
    private ILookup<string, DailyUsage>? _recent;

    /// <summary>
    /// The institutions whose rows a read of every institution's days keeps (all when null): those with an allocation
    /// measured in this pass, so that what is held is bounded by the allocations, not by the centre.
    /// </summary>
    public IReadOnlySet<string>? Institutions { get; init; }

    /// <summary>Used within the period up to <paramref name="now"/>, and used within the forecast's window.</summary>
    public async Task<(decimal Used, decimal WindowUsed)> MeasureAsync(
        Allocation allocation,
        DateTimeOffset now,
        CancellationToken cancellationToken
    )
    {
        ArgumentNullException.ThrowIfNull(allocation);
        DateOnly today = calendar.DayOf(now);
        DateOnly last = today < allocation.To ? today : allocation.To;
        decimal used = 0m;
        for (
            BillingMonth month = Month(allocation.From);
            last >= allocation.From && month.CompareTo(Month(last)) <= 0;
            month = month.Next()
        )
        {
            DateOnly from = Max(allocation.From, month.FirstDay),
                to = Min(last, month.LastDay);
            IEnumerable<MonthlyUsage> lines =
                from == month.FirstDay && allocation.To >= month.LastDay
                    ? await MonthLinesAsync(allocation, month, cancellationToken).ConfigureAwait(false)
                    : AsMonthLines(
                        month,
                        Scope(allocation, await DaysAsync(from, to, allocation, cancellationToken).ConfigureAwait(false))
                    );
            used += Value(allocation, month, lines);
        }

        (DateTimeOffset start, DateTimeOffset end) = AllocationForecast.Window(allocation, now, calendar);
        decimal window = 0m;
        if (end > start)
        {
            DateOnly first = calendar.DayOf(start),
                final = calendar.DayOf(end.AddTicks(-1));
            foreach (
                DailyUsage day in Scope(
                    allocation,
                    await WindowDaysAsync(first, final, today, allocation, cancellationToken).ConfigureAwait(false)
                )
            )
            {
                window += DayValue(allocation, day);
            }
        }

        return (used, window);
    }

    /// <summary>The value of one day's line in the allocation's unit, unrounded: for the burn and the burn-down chart.</summary>
    public decimal DayValue(Allocation allocation, DailyUsage day)
    {
        ArgumentNullException.ThrowIfNull(allocation);
        ArgumentNullException.ThrowIfNull(day);
        decimal gpuHours = day.Seconds.Gpu / 3600m;
        if (allocation.IsGpuHours)
        {
            return gpuHours;
        }

        BillingMonth month = Month(day.Day);
        RateEntry? gpu = rates.GpuRate(day.GpuModel, month),
            cpu = rates.CpuRate(month);
        return gpu is null || gpu.Currency != allocation.Unit
            ? 0m
            : (gpuHours * gpu.Rate) + (cpu is not null && cpu.Currency == allocation.Unit ? day.Seconds.CpuCore / 3600m * cpu.Rate : 0m);
    }

    /// <summary>The period's use day by day, from its first day to <paramref name="last"/>, in the allocation's unit.</summary>
    public async Task<IReadOnlyList<AllocationDay>> ByDayAsync(Allocation allocation, DateOnly last, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(allocation);
        var byDay = Scope(allocation, await DaysAsync(allocation.From, last, allocation, cancellationToken).ConfigureAwait(false))
            .GroupBy(d => d.Day)
            .ToDictionary(g => g.Key, g => g.Sum(d => DayValue(allocation, d)));
        var days = new List<AllocationDay>();
        decimal toDate = 0m;
        for (DateOnly day = allocation.From; day <= last; day = day.AddDays(1))
        {
            decimal used = byDay.GetValueOrDefault(day);
            toDate += used;
            days.Add(new AllocationDay(day, used, toDate));
        }

        return days;
    }

    /// <summary>
    /// The allocation's institution's rows (every account) in [from, to]: its own query for one institution's reader; for a
    /// reader of every institution, the rows of one read of each month's days, kept for the pass.
    /// </summary>
    public async Task<IReadOnlyList<DailyUsage>> DaysAsync(
        DateOnly from,
        DateOnly to,
        Allocation allocation,
        CancellationToken cancellationToken
    )
    {
        ArgumentNullException.ThrowIfNull(allocation);
        if (!everyInstitution)
        {
            return await InstitutionDaysAsync(from, to, allocation.Institution, cancellationToken).ConfigureAwait(false);
        }

        var days = new List<DailyUsage>();
        for (BillingMonth month = Month(from); month.CompareTo(Month(to)) <= 0; month = month.Next())
        {
            ILookup<string, DailyUsage> all = await MonthDaysAsync(month, cancellationToken).ConfigureAwait(false);
            days.AddRange(all[allocation.Institution].Where(d => d.Day >= from && d.Day <= to));
        }

        return days;
    }

    private async Task<IReadOnlyList<DailyUsage>> InstitutionDaysAsync(
        DateOnly from,
        DateOnly to,
        string institution,
        CancellationToken cancellationToken
    )
    {
        if (!_days.TryGetValue((from, to, institution), out IReadOnlyList<DailyUsage>? days))
        {
            _days[(from, to, institution)] = days = await ReadAsync(from, to, institution, cancellationToken).ConfigureAwait(false);
        }

        return days;
    }

    private async Task<ILookup<string, DailyUsage>> MonthDaysAsync(BillingMonth month, CancellationToken cancellationToken)
    {
        if (!_monthDays.TryGetValue(month, out ILookup<string, DailyUsage>? days))
        {
            _monthDays[month] = days = await EveryInstitutionAsync(month.FirstDay, month.LastDay, cancellationToken).ConfigureAwait(false);
        }

        return days;
    }

    /// <summary>Every institution's rows in [from, to] (those of <see cref="Institutions"/>), by institution.</summary>
    private async Task<ILookup<string, DailyUsage>> EveryInstitutionAsync(
        DateOnly from,
        DateOnly to,
        CancellationToken cancellationToken
    ) => (await ReadAsync(from, to, null, cancellationToken).ConfigureAwait(false)).ToLookup(d => d.Institution, StringComparer.Ordinal);

    /// <summary>The rows in [from, to] of one institution, or of every institution of <see cref="Institutions"/>.</summary>
    private async Task<List<DailyUsage>> ReadAsync(DateOnly from, DateOnly to, string? institution, CancellationToken cancellationToken)
    {
        var read = new List<DailyUsage>();
        await foreach (DailyUsage day in usage.ReadDaysAsync(from, to.AddDays(1), institution, cancellationToken).ConfigureAwait(false))
        {
            if (institution is not null || Institutions is null || Institutions.Contains(day.Institution))
            {
                read.Add(day);
            }
        }

        return read;
    }

    private decimal Value(Allocation allocation, BillingMonth month, IEnumerable<MonthlyUsage> lines)
    {
        if (allocation.IsGpuHours)
        {
            return lines.Sum(l => UsageLine.ReportedHours(l.Seconds.Gpu));
        }

        UsageReport priced = UsagePricing.Price(month, calendar.TimeZoneId, lines, rates);
        return priced.Lines.Where(l => l.Priced && l.Currency == allocation.Unit).Sum(l => l.Amount!.Value);
    }

    private async Task<IEnumerable<MonthlyUsage>> MonthLinesAsync(
        Allocation allocation,
        BillingMonth month,
        CancellationToken cancellationToken
    )
    {
        bool accounts = allocation.Account is not null;
        if (!_months.TryGetValue((month, accounts), out ILookup<string, MonthlyUsage>? lines))
        {
            string? institution = everyInstitution ? null : allocation.Institution;
            IReadOnlyList<MonthlyUsage> read = accounts
                ? await usage.ReadMonthAccountsAsync(month, institution, cancellationToken).ConfigureAwait(false)
                : await usage.ReadMonthAsync(month, institution, cancellationToken).ConfigureAwait(false);
            _months[(month, accounts)] = lines = read.ToLookup(l => l.Institution, StringComparer.Ordinal);
        }

        return lines[allocation.Institution].Where(l => allocation.Account is null || l.Account == allocation.Account);
    }

    /// <summary>
    /// The window's days: for every institution, one read of the recent days that every allocation's window lies in.
    /// </summary>
    private async Task<IReadOnlyList<DailyUsage>> WindowDaysAsync(
        DateOnly first,
        DateOnly final,
        DateOnly today,
        Allocation allocation,
        CancellationToken cancellationToken
    )
    {
        if (!everyInstitution)
        {
            return await DaysAsync(first, final, allocation, cancellationToken).ConfigureAwait(false);
        }

        DateOnly recent = today.AddDays(-AllocationForecast.WindowDays);
        if (first < recent || final > today)
        {
            return await DaysAsync(first, final, allocation, cancellationToken).ConfigureAwait(false);
        }

        _recent ??= await EveryInstitutionAsync(recent, today, cancellationToken).ConfigureAwait(false);
        return _recent[allocation.Institution].Where(d => d.Day >= first && d.Day <= final).ToArray();
    }

    private static IEnumerable<DailyUsage> Scope(Allocation allocation, IEnumerable<DailyUsage> days) =>
        days.Where(d => d.Institution == allocation.Institution && (allocation.Account is null || d.Account == allocation.Account));

    /// <summary>Days summed per model into the month's lines: the same sums the month's own lines are made of.</summary>
    private static IEnumerable<MonthlyUsage> AsMonthLines(BillingMonth month, IEnumerable<DailyUsage> days) =>
        days.GroupBy(d => (d.Institution, d.GpuModel), d => d.Seconds)
            .Select(g => new MonthlyUsage(month, g.Key.Institution, g.Key.GpuModel, string.Empty, 0, g.Aggregate((a, b) => a + b)));

    private static BillingMonth Month(DateOnly day) => new(day.Year, day.Month);

    private static DateOnly Max(DateOnly a, DateOnly b) => a > b ? a : b;

    private static DateOnly Min(DateOnly a, DateOnly b) => a < b ? a : b;
}
