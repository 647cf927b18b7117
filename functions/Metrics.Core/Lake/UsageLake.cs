using Metrics.Core.Reports;
using Metrics.Core.Usage;

namespace Metrics.Core.Lake;

/// <summary>
/// A month's usage lines in the lake (<c>usage/month=YYYY-MM/</c>): the finance CSV's columns, typed (hours and money
/// as exact decimals), by institution as billed, with the statement id of a closed month. A closed month's file is its
/// frozen statement's and is written as <see cref="Frozen"/>, the generation no later write can replace; an open month's
/// is provisional and replaced by each later publication (its generation is when it was computed, in UTC ticks).
/// </summary>
public static class UsageLake
{
    /// <summary>The generation of a closed month's lines: nothing replaces them.</summary>
    public const long Frozen = long.MaxValue;

    public static readonly IReadOnlyList<TableColumn<UsageLine>> Columns =
    [
        new("month", ColumnKind.String, l => l.Usage.Month.ToString()),
        new("institution", ColumnKind.String, l => l.Usage.Institution),
        new("gpu_model", ColumnKind.String, l => l.Usage.GpuModel),
        new("jobs", ColumnKind.Integer, l => l.Usage.Jobs),
        new("gpu_hours", ColumnKind.Decimal, l => UsageLine.ReportedHours(l.Usage.Seconds.Gpu)),
        new("active_gpu_hours", ColumnKind.Decimal, l => UsageLine.ReportedHours(l.Usage.Seconds.ActiveGpu)),
        new("observed_gpu_hours", ColumnKind.Decimal, l => UsageLine.ReportedHours(l.Usage.Seconds.ObservedGpu)),
        new("avg_gpu_util_pct", ColumnKind.Decimal, l => l.AvgGpuUtilPct),
        new("cpu_core_hours", ColumnKind.Decimal, l => UsageLine.ReportedHours(l.Usage.Seconds.CpuCore)),
        new("gpu_rate", ColumnKind.Decimal, l => l.GpuRate),
        new("cpu_rate", ColumnKind.Decimal, l => l.CpuRate),
        new("amount", ColumnKind.Decimal, l => l.Amount),
        new("currency", ColumnKind.String, l => l.Currency),
        new("line_type", ColumnKind.String, l => l.TypeName),
        new("adjusts_month", ColumnKind.String, l => l.AdjustsMonth?.ToString()),
        new("voucher_id", ColumnKind.String, l => l.VoucherId),
    ];

    /// <summary>Writes the report's lines as its month's usage file; false when a later (or frozen) one is there.</summary>
    public static Task<bool> PublishAsync(ILakeStore lake, UsageReport report, long generation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lake);
        ArgumentNullException.ThrowIfNull(report);
        TableColumn<UsageLine>[] columns = [.. Columns, new("statement_id", ColumnKind.String, _ => report.Seal?.StatementId)];
        return lake.WriteAsync(
            LakePaths.Usage(report.Month),
            report.Closed ? Frozen : generation,
            (output, _) =>
            {
                ParquetTable.Write(output, report.Lines, columns);
                return Task.CompletedTask;
            },
            cancellationToken
        );
    }
}
