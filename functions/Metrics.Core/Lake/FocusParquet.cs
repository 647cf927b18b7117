using Metrics.Core.Reports;

namespace Metrics.Core.Lake;

/// <summary>
/// The FOCUS dataset (<see cref="FocusRows"/>, <see cref="FocusColumns"/>) as Parquet, its columns typed as FOCUS types them.
/// </summary>
public static class FocusParquet
{
    private static readonly IReadOnlyList<TableColumn<FocusRow>> s_columns = FocusColumns
        .All.Select(c => new TableColumn<FocusRow>(
            c.Name,
            c.Type switch
            {
                FocusType.Decimal => ColumnKind.Decimal,
                FocusType.DateTime => ColumnKind.Timestamp,
                _ => ColumnKind.String,
            },
            c.Value
        ))
        .ToArray();

    /// <exception cref="InvalidOperationException">A line has no amount (no rate in force for its model).</exception>
    public static void Write(Stream output, UsageReport report) => ParquetTable.Write(output, FocusRows.From(report), s_columns);
}
