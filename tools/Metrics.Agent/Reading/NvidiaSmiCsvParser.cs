using System.Globalization;

namespace Metrics.Agent.Reading;

/// <summary>
/// Parses <c>nvidia-smi --query-gpu=... --format=csv[,noheader][,nounits]</c> output. Handles the real quirks:
/// timestamps in the node's local time with no zone (<c>2026/11/27 09:49:16.210</c>), <c>[N/A]</c> and similar
/// placeholders, unit suffixes (<c>81559 MiB</c>, <c>87.29 W</c>) when <c>nounits</c> was not given, and power draws
/// above the power limit (real under load, not an error).
/// </summary>
public sealed class NvidiaSmiCsvParser(IReadOnlyList<string> fields, TimeZoneInfo nodeTimeZone)
{
    private static readonly string[] s_units = [" %", " MiB", " W", " MHz", " C"];

    /// <summary>Parses CSV output. A header line (as with <c>--format=csv</c>) replaces the configured field list.</summary>
    public IReadOnlyList<GpuStatus> Parse(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        IReadOnlyList<string> columns = fields;
        var gpus = new List<GpuStatus>();
        foreach (string raw in output.Split('\n'))
        {
            string line = raw.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            string[] cells = line.Split(',').Select(c => c.Trim()).ToArray();
            if (cells[0] == "timestamp" || cells[0].StartsWith("timestamp ", StringComparison.Ordinal))
            {
                columns = cells.Select(c => c.Split(' ')[0]).ToArray();
                continue;
            }

            if (cells.Length != columns.Count)
            {
                throw new FormatException($"nvidia-smi line has {cells.Length} fields, expected {columns.Count}: {line}");
            }

            gpus.Add(ParseLine(columns, cells));
        }

        return gpus;
    }

    private GpuStatus ParseLine(IReadOnlyList<string> columns, string[] cells)
    {
        string? Cell(string name)
        {
            for (int i = 0; i < columns.Count; i++)
            {
                if (columns[i] == name)
                {
                    return Clean(cells[i]);
                }
            }

            return null;
        }

        string uuid = Cell("uuid") ?? throw new FormatException("nvidia-smi line has no GPU uuid");
        return new GpuStatus(
            ParseTimestamp(Cell("timestamp") ?? throw new FormatException("nvidia-smi line has no timestamp")),
            int.Parse(Cell("index") ?? throw new FormatException("nvidia-smi line has no index"), CultureInfo.InvariantCulture),
            uuid,
            Cell("name") ?? "unknown",
            Double(Cell("utilization.gpu")),
            Long(Cell("memory.total")),
            Long(Cell("memory.used")),
            Double(Cell("power.draw")),
            Double(Cell("power.limit")),
            Double(Cell("temperature.gpu"))
        );
    }

    /// <summary>nvidia-smi prints the node's local time without a zone; the agent is told the node's zone.</summary>
    public DateTimeOffset ParseTimestamp(string text)
    {
        DateTime local = DateTime.ParseExact(
            text,
            ["yyyy/MM/dd HH:mm:ss.fff", "yyyy/MM/dd HH:mm:ss"],
            CultureInfo.InvariantCulture,
            DateTimeStyles.None
        );
        return new DateTimeOffset(local, nodeTimeZone.GetUtcOffset(local)).ToUniversalTime();
    }

    /// <summary>
    /// Placeholders such as <c>[N/A]</c>, <c>[Not Supported]</c> or <c>[Unknown Error]</c> become null; units are stripped.
    /// </summary>
    private static string? Clean(string cell)
    {
        if (cell.Length == 0 || cell == "N/A" || (cell.StartsWith('[') && cell.EndsWith(']')))
        {
            return null;
        }

        foreach (string unit in s_units)
        {
            if (cell.EndsWith(unit, StringComparison.Ordinal))
            {
                return cell[..^unit.Length];
            }
        }

        return cell;
    }

    private static double? Double(string? cell) => cell is null ? null : double.Parse(cell, CultureInfo.InvariantCulture);

    private static long? Long(string? cell) => cell is null ? null : long.Parse(cell, CultureInfo.InvariantCulture);
}
