using Metrics.Core.Usage;

namespace Metrics.Core.Reports;

/// <summary>
/// The finance CSV contract (v2): RFC 4180 (CRLF, quoted where needed), a header row, one row per (institution, GPU model)
/// and line type, sorted by institution, then usage before adjustments before credits, then adjusted month and model; hours with 4
/// decimals, amounts with 2. A cell starting with <c>= + - @</c> (or a
/// tab or carriage return) is prefixed with <c>'</c> so a spreadsheet never runs it as a formula.
/// </summary>
public static class UsageCsvWriter
{
    /// <summary>Contract v2: v1's twelve columns unchanged, then <c>line_type</c> and <c>adjusts_month</c>.</summary>
    public const string Header =
        "month,institution,gpu_model,jobs,gpu_hours,active_gpu_hours,observed_gpu_hours,avg_gpu_util_pct,cpu_core_hours,gpu_rate,amount,"
        + "currency,line_type,adjusts_month";

    /// <summary>A report by account has one more column at the end: the project each line is for.</summary>
    public const string AccountColumn = "account";

    public static string Write(UsageReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var csv = new StringBuilder();
        csv.Append(Header);
        if (report.ByAccount)
        {
            csv.Append(',').Append(AccountColumn);
        }

        csv.Append("\r\n");
        foreach (UsageLine line in report.Lines)
        {
            MonthlyUsage u = line.Usage;
            string[] cells =
            [
                u.Month.ToString(),
                u.Institution,
                u.GpuModel,
                u.Jobs.ToString(CultureInfo.InvariantCulture),
                Hours(u.Seconds.Gpu),
                Hours(u.Seconds.ActiveGpu),
                Hours(u.Seconds.ObservedGpu),
                line.AvgGpuUtilPct?.ToString("F2", CultureInfo.InvariantCulture) ?? string.Empty,
                Hours(u.Seconds.CpuCore),
                line.GpuRate?.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
                line.Amount?.ToString("F2", CultureInfo.InvariantCulture) ?? string.Empty,
                line.Currency,
                line.TypeName,
                line.AdjustsMonth?.ToString() ?? string.Empty,
            ];
            csv.AppendJoin(',', cells.Select(Cell));
            if (report.ByAccount)
            {
                csv.Append(',').Append(Cell(line.Account ?? string.Empty));
            }

            csv.Append("\r\n");
        }

        return csv.ToString();
    }

    /// <summary>Exact seconds as hours with 4 decimals.</summary>
    public static string Hours(decimal seconds) => UsageLine.ReportedHours(seconds).ToString("F4", CultureInfo.InvariantCulture);

    /// <summary>Neutralises formula injection, then applies RFC 4180 quoting.</summary>
    public static string Cell(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' && !IsNumber(value))
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;
    }

    /// <summary>A negative number is data, not a formula; figures are never escaped.</summary>
    private static bool IsNumber(string value) =>
        decimal.TryParse(value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out _);
}
