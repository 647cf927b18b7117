using DuckDB.NET.Data;
using Metrics.Tests.Shared.Focus;

namespace Metrics.Integration.Tests;

/// <summary>A FOCUS Parquet export read by DuckDB (a reader independent of the writer), its cells as DuckDB types them.</summary>
internal static class FocusParquetTable
{
    public static FocusTable Read(string path)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT * FROM read_parquet($path)";
        command.Parameters.Add(new DuckDBParameter("path", path));
        using var reader = command.ExecuteReader();
        string[] columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToArray();
        var rows = new List<IReadOnlyDictionary<string, object?>>();
        while (reader.Read())
        {
            rows.Add(
                columns
                    .Select((c, i) => (c, reader.IsDBNull(i) ? null : Cell(reader.GetValue(i))))
                    .ToDictionary(p => p.c, p => p.Item2, StringComparer.Ordinal)
            );
        }

        return new FocusTable(columns, rows);
    }

    private static object? Cell(object value) =>
        value switch
        {
            DateTimeOffset t => t.UtcDateTime,
            DateTime t => DateTime.SpecifyKind(t, DateTimeKind.Utc),
            _ => value,
        };
}
