using Metrics.Core.Lake;
using Microsoft.Extensions.Time.Testing;
using ParquetSharp.Arrow;

namespace Metrics.Core.Tests.Ledger;

/// <summary>
/// A month's usage lines in the lake: an open month's republished only once an hour old, a closed month's written from
/// its statement and never replaced, not even by an open-month write that raced it.
/// </summary>
public sealed class UsageLakePublisherTests
{
    private static readonly BillingMonth s_november = new(2026, 11);
    private static readonly BillingCalendar s_calendar = BillingCalendar.Create("Asia/Shanghai");
    private readonly InMemoryUsageStore _usage = new();
    private readonly InMemoryStatementStore _statements = new();
    private readonly InMemoryLakeStore _lake = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero));

    public UsageLakePublisherTests()
    {
        _usage.Months[s_november] =
        [
            new MonthlyUsage(s_november, "inst-00042", "H100-SXM5-80GB", "", 3, new UsageSeconds(36000m, 7200m, 18000m, 36000m)),
        ];
    }

    private UsageQuery Query() => new(_usage, InMemoryRateCardStore.Standard(), _statements, new InMemoryVoucherStore(), s_calendar);

    private UsageLakePublisher Publisher() => new(Query(), _lake, s_calendar, _time);

    private async Task<long> RowsAsync()
    {
        await using Stream content = await _lake.OpenAsync(LakePaths.Usage(s_november), CancellationToken.None);
        using var reader = new FileReader(content);
        return reader.ParquetReader.FileMetaData.NumRows;
    }

    [Fact]
    public async Task OpenMonth_IsRepublishedOnlyOnceItsFileIsAnHourOld()
    {
        Assert.Equal(2, await Publisher().PublishCurrentAsync(CancellationToken.None));
        Assert.Equal(1, await RowsAsync());

        _usage.Months[s_november] =
        [
            .. _usage.Months[s_november],
            new MonthlyUsage(s_november, "inst-00107", "H100-SXM5-80GB", "", 1, new UsageSeconds(3600m, 0m, 0m, 3600m)),
        ];
        _time.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(0, await Publisher().PublishCurrentAsync(CancellationToken.None));
        Assert.Equal(1, await RowsAsync());
        _time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(2, await Publisher().PublishCurrentAsync(CancellationToken.None));
        Assert.Equal(2, await RowsAsync());
    }

    [Fact]
    public async Task ClosedMonth_IsItsStatementsLines_Frozen()
    {
        await Publisher().PublishAsync(s_november, TimeSpan.Zero, CancellationToken.None);
        UsageReport report = await Query().ComputeAsync(s_november, null, CancellationToken.None);
        Assert.True(await _statements.TryFreezeAsync(FrozenStatement.Freeze(report, [], _time.GetUtcNow()), CancellationToken.None));
        _time.Advance(TimeSpan.FromDays(20));

        Assert.True(await Publisher().PublishAsync(s_november, TimeSpan.Zero, CancellationToken.None));
        Assert.Equal(UsageLake.Frozen, await _lake.GenerationAsync(LakePaths.Usage(s_november), CancellationToken.None));

        // Later data changes the billing tables, not the statement, and nothing replaces the frozen file.
        _usage.Months[s_november] = [];
        Assert.False(await Publisher().PublishAsync(s_november, TimeSpan.Zero, CancellationToken.None));
        Assert.False(await UsageLake.PublishAsync(_lake, report with { Seal = null }, long.MaxValue - 1, CancellationToken.None));
        Assert.Equal(1, await RowsAsync());
    }
}
