namespace Metrics.Core.Tests.Pricing;

public sealed class RateCardFileTests
{
    private static IReadOnlyList<RateEntry> Parse(string json) => RateCardFile.Parse(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Parse_ShippedSample_ReadsExactDecimals()
    {
        IReadOnlyList<RateEntry> entries = RateCardFile.Parse(File.ReadAllBytes(RepoPaths.Combine("tools", "samples", "rates.json")));

        RateEntry h100 = Assert.Single(entries, e => e.GpuModel == "H100-SXM5-80GB" && e.EffectiveFrom == new DateOnly(2026, 1, 1));
        Assert.Equal(28.50m, h100.Rate);
        Assert.Equal("28.50", h100.Rate.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("CNY", h100.Currency);
        Assert.Single(entries, e => e.Kind == RateKind.Cpu);
    }

    [Theory]
    [InlineData("""{"rates":[{"kind":"gpu","effectiveFrom":"2026-01-01","rate":1}]}""", "model")]
    [InlineData("""{"rates":[{"kind":"gpu","model":"H100","effectiveFrom":"2026-1-1","rate":1}]}""", "effectiveFrom")]
    [InlineData("""{"rates":[{"kind":"gpu","model":"H100","effectiveFrom":"2026-01-01","rate":"1"}]}""", "rate")]
    [InlineData("""{"rates":[{"kind":"gpu","model":"H100","effectiveFrom":"2026-01-01","rate":-1}]}""", "rate")]
    [InlineData("""{"rates":[{"kind":"tpu","effectiveFrom":"2026-01-01","rate":1}]}""", "kind")]
    [InlineData(
        """{"rates":[{"kind":"gpu","model":"H100","effectiveFrom":"2026-01-01","rate":1e25}]}""",
        "rates[0].rate must be a JSON number from 0 to 1,000,000"
    )]
    [InlineData(
        """{"rates":[{"kind":"gpu","model":"H100","effectiveFrom":"0026-01-01","rate":1}]}""",
        "rates[0].effectiveFrom 0026-01-01 is outside"
    )]
    [InlineData("""{"currency":"yuan","rates":[]}""", "currency")]
    [InlineData(
        """{"rates":[{"kind":"cpu","effectiveFrom":"2026-01-01","rate":1},{"kind":"cpu","effectiveFrom":"2026-01-01","rate":2}]}""",
        "two cpu rates"
    )]
    [InlineData("""[1,2]""", "rates")]
    public void Parse_Mistake_RefusesTheFileNamingTheProblem(string json, string fragment)
    {
        var ex = Assert.Throws<FormatException>(() => Parse(json));
        Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
    }
}
