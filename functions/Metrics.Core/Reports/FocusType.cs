namespace Metrics.Core.Reports;

/// <summary>FOCUS's data types as the export writes them (CSV text, Parquet logical types).</summary>
public enum FocusType
{
    String,
    Decimal,
    DateTime,
}
