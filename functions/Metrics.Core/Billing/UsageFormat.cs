namespace Metrics.Core.Billing;

/// <summary>Output formats of the monthly usage report.</summary>
public enum UsageFormat
{
    Csv,
    Json,
}
