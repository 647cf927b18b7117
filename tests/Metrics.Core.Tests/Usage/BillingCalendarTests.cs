namespace Metrics.Core.Tests.Usage;

public sealed class BillingCalendarTests
{
    private static readonly BillingCalendar s_shanghai = BillingCalendar.Create("Asia/Shanghai");

    [Fact]
    public void Create_Default_IsAsiaShanghai()
    {
        Assert.Equal("Asia/Shanghai", BillingCalendar.Create(null).TimeZoneId);
    }

    [Fact]
    public void MonthRange_Shanghai_StartsAtSixteenHundredUtcOnTheDayBefore()
    {
        var december = new BillingMonth(2026, 12);

        Assert.Equal(new DateTimeOffset(2026, 11, 30, 16, 0, 0, TimeSpan.Zero), s_shanghai.StartUtc(december));
        Assert.Equal(new DateTimeOffset(2026, 12, 31, 16, 0, 0, TimeSpan.Zero), s_shanghai.EndUtc(december));
    }

    [Theory]
    [InlineData("2026-11-30T15:59:59Z", "2026-11")]
    [InlineData("2026-11-30T16:00:00Z", "2026-12")]
    [InlineData("2026-12-31T15:59:59Z", "2026-12")]
    [InlineData("2026-12-31T16:00:00Z", "2027-01")]
    public void MonthOf_AroundTheShanghaiMonthBoundary_PicksTheLocalMonth(string instant, string month)
    {
        Assert.Equal(
            month,
            s_shanghai.MonthOf(DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture)).ToString()
        );
    }

    [Theory]
    [InlineData("Asia/Kolkata")]
    [InlineData("Asia/Kathmandu")]
    [InlineData("Australia/Lord_Howe")]
    public void Create_ZoneWithANonWholeHourOffset_IsRefused(string zone)
    {
        var ex = Assert.Throws<ArgumentException>(() => BillingCalendar.Create(zone));
        Assert.Contains("whole hour", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_UnknownZone_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => BillingCalendar.Create("Mars/Olympus_Mons"));
    }

    [Theory]
    [InlineData("UTC")]
    [InlineData("Europe/Berlin")]
    [InlineData("America/New_York")]
    public void Create_WholeHourZonesWithOrWithoutDaylightSaving_AreAccepted(string zone)
    {
        Assert.Equal(zone, BillingCalendar.Create(zone).TimeZoneId);
    }

    [Fact]
    public void MonthRange_AcrossADaylightSavingChange_IsWholeUtcHours()
    {
        BillingCalendar berlin = BillingCalendar.Create("Europe/Berlin");
        var march = new BillingMonth(2026, 3);

        Assert.Equal(new DateTimeOffset(2026, 2, 28, 23, 0, 0, TimeSpan.Zero), berlin.StartUtc(march));
        Assert.Equal(new DateTimeOffset(2026, 3, 31, 22, 0, 0, TimeSpan.Zero), berlin.EndUtc(march));
    }

    [Theory]
    [InlineData("2026-11", true)]
    [InlineData("2026-13", false)]
    [InlineData("2026-1", false)]
    [InlineData("26-11", false)]
    [InlineData("2026-11-01", false)]
    [InlineData("", false)]
    public void BillingMonth_TryParse_AcceptsOnlyYyyyMm(string text, bool valid)
    {
        Assert.Equal(valid, BillingMonth.TryParse(text, out _));
    }
}
