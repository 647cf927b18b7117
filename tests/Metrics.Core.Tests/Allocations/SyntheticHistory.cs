using Metrics.Core.Allocations;
using Microsoft.Extensions.Time.Testing;

namespace Metrics.Core.Tests.Allocations;

/// <summary>
/// A made-up usage history whose answers are known: so many GPU-hours of H100 a day for an institution (and one account
/// of it), written as the rollup writes it, daily lines and the month lines that are their sums.
/// </summary>
internal sealed class SyntheticHistory
{
    public const string Institution = "inst-a";
    public const string Account = "proj-x";
    public const string Model = "H100-SXM5-80GB";

    public InMemoryUsageStore Usage { get; } = new();

    public InMemoryAllocationStore Allocations { get; } = new();

    public InMemoryAllocationEvents Events { get; } = new();

    public BillingCalendar Calendar { get; } = BillingCalendar.Create("Asia/Shanghai");

    public FakeTimeProvider Time { get; } = new();

    /// <summary>Sets <paramref name="gpuHours"/> a day on each day of [from, to], all of it under <see cref="Account"/>.</summary>
    public SyntheticHistory Burn(DateOnly from, DateOnly to, decimal gpuHours)
    {
        for (DateOnly day = from; day <= to; day = day.AddDays(1))
        {
            Usage.Days[day] = [new DailyUsage(day, Institution, Model, Account, new UsageSeconds(gpuHours * 3600m, 0m, 0m, 0m))];
        }

        foreach (
            IGrouping<BillingMonth, DailyUsage> month in Usage
                .Days.Values.SelectMany(d => d)
                .GroupBy(d => new BillingMonth(d.Day.Year, d.Day.Month))
        )
        {
            UsageSeconds sum = month.Select(d => d.Seconds).Aggregate((a, b) => a + b);
            Usage.Months[month.Key] = [new MonthlyUsage(month.Key, Institution, Model, string.Empty, 1, sum)];
            Usage.AccountMonths[month.Key] = [new MonthlyUsage(month.Key, Institution, Model, Account, 1, sum)];
        }

        return this;
    }

    /// <summary>The clock at local midnight starting <paramref name="day"/>, plus <paramref name="hours"/>.</summary>
    public SyntheticHistory At(DateOnly day, double hours = 0)
    {
        Time.SetUtcNow(Calendar.StartUtc(day).AddHours(hours));
        return this;
    }

    public AllocationStandings Standings() => new(Allocations, Usage, InMemoryRateCardStore.Standard(), Events, Calendar, Time);

    public AllocationWatch Watch() => new(Standings(), Events, Events, Time);

    public async Task<AllocationStanding> StandingAsync(Allocation allocation)
    {
        Allocations.Allocations[allocation.Id] = allocation;
        return Assert.Single(
            await Standings().ListAsync(allocation.Institution, CancellationToken.None),
            s => s.Allocation.Id == allocation.Id
        );
    }

    public static Allocation Hours(string id, decimal amount, DateOnly from, DateOnly to, string? account = null) =>
        new(id, Institution, account, Allocation.GpuHours, amount, from, to);
}
