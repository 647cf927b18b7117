namespace Metrics.Core.Tests.Pricing;

public sealed class UsagePricingTests
{
    private static readonly BillingMonth s_november = new(2026, 11);
    private static readonly BillingMonth s_december = new(2026, 12);

    private static readonly RateCard s_card = new([
        new RateEntry(RateKind.Gpu, "H100", new DateOnly(2026, 1, 1), 28.50m, "CNY"),
        new RateEntry(RateKind.Gpu, "H100", new DateOnly(2026, 12, 1), 26.00m, "CNY"),
        new RateEntry(RateKind.Gpu, "H100", new DateOnly(2026, 12, 15), 1.00m, "CNY"),
        new RateEntry(RateKind.Cpu, null, new DateOnly(2026, 1, 1), 0.12m, "CNY"),
    ]);

    /// <summary>A line from figures in hours, stored as the exact seconds billing keeps.</summary>
    private static MonthlyUsage Usage(
        BillingMonth month,
        decimal gpuHours,
        decimal cpuHours = 0,
        string model = "H100",
        string institution = "inst-1"
    ) => new(month, institution, model, "", 1, new UsageSeconds(gpuHours * 3600, cpuHours * 3600, gpuHours * 3600 / 2, gpuHours * 3600));

    [Fact]
    public void Price_RateChangeBetweenMonths_EachMonthUsesTheRateInForceOnItsFirstDay()
    {
        UsageLine november = Assert.Single(UsagePricing.Price(s_november, "Asia/Shanghai", [Usage(s_november, 10m)], s_card).Lines);
        UsageLine december = Assert.Single(UsagePricing.Price(s_december, "Asia/Shanghai", [Usage(s_december, 10m)], s_card).Lines);

        Assert.Equal((28.50m, 285.00m), (november.GpuRate, november.Amount));
        Assert.Equal((26.00m, 260.00m), (december.GpuRate, december.Amount));
    }

    [Fact]
    public void Price_GpuAndCpu_AddUpPerLine()
    {
        UsageLine line = Assert.Single(UsagePricing.Price(s_november, "Asia/Shanghai", [Usage(s_november, 2m, 100m)], s_card).Lines);

        Assert.Equal(2m * 28.50m + 100m * 0.12m, line.Amount);
        Assert.Equal(0.12m, line.CpuRate);
        Assert.Equal("CNY", line.Currency);
    }

    [Fact]
    public void Price_HalfCent_RoundsAwayFromZero()
    {
        var card = new RateCard([new RateEntry(RateKind.Gpu, "H100", new DateOnly(2026, 1, 1), 0.01m, "CNY")]);

        // 0.5 h x 0.01 = 0.005: banker's rounding would give 0.00; the contract says away from zero, 0.01.
        Assert.Equal(0.01m, Assert.Single(UsagePricing.Price(s_november, "UTC", [Usage(s_november, 0.5m)], card).Lines).Amount);
    }

    [Fact]
    public void Price_UsesTheHoursAsReported()
    {
        var card = new RateCard([new RateEntry(RateKind.Gpu, "H100", new DateOnly(2026, 1, 1), 1000m, "CNY")]);

        // 1.00004 h shows as 1.0000 in the CSV; the amount is computed from what finance sees: 1000.00, not 1000.04.
        Assert.Equal(1000.00m, Assert.Single(UsagePricing.Price(s_november, "UTC", [Usage(s_november, 1.00004m)], card).Lines).Amount);
    }

    [Fact]
    public void Price_ModelWithoutRate_KeepsItsHoursIsUnpricedAndWarns()
    {
        UsageReport report = UsagePricing.Price(s_november, "UTC", [Usage(s_november, 3m, model: "B200")], s_card);

        UsageLine line = Assert.Single(report.Lines);
        Assert.Null(line.Amount);
        Assert.False(line.Priced);
        Assert.Equal(3m * 3600, line.Usage.Seconds.Gpu);
        Assert.Contains(report.Warnings, w => w.Contains("'B200'", StringComparison.Ordinal));
    }

    [Fact]
    public void Price_CpuHoursWithoutACpuRate_AreNeverBilledAtZero()
    {
        var card = new RateCard([new RateEntry(RateKind.Gpu, "H100", new DateOnly(2026, 1, 1), 28.50m, "CNY")]);

        UsageReport report = UsagePricing.Price(s_november, "UTC", [Usage(s_november, 1m, 10m)], card);

        Assert.Null(Assert.Single(report.Lines).Amount);
        Assert.Contains(report.Warnings, w => w.Contains("CPU", StringComparison.Ordinal));
    }

    [Fact]
    public void Price_RateNotYetInForce_IsNotUsed()
    {
        var card = new RateCard([new RateEntry(RateKind.Gpu, "H100", new DateOnly(2026, 11, 2), 28.50m, "CNY")]);

        Assert.Null(Assert.Single(UsagePricing.Price(s_november, "UTC", [Usage(s_november, 1m)], card).Lines).Amount);
    }

    [Fact]
    public void Csv_Report_FollowsTheContract()
    {
        UsageReport report = UsagePricing.Price(
            s_november,
            "Asia/Shanghai",
            [
                Usage(s_november, 1.23456m, 10m, institution: "inst-2"),
                Usage(s_november, 2m, model: "B200", institution: "inst-1"),
                Usage(s_november, 0m, institution: "inst-1"),
            ],
            s_card
        );

        string csv = UsageCsvWriter.Write(report);

        Assert.Equal(
            "month,institution,gpu_model,jobs,gpu_hours,active_gpu_hours,observed_gpu_hours,avg_gpu_util_pct,cpu_core_hours,gpu_rate,"
                + "amount,currency,line_type,adjusts_month\r\n"
                + "2026-11,inst-1,B200,1,2.0000,1.0000,2.0000,50.00,0.0000,,,CNY,usage,\r\n"
                + "2026-11,inst-1,H100,1,0.0000,0.0000,0.0000,,0.0000,28.50,0.00,CNY,usage,\r\n"
                + "2026-11,inst-2,H100,1,1.2346,0.6173,1.2346,50.00,10.0000,28.50,36.39,CNY,usage,\r\n",
            csv
        );
    }

    [Theory]
    [InlineData("=SUM(A1:A9)", "'=SUM(A1:A9)")]
    [InlineData("+cmd", "'+cmd")]
    [InlineData("-1+1", "'-1+1")]
    [InlineData("@x", "'@x")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("=a,b", "\"'=a,b\"")]
    [InlineData("-12.5", "-12.5")]
    [InlineData("plain", "plain")]
    public void Cell_FormulaInjectionAndQuoting_AreHandled(string value, string expected)
    {
        Assert.Equal(expected, UsageCsvWriter.Cell(value));
    }

    [Fact]
    public void Json_UnpricedLine_IsMarkedAndHasNullAmount()
    {
        UsageReport report = UsagePricing.Price(s_november, "Asia/Shanghai", [Usage(s_november, 2m, model: "B200")], s_card);

        using var doc = System.Text.Json.JsonDocument.Parse(Encoding.UTF8.GetBytes(UsageJsonWriter.Write(report)));
        var line = doc.RootElement.GetProperty("lines")[0];
        Assert.False(line.GetProperty("priced").GetBoolean());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, line.GetProperty("amount").ValueKind);
        Assert.Equal("2.0000", line.GetProperty("gpu_hours").GetRawText());
        Assert.Equal("Asia/Shanghai", doc.RootElement.GetProperty("time_zone").GetString());
        Assert.Single(doc.RootElement.GetProperty("warnings").EnumerateArray());
    }
}
