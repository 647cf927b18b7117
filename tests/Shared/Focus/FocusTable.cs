using System.Globalization;

namespace Metrics.Tests.Shared.Focus;

/// <summary>
/// A FOCUS dataset as the FOCUS validator sees it once loaded: named columns, and cells that are null, a string, a
/// decimal or a date-time. A CSV is typed the way the validator's loader types it, by each column's type in the rules
/// model (an empty cell is null; a decimal column's cell that does not parse stays a string, and fails its type rule).
/// </summary>
public sealed class FocusTable(IReadOnlyList<string> columns, IReadOnlyList<IReadOnlyDictionary<string, object?>> rows)
{
    public IReadOnlyList<string> Columns { get; } = columns;

    public IReadOnlyList<IReadOnlyDictionary<string, object?>> Rows { get; } = rows;

    public bool Has(string column) => Columns.Contains(column, StringComparer.Ordinal);

    public static FocusTable FromCsv(string csv, FocusRulesModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        List<Dictionary<string, string>> raw = CsvRows.Parse(csv);
        string[] header = csv[..csv.IndexOf("\r\n", StringComparison.Ordinal)].Split(',');
        var rows = raw.Select(r =>
                (IReadOnlyDictionary<string, object?>)
                    r.ToDictionary(kv => kv.Key, kv => Typed(kv.Value, model.TypeOf(kv.Key)), StringComparer.Ordinal)
            )
            .ToList();
        return new FocusTable(header, rows);
    }

    /// <summary>The same table with one column removed, to show that the rules notice.</summary>
    public FocusTable Without(string column) =>
        new(
            Columns.Where(c => c != column).ToArray(),
            Rows.Select(r => (IReadOnlyDictionary<string, object?>)r.Where(kv => kv.Key != column).ToDictionary(StringComparer.Ordinal))
                .ToList()
        );

    private static object? Typed(string cell, string? type) =>
        cell.Length == 0 ? null
        : type == "TypeDecimal" && decimal.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal d) ? d
        : cell;
}
