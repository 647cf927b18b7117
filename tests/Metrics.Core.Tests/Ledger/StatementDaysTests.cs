namespace Metrics.Core.Tests.Ledger;

/// <summary>A closed month's frozen daily usage: accounts summed, other months left out, the file refused once edited.</summary>
public sealed class StatementDaysTests
{
    private static readonly BillingMonth s_march = new(2027, 3);
    private const string H100 = "H100-SXM5-80GB";

    private static readonly DailyUsage[] s_days =
    [
        new(new DateOnly(2027, 3, 12), "inst-a", H100, "proj-b", new UsageSeconds(10800m, 0m, 5400m, 10800m)),
        new(new DateOnly(2027, 3, 10), "inst-a", H100, "proj-a", new UsageSeconds(3600.5m, 60m, 1800.25m, 3600.5m)),
        new(new DateOnly(2027, 3, 10), "inst-a", H100, "proj-b", new UsageSeconds(3600m, 0m, 0m, 0m)),
        new(new DateOnly(2027, 4, 1), "inst-a", H100, "proj-a", new UsageSeconds(3600m, 0m, 0m, 0m)),
    ];

    [Fact]
    public void Freeze_SumsAccountsPerDayAndLine_SortsByDay_AndLeavesOtherMonthsOut()
    {
        StatementDays frozen = StatementDays.Freeze(s_march, s_days);

        Assert.Equal(
            [(new DateOnly(2027, 3, 10), 7200.5m, 60m, 1800.25m, 3600.5m), (new DateOnly(2027, 3, 12), 10800m, 0m, 5400m, 10800m)],
            frozen.Days.Select(d => (d.Day, d.Seconds.Gpu, d.Seconds.CpuCore, d.Seconds.ActiveGpu, d.Seconds.ObservedGpu))
        );
        Assert.All(frozen.Days, d => Assert.Equal(string.Empty, d.Account));
    }

    [Fact]
    public void FromJson_OfFreeze_GivesTheSameDaysAndHash_WhateverOrderTheyWereReadIn()
    {
        StatementDays frozen = StatementDays.Freeze(s_march, s_days);

        StatementDays read = StatementDays.FromJson(s_march, frozen.Json.ToArray(), frozen.Sha256);

        Assert.Equal(frozen.Days, read.Days);
        Assert.Equal(frozen.Sha256, read.Sha256);
        Assert.Equal(frozen.Sha256, StatementDays.Freeze(s_march, s_days.Reverse()).Sha256);
        Assert.Matches("^[0-9a-f]{64}$", frozen.Sha256);
    }

    [Fact]
    public void FromJson_AnEditedFile_IsRefused_AndSoIsAnotherMonthsFile()
    {
        StatementDays frozen = StatementDays.Freeze(s_march, s_days);
        string json = Encoding.UTF8.GetString(frozen.Json.Span);
        byte[] edited = Encoding.UTF8.GetBytes(json.Replace("10800", "1080", StringComparison.Ordinal));

        InvalidDataException tampered = Assert.Throws<InvalidDataException>(() => StatementDays.FromJson(s_march, edited, frozen.Sha256));
        Assert.Contains("edited after the close", tampered.Message, StringComparison.Ordinal);

        StatementDays april = StatementDays.Freeze(new BillingMonth(2027, 4), s_days);
        InvalidDataException misfiled = Assert.Throws<InvalidDataException>(() =>
            StatementDays.FromJson(s_march, april.Json.ToArray(), april.Sha256)
        );
        Assert.Contains("is for 2027-04", misfiled.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddUp_HoldsWhenTheDaysSumToEachUsageLine_AndNotWhenALineOrASecondIsMissing()
    {
        var line = new UsageLine(
            new MonthlyUsage(s_march, "inst-a", H100, "", 2, new UsageSeconds(18000.5m, 60m, 0m, 0m)),
            26.00m,
            0.12m,
            130.00m,
            "CNY"
        );
        UsageReport report = new(s_march, "Asia/Shanghai", [line], []);
        DailyUsage[] days = StatementDays.Freeze(s_march, s_days).Days.ToArray();

        Assert.True(StatementQuery.AddUp(report, days));
        Assert.False(StatementQuery.AddUp(report, days[..1]));
        Assert.False(
            StatementQuery.AddUp(report with { Lines = [line, line with { Usage = line.Usage with { GpuModel = "A100-80GB" } }] }, days)
        );
    }
}
