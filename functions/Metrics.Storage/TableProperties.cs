namespace Metrics.Storage;

/// <summary>
/// Decimal figures are stored as invariant strings: Table storage has no decimal type, and a double would not give
/// back the exact figure finance was shown.
/// </summary>
internal static class TableProperties
{
    public static string Decimal(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    public static decimal Decimal(TableEntity entity, string name) =>
        decimal.Parse(entity.GetString(name) ?? "0", NumberStyles.Number, CultureInfo.InvariantCulture);

    public static string Required(TableEntity entity, string name) =>
        entity.GetString(name) ?? throw new InvalidDataException($"Table entity {entity.PartitionKey}/{entity.RowKey} has no '{name}'.");
}
