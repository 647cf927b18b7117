using Metrics.Core.Usage;

namespace Metrics.Core.Reports;

/// <summary>
/// The month as a FinOps FOCUS 1.2 cost and usage dataset (CSV): one row per charge of the report by account. Usage
/// lines are <c>Usage</c> charges, adjustments are <c>Usage</c> charges of class <c>Correction</c>, voucher credits are
/// <c>Credit</c> charges. The institution is the billing account, the project (account) the sub-account, the GPU model
/// the SKU, and GPU-hours the consumed and the pricing quantity. Costs are the statement's amounts: the centre bills at
/// its list rates with no discount (vouchers are credits), so billed, effective, list and contracted cost are equal, and
/// the sum of <c>BilledCost</c> is the statement's total to the cent. Column by column in docs/billing.md.
/// </summary>
public static class FocusCsvWriter
{
    /// <summary>The FOCUS version the columns follow.</summary>
    public const string FocusVersion = "1.2";

    /// <summary>
    /// Who issues the invoices, provides and publishes the service (FOCUS InvoiceIssuerName, ProviderName, PublisherName).
    /// </summary>
    public const string DefaultProviderName = "National AI Computing Centre";

    /// <summary>
    /// FOCUS 1.2's mandatory columns, then the conditional and recommended ones that apply, then the centre's own (<c>x_</c>).
    /// </summary>
    public static readonly IReadOnlyList<string> Columns =
    [
        "BilledCost",
        "BillingAccountId",
        "BillingAccountName",
        "BillingCurrency",
        "BillingPeriodEnd",
        "BillingPeriodStart",
        "ChargeCategory",
        "ChargeClass",
        "ChargeDescription",
        "ChargeFrequency",
        "ChargePeriodEnd",
        "ChargePeriodStart",
        "ConsumedQuantity",
        "ConsumedUnit",
        "ContractedCost",
        "EffectiveCost",
        "InvoiceIssuerName",
        "ListCost",
        "PricingCategory",
        "PricingQuantity",
        "PricingUnit",
        "ProviderName",
        "PublisherName",
        "ServiceCategory",
        "ServiceName",
        "ServiceSubcategory",
        "SkuId",
        "SubAccountId",
        "SubAccountName",
        "x_AdjustsMonth",
        "x_CpuCoreHours",
        "x_CpuRate",
        "x_GpuRate",
        "x_StatementId",
        "x_VoucherId",
    ];

    /// <summary>What the centre sells, in FOCUS's words.</summary>
    public const string ServiceName = "GPU Compute";

    public const string GpuHours = "GPU-Hours";

    /// <summary>The report by account as FOCUS rows. Every line must be priced: FOCUS costs are never null.</summary>
    /// <exception cref="InvalidOperationException">A line has no amount (no rate in force for its model).</exception>
    public static string Write(UsageReport report, string providerName = DefaultProviderName)
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
        var csv = new StringBuilder();
        csv.AppendJoin(',', Columns).Append("\r\n");
        foreach (UsageLine line in report.Lines)
        {
            csv.AppendJoin(',', Row(report, line, calendar, providerName).Select(UsageCsvWriter.Cell)).Append("\r\n");
        }

        return csv.ToString();
    }

    private static string[] Row(UsageReport report, UsageLine line, BillingCalendar calendar, string providerName)
    {
        MonthlyUsage u = line.Usage;
        bool credit = line.Type == UsageLineType.Credit;
        string cost = line.Amount!.Value.ToString("F2", CultureInfo.InvariantCulture);
        string? hours = credit ? null : UsageCsvWriter.Hours(u.Seconds.Gpu);

        // The charge period is the usage's: for a correction, the closed month it corrects. The billing period is the
        // month whose statement carries the row.
        BillingMonth charged = line.AdjustsMonth ?? report.Month;
        string? account = string.IsNullOrEmpty(line.Account) ? null : line.Account;
        return
        [
            cost,
            u.Institution,
            u.Institution,
            line.Currency,
            Utc(calendar.EndUtc(report.Month)),
            Utc(calendar.StartUtc(report.Month)),
            credit ? "Credit" : "Usage",
            line.Type == UsageLineType.Adjustment ? "Correction" : string.Empty,
            line.Type switch
            {
                UsageLineType.Credit => $"Compute voucher {line.VoucherId} towards {report.Month}",
                UsageLineType.Adjustment => $"Correction of {charged} for {u.GpuModel}: usage that changed after the month closed",
                _ => $"{u.GpuModel} GPU-hours with CPU core-hours, {report.Month}",
            },
            credit ? "One-Time" : "Usage-Based",
            Utc(calendar.EndUtc(charged)),
            Utc(calendar.StartUtc(charged)),
            hours ?? string.Empty,
            credit ? string.Empty : GpuHours,
            cost,
            cost,
            providerName,
            cost,
            credit ? string.Empty : "Standard",
            hours ?? string.Empty,
            credit ? string.Empty : GpuHours,
            providerName,
            providerName,
            "Compute",
            ServiceName,
            "Other (Compute)",
            credit ? string.Empty : u.GpuModel,
            account ?? string.Empty,
            account ?? string.Empty,
            line.AdjustsMonth?.ToString() ?? string.Empty,
            credit ? string.Empty : UsageCsvWriter.Hours(u.Seconds.CpuCore),
            line.CpuRate?.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
            line.GpuRate?.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
            report.Seal?.StatementId ?? string.Empty,
            line.VoucherId ?? string.Empty,
        ];
    }

    /// <summary>FOCUS date-times: ISO 8601 in UTC with a Z.</summary>
    private static string Utc(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
