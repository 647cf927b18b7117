namespace Metrics.Core.Reports;

/// <summary>
/// The month as a FinOps FOCUS 1.2 cost and usage dataset in CSV (RFC 4180, CRLF, a header row): the rows of
/// <see cref="FocusRows"/> in the columns of <see cref="FocusColumns"/>. Decimals are written as computed (costs billed to
/// the cent with 2 decimals, quantities with the report's 4), date-times as ISO 8601 UTC with a Z, null as an empty cell.
/// </summary>
public static class FocusCsvWriter
{
    /// <exception cref="InvalidOperationException">A line has no amount (no rate in force for its model).</exception>
    public static string Write(UsageReport report)
    {
        IReadOnlyList<FocusRow> rows = FocusRows.From(report);
        var csv = new StringBuilder();
        csv.AppendJoin(',', FocusColumns.All.Select(c => c.Name)).Append("\r\n");
        foreach (FocusRow row in rows)
        {
            csv.AppendJoin(',', FocusColumns.All.Select(c => UsageCsvWriter.Cell(Text(c.Value(row))))).Append("\r\n");
        }

        return csv.ToString();
    }

    private static string Text(object? value) =>
        value switch
        {
            null => string.Empty,
            decimal d => d.ToString(CultureInfo.InvariantCulture),
            DateTimeOffset t => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            _ => (string)value,
        };
}
