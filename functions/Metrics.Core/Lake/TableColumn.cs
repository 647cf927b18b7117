namespace Metrics.Core.Lake;

/// <summary>A column of rows written as Parquet: its name, its kind, and how a row gives its value (null: a null cell).</summary>
public sealed record TableColumn<T>(string Name, ColumnKind Kind, Func<T, object?> Value);
