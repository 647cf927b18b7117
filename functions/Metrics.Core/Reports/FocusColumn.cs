namespace Metrics.Core.Reports;

/// <summary>A column of the FOCUS dataset: its name, its FOCUS data type and how a row gives its value.</summary>
public sealed record FocusColumn(string Name, FocusType Type, Func<FocusRow, object?> Value);
