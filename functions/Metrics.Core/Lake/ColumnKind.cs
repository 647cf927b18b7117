namespace Metrics.Core.Lake;

/// <summary>
/// The kinds of value a <see cref="ParquetTable"/> column holds: text; exact decimals (DECIMAL(38, 12): money and hours
/// as computed, never binary floating point); UTC instants (TIMESTAMP, microseconds, adjusted to UTC); whole numbers.
/// </summary>
public enum ColumnKind
{
    String,
    Decimal,
    Timestamp,
    Integer,
}
