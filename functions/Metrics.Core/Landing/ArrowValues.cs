using Apache.Arrow;

namespace Metrics.Core.Landing;

/// <summary>Typed reads of one cell, handling the dictionary-encoded string columns of the landing schemas.</summary>
internal static class ArrowValues
{
    public static string? String(IArrowArray array, int index) =>
        array switch
        {
            _ when array.IsNull(index) => null,
            DictionaryArray d => String(d.Dictionary, ((Int32Array)d.Indices).GetValue(index)!.Value),
            StringArray s => s.GetString(index),
            _ => throw new InvalidDataException($"Expected a string column, got {array.Data.DataType.Name}."),
        };

    public static string RequiredString(IArrowArray array, int index) =>
        String(array, index) ?? throw new InvalidDataException("A required string cell is null.");

    public static DateTimeOffset? Timestamp(IArrowArray array, int index) => ArrowCells.Timestamp(array, index);

    public static DateTimeOffset RequiredTimestamp(IArrowArray array, int index) =>
        Timestamp(array, index) ?? throw new InvalidDataException("A required timestamp cell is null.");

    public static double? Double(IArrowArray array, int index) => ((DoubleArray)array).GetValue(index);

    public static int? Int32(IArrowArray array, int index) => ((Int32Array)array).GetValue(index);

    public static long? Int64(IArrowArray array, int index) => ((Int64Array)array).GetValue(index);
}
