using System.Globalization;

namespace Metrics.Tests.Shared;

/// <summary>A CSV read back with CsvHelper (an RFC 4180 reader that is not ours), one dictionary per row, by header.</summary>
public static class CsvRows
{
    public static List<Dictionary<string, string>> Parse(string csv)
    {
        using var reader = new CsvHelper.CsvReader(new StringReader(csv), CultureInfo.InvariantCulture);
        reader.Read();
        reader.ReadHeader();
        string[] header = reader.HeaderRecord!;
        var rows = new List<Dictionary<string, string>>();
        while (reader.Read())
        {
            rows.Add(header.ToDictionary(h => h, h => reader.GetField(h)!));
        }

        return rows;
    }

    /// <summary>The sum of a decimal column (empty cells count as nothing).</summary>
    public static decimal Sum(IEnumerable<Dictionary<string, string>> rows, string column) =>
        rows.Sum(r => r[column].Length == 0 ? 0m : decimal.Parse(r[column], NumberStyles.Number, CultureInfo.InvariantCulture));
}
