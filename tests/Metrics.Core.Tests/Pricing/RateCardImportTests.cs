namespace Metrics.Core.Tests.Pricing;

/// <summary>The rate card is append-only: what priced a closed month never changes.</summary>
public sealed class RateCardImportTests
{
    private static readonly RateEntry s_h100 = new(RateKind.Gpu, "H100-SXM5-80GB", new DateOnly(2026, 1, 1), 28.50m, "CNY");
    private static readonly RateCard s_card = new([s_h100]);
    private static readonly BillingMonth s_closed = new(2026, 10);

    [Fact]
    public void SameEntryAgain_IsUnchanged_AndANewOneAfterTheLatestClosedMonthIsAdded()
    {
        var correction = new RateEntry(RateKind.Gpu, "H100-SXM5-80GB", new DateOnly(2026, 11, 1), 26.00m, "CNY");

        IReadOnlyList<RateEntry> added = RateCardImport.NewOnes([s_h100, correction], s_card, s_closed);

        Assert.Equal([correction], added);
    }

    [Fact]
    public void AnImportedEntryWithAnotherRate_IsRefused()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => RateCardImport.NewOnes([s_h100 with { Rate = 30m }], s_card, s_closed));

        Assert.Contains(
            "the H100-SXM5-80GB rate effective 2026-01-01 was imported as 28.50 CNY; a rate never changes",
            ex.Message,
            StringComparison.Ordinal
        );
    }

    [Theory]
    [InlineData("2026-10-31")]
    [InlineData("2026-10-01")]
    [InlineData("2025-01-01")]
    public void ANewEntryOnOrBeforeTheLatestClosedMonthsLastDay_IsRefused(string from)
    {
        var entry = new RateEntry(
            RateKind.Cpu,
            null,
            DateOnly.Parse(from, System.Globalization.CultureInfo.InvariantCulture),
            0.10m,
            "CNY"
        );

        var ex = Assert.Throws<InvalidOperationException>(() => RateCardImport.NewOnes([entry], s_card, s_closed));

        Assert.Contains(
            "would reprice 2026-10 or an earlier month, which is closed; a correction takes effect from 2026-11-01",
            ex.Message,
            StringComparison.Ordinal
        );
    }

    [Fact]
    public void NoMonthClosed_AnyNewEntryIsAdded()
    {
        var early = new RateEntry(RateKind.Cpu, null, new DateOnly(2020, 1, 1), 0.10m, "CNY");

        Assert.Equal([early], RateCardImport.NewOnes([early], s_card, latestClosed: null));
    }
}
