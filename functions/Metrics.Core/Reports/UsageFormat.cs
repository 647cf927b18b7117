namespace Metrics.Core.Reports;

/// <summary>Output formats of the monthly usage report.</summary>
public enum UsageFormat
{
    Csv,
    Json,

    /// <summary>A FinOps FOCUS 1.2 dataset (CSV), by account: see <see cref="FocusCsvWriter"/>.</summary>
    Focus,

    /// <summary>The same FOCUS dataset as Parquet, its columns typed (Lake/FocusParquet): binary, so never rendered as text.</summary>
    FocusParquet,
}
