using Metrics.Core.Usage;

namespace Metrics.Core.Reports;

/// <summary>
/// The month's report by account as FOCUS 1.2 rows: each usage or adjustment line becomes one row per priced meter it
/// used (GPU-hours always, CPU core-hours when it has any), so that on every row
/// <c>ListUnitPrice x PricingQuantity = ListCost</c> exactly (the reported hours, 4 decimals, times the rate in force);
/// a voucher's credit is one <c>Credit</c> row. Billed and effective costs are what the statement invoices, split by
/// meter so that a line's rows add up to its amount to the cent: the GPU row bills its list cost rounded to the cent
/// (half away from zero, as the statement rounds), the CPU row the rest of the line's amount. The centre sells at its
/// list prices with no discount, so the contracted unit price is the list unit price and effective cost is billed cost.
/// </summary>
public static class FocusRows
{
    /// <exception cref="InvalidOperationException">A line has no amount (no rate in force for its model).</exception>
    public static IReadOnlyList<FocusRow> From(UsageReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        string[] unpriced = report
            .Lines.Where(l => !l.Priced)
            .Select(l => l.Usage.GpuModel)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToArray();
        if (unpriced.Length > 0)
        {
            throw new InvalidOperationException(
                $"{report.Month} has unpriced lines (models {string.Join(", ", unpriced.Select(m => $"'{m}'"))}): FOCUS costs cannot be "
                    + $"null and are never billed at 0; import their rates first"
            );
        }

        BillingCalendar calendar = BillingCalendar.Create(report.TimeZoneId);
        var rows = new List<FocusRow>(report.Lines.Count * 2);
        foreach (UsageLine line in report.Lines)
        {
            FocusRow common = Common(report, line, calendar);
            if (line.Type == UsageLineType.Credit)
            {
                rows.Add(common);
                continue;
            }

            // Written as the report writes them: hours with 4 decimals, costs billed with 2.
            decimal gpuHours = UsageLine.ReportedHours(line.Usage.Seconds.Gpu) + 0.0000m,
                cpuHours = UsageLine.ReportedHours(line.Usage.Seconds.CpuCore) + 0.0000m;
            bool cpu = cpuHours != 0;
            decimal gpuList = gpuHours * line.GpuRate!.Value;
            decimal gpuBilled = cpu ? Math.Round(gpuList, 2, MidpointRounding.AwayFromZero) + 0.00m : line.Amount!.Value + 0.00m;
            rows.Add(Meter(report.Month, common, line, FocusMeter.Gpu(line.Usage.GpuModel), gpuHours, line.GpuRate.Value, gpuBilled));
            if (cpu)
            {
                rows.Add(
                    Meter(report.Month, common, line, FocusMeter.Cpu, cpuHours, line.CpuRate!.Value, line.Amount!.Value - gpuBilled + 0.00m)
                );
            }
        }

        return rows;
    }

    private static FocusRow Meter(
        BillingMonth month,
        FocusRow common,
        UsageLine line,
        FocusMeter meter,
        decimal hours,
        decimal unitPrice,
        decimal billed
    )
    {
        decimal list = hours * unitPrice;
        string what = meter == FocusMeter.Cpu ? "CPU core-hours" : $"{line.Usage.GpuModel} GPU-hours";
        return common with
        {
            BilledCost = billed,
            EffectiveCost = billed,
            ListCost = list,
            ContractedCost = list,
            ListUnitPrice = unitPrice,
            ContractedUnitPrice = unitPrice,
            PricingQuantity = hours,
            ConsumedQuantity = hours,
            PricingUnit = meter.Unit,
            ConsumedUnit = meter.Unit,
            PricingCategory = "Standard",
            SkuId = meter.SkuId,
            SkuMeter = meter.SkuMeter,
            SkuPriceId = meter.PriceId(unitPrice, line.Currency),
            SkuPriceDetails = meter.PriceDetails,
            ChargeDescription =
                line.Type == UsageLineType.Adjustment
                    ? $"Correction of {line.AdjustsMonth} {what}: usage that changed after the month closed"
                    : $"{what}, {month}",
        };
    }

    /// <summary>The columns every row of a line shares; a credit row as it is.</summary>
    private static FocusRow Common(UsageReport report, UsageLine line, BillingCalendar calendar)
    {
        bool credit = line.Type == UsageLineType.Credit;
        // The charge period is the usage's: for a correction, the closed month it corrects. The billing period is the
        // month whose statement carries the row.
        BillingMonth charged = line.AdjustsMonth ?? report.Month;
        decimal amount = line.Amount!.Value + 0.00m;
        return new FocusRow
        {
            BilledCost = amount,
            EffectiveCost = amount,
            ListCost = amount,
            ContractedCost = amount,
            BillingAccountId = line.Usage.Institution,
            BillingCurrency = line.Currency,
            BillingPeriodStart = calendar.StartUtc(report.Month),
            BillingPeriodEnd = calendar.EndUtc(report.Month),
            ChargeCategory = credit ? "Credit" : "Usage",
            ChargeClass = line.Type == UsageLineType.Adjustment ? "Correction" : null,
            ChargeDescription = $"Compute voucher {line.VoucherId} towards {report.Month}",
            ChargeFrequency = credit ? "One-Time" : "Usage-Based",
            ChargePeriodStart = calendar.StartUtc(charged),
            ChargePeriodEnd = calendar.EndUtc(charged),
            SubAccountId = string.IsNullOrEmpty(line.Account) ? null : line.Account,
            AdjustsMonth = line.AdjustsMonth?.ToString(),
            GpuModel = credit ? null : line.Usage.GpuModel,
            StatementId = report.Seal?.StatementId,
            VoucherId = line.VoucherId,
        };
    }
}
