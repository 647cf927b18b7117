using System.Globalization;

namespace Metrics.Core.Tests.Reports;

/// <summary>
/// What the FOCUS export says: which rows a report becomes and what they cost (its conformance to the FOCUS rules is
/// <see cref="FocusRulesTests"/>).
/// </summary>
public sealed class FocusCsvWriterTests
{
    private static readonly BillingMonth November = new(2026, 11);

    internal static UsageReport Report()
    {
        var usage = new UsageLine(
            new MonthlyUsage(November, "inst-1", "H100", "", 2, new UsageSeconds(36_000m, 7_200m, 18_000m, 36_000m)),
            26.00m,
            0.12m,
            260.24m,
            "CNY"
        );
        var adjustment = new UsageLine(
            new MonthlyUsage(November, "inst-1", "H100", "", 0, new UsageSeconds(-3_600m, 0, 0, 0)),
            25.00m,
            0.12m,
            -25.00m,
            "CNY"
        )
        {
            Type = UsageLineType.Adjustment,
            AdjustsMonth = November.Previous(),
        };
        var credit = new UsageLine(
            new MonthlyUsage(November, "inst-1", string.Empty, "", 0, new UsageSeconds(0, 0, 0, 0)),
            null,
            null,
            -100.00m,
            "CNY"
        )
        {
            Type = UsageLineType.Credit,
            VoucherId = "V-1",
        };
        var report = new UsageReport(November, "Asia/Shanghai", [usage, adjustment, credit], []);
        MonthlyUsage[] accounts =
        [
            new(November, "inst-1", "H100", "proj-a", 1, new UsageSeconds(12_000m, 7_200m, 6_000m, 12_000m)),
            new(November, "inst-1", "H100", "proj-b", 1, new UsageSeconds(24_000m, 0m, 12_000m, 24_000m)),
        ];
        return AccountBreakdown.Split(report, accounts);
    }

    private static (string[] Header, List<Dictionary<string, string>> Rows) Parse(string csv) =>
        (csv[..csv.IndexOf("\r\n", StringComparison.Ordinal)].Split(','), CsvRows.Parse(csv));

    [Fact]
    public void Write_MapsTheLines_AndBilledCostAddsUpToTheStatementTotal()
    {
        UsageReport report = Report();
        (_, List<Dictionary<string, string>> rows) = Parse(FocusCsvWriter.Write(report));

        Assert.Equal(
            [
                ("Usage", "", "proj-a", "H100", "3.3333", "2026-10-31T16:00:00Z"),
                ("Usage", "", "proj-a", "CPU-CORE", "2.0000", "2026-10-31T16:00:00Z"),
                ("Usage", "", "proj-b", "H100", "6.6667", "2026-10-31T16:00:00Z"),
                ("Usage", "Correction", "", "H100", "-1.0000", "2026-09-30T16:00:00Z"),
                ("Credit", "", "", "", "", "2026-10-31T16:00:00Z"),
            ],
            rows.Select(r =>
                    (r["ChargeCategory"], r["ChargeClass"], r["SubAccountId"], r["SkuId"], r["PricingQuantity"], r["ChargePeriodStart"])
                )
                .ToArray()
        );
        Assert.All(
            rows,
            r =>
                Assert.Equal(
                    ("inst-1", "2026-10-31T16:00:00Z", "2026-11-30T16:00:00Z"),
                    (r["BillingAccountId"], r["BillingPeriodStart"], r["BillingPeriodEnd"])
                )
        );
        // 260.24 - 25.00 - 100.00 = 135.24, the statement's total.
        Assert.Equal(135.24m, rows.Sum(r => decimal.Parse(r["BilledCost"], CultureInfo.InvariantCulture)));
        Assert.Equal(report.Lines.Sum(l => l.Amount!.Value), rows.Sum(r => decimal.Parse(r["BilledCost"], CultureInfo.InvariantCulture)));
        Assert.Equal("V-1", rows[4]["x_VoucherId"]);
        Assert.Equal("2026-10", rows[3]["x_AdjustsMonth"]);
    }

    [Fact]
    public void Write_ClosedMonth_NamesItsStatement()
    {
        FrozenStatement frozen = FrozenStatement.Freeze(Report() with { ByAccount = false }, [], DateTimeOffset.UnixEpoch);
        (_, List<Dictionary<string, string>> rows) = Parse(FocusCsvWriter.Write(frozen.ReportByAccountFor(null)));
        Assert.All(rows, r => Assert.Equal(frozen.Seal.StatementId, r["x_StatementId"]));
    }

    [Fact]
    public void Write_UnpricedLine_IsRefusedNamingTheModel()
    {
        var unpriced = new UsageLine(
            new MonthlyUsage(November, "inst-1", "B300", "", 1, new UsageSeconds(3_600m, 0, 0, 0)),
            null,
            0.12m,
            null,
            "CNY"
        );
        InvalidOperationException refused = Assert.Throws<InvalidOperationException>(() =>
            FocusCsvWriter.Write(new UsageReport(November, "Asia/Shanghai", [unpriced], []))
        );
        Assert.Contains("'B300'", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_OneRowPerMeter_UnitPriceTimesQuantityIsListCost_AndTheMetersBillTheLineToTheCent()
    {
        // 1.2345 GPU-hours at 2.75 = 3.394875 and 0.3333 core-hours at 0.07 = 0.023331: the line bills 3.42 (3.418206),
        // its meters 3.39 (rounded) and 0.03 (the rest), not 3.39 + 0.02.
        var line = new UsageLine(
            new MonthlyUsage(November, "inst-9", "A100", "", 1, new UsageSeconds(4_444.2m, 1_199.88m, 0m, 4_444.2m)),
            2.75m,
            0.07m,
            UsagePricing.Amount(1.2345m, 0.3333m, 2.75m, 0.07m),
            "EUR"
        );
        (_, List<Dictionary<string, string>> rows) = Parse(FocusCsvWriter.Write(new UsageReport(November, "Europe/Paris", [line], [])));

        Assert.Equal(3.42m, line.Amount);
        Assert.Equal(["A100", "CPU-CORE"], rows.Select(r => r["SkuId"]));
        Assert.Equal(["3.39", "0.03"], rows.Select(r => r["BilledCost"]));
        Assert.Equal(["A100:EUR:2.75", "CPU-CORE:EUR:0.07"], rows.Select(r => r["SkuPriceId"]));
        Assert.Equal(["GPU-Hours", "Core-Hours"], rows.Select(r => r["PricingUnit"]));
        Assert.All(rows, r => Assert.Equal(D(r["ListCost"]), D(r["ListUnitPrice"]) * D(r["PricingQuantity"])));
        Assert.All(rows, r => Assert.Equal(r["ListUnitPrice"], r["ContractedUnitPrice"]));
        Assert.All(rows, r => Assert.Equal(r["BilledCost"], r["EffectiveCost"]));
        Assert.Equal(3.394875m, D(rows[0]["ListCost"]));
    }

    private static decimal D(string cell) => decimal.Parse(cell, NumberStyles.Float, CultureInfo.InvariantCulture);
}
