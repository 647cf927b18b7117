using System.Globalization;

namespace Metrics.Core.Tests.Reports;

/// <summary>
/// The FOCUS export against FOCUS 1.2's column definitions (FOCUS_Spec, specification/columns): every mandatory column
/// present, of its type, and non-null where the spec says so; and its costs add up to the statement's total.
/// </summary>
public sealed class FocusCsvWriterTests
{
    private static readonly BillingMonth November = new(2026, 11);

    /// <summary>FOCUS 1.2's mandatory columns, written out here rather than taken from the writer.</summary>
    private static readonly string[] Mandatory = (
        "BilledCost BillingAccountId BillingAccountName BillingCurrency BillingPeriodEnd BillingPeriodStart "
        + "ChargeCategory ChargeClass ChargeDescription ChargePeriodEnd ChargePeriodStart ContractedCost "
        + "EffectiveCost InvoiceIssuerName ListCost PricingQuantity PricingUnit ProviderName PublisherName "
        + "ServiceCategory ServiceName"
    ).Split(' ');

    /// <summary>Columns that may never be null (ChargeClass, PricingQuantity and PricingUnit may).</summary>
    private static readonly string[] NeverNull = (
        "BilledCost BillingAccountId BillingAccountName BillingCurrency BillingPeriodEnd BillingPeriodStart "
        + "ChargeCategory ChargeDescription ChargePeriodEnd ChargePeriodStart ContractedCost EffectiveCost "
        + "InvoiceIssuerName ListCost ProviderName PublisherName ServiceCategory ServiceName"
    ).Split(' ');

    private static UsageReport Report()
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
    public void Write_HasEveryMandatoryColumn_TypedAndNonNullWhereTheSpecSays()
    {
        (string[] header, List<Dictionary<string, string>> rows) = Parse(FocusCsvWriter.Write(Report()));

        Assert.Empty(Mandatory.Except(header));
        Assert.Equal(4, rows.Count);
        foreach (Dictionary<string, string> row in rows)
        {
            Assert.All(NeverNull, column => Assert.NotEqual(string.Empty, row[column]));
            foreach (string cost in new[] { "BilledCost", "EffectiveCost", "ListCost", "ContractedCost" })
            {
                Assert.True(
                    decimal.TryParse(row[cost], NumberStyles.Number, CultureInfo.InvariantCulture, out _),
                    $"{cost} '{row[cost]}' is not a decimal"
                );
            }

            foreach (string date in new[] { "BillingPeriodStart", "BillingPeriodEnd", "ChargePeriodStart", "ChargePeriodEnd" })
            {
                Assert.True(
                    DateTimeOffset.TryParseExact(
                        row[date],
                        "yyyy-MM-dd'T'HH:mm:ss'Z'",
                        CultureInfo.InvariantCulture,
                        DateTimeStyles.AssumeUniversal,
                        out _
                    ),
                    $"{date} '{row[date]}' is not ISO 8601 UTC"
                );
            }

            Assert.Contains(row["ChargeCategory"], new[] { "Usage", "Purchase", "Tax", "Credit", "Adjustment" });
            Assert.Contains(row["ChargeClass"], new[] { string.Empty, "Correction" });
            // PricingUnit is null exactly when PricingQuantity is; usage that is not a correction has both.
            Assert.Equal(row["PricingQuantity"].Length == 0, row["PricingUnit"].Length == 0);
            if (row["ChargeCategory"] == "Usage")
            {
                Assert.NotEqual(string.Empty, row["PricingQuantity"]);
                Assert.NotEqual(string.Empty, row["ConsumedQuantity"]);
                Assert.Equal("Standard", row["PricingCategory"]);
            }
        }
    }

    [Fact]
    public void Write_MapsTheLines_AndBilledCostAddsUpToTheStatementTotal()
    {
        UsageReport report = Report();
        (_, List<Dictionary<string, string>> rows) = Parse(FocusCsvWriter.Write(report));

        Assert.Equal(
            [
                ("Usage", "", "proj-a", "H100", "3.3333", "2026-10-31T16:00:00Z"),
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
        Assert.Equal("V-1", rows[3]["x_VoucherId"]);
        Assert.Equal("2026-10", rows[2]["x_AdjustsMonth"]);
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
}
