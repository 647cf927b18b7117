using Apache.Arrow;

namespace Metrics.Core.Landing;

/// <summary>Formats one cell of any column type the landing schemas use, for display (<c>metrics inspect</c>).</summary>
public static class ArrowCells
{
    public static string Format(IArrowArray array, int index)
    {
        ArgumentNullException.ThrowIfNull(array);
        if (array.IsNull(index))
        {
            return "null";
        }

        return array switch
        {
            DictionaryArray dictionary => Format(dictionary.Dictionary, IndexOf(dictionary.Indices, index)),
            StringArray strings => strings.GetString(index),
            TimestampArray timestamps => timestamps
                .GetTimestamp(index)!
                .Value.ToUniversalTime()
                .ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFF'Z'", CultureInfo.InvariantCulture),
            Int32Array ints => ints.GetValue(index)!.Value.ToString(CultureInfo.InvariantCulture),
            Int64Array longs => longs.GetValue(index)!.Value.ToString(CultureInfo.InvariantCulture),
            DoubleArray doubles => doubles.GetValue(index)!.Value.ToString("R", CultureInfo.InvariantCulture),
            _ => $"<{array.Data.DataType.Name}>",
        };
    }

    /// <summary>The UTC instant in a timestamp column, or null.</summary>
    public static DateTimeOffset? Timestamp(IArrowArray array, int index) =>
        array is TimestampArray timestamps && !timestamps.IsNull(index) ? timestamps.GetTimestamp(index)!.Value.ToUniversalTime() : null;

    private static int IndexOf(IArrowArray indices, int index) =>
        indices switch
        {
            Int32Array i32 => i32.GetValue(index)!.Value,
            Int16Array i16 => i16.GetValue(index)!.Value,
            Int8Array i8 => i8.GetValue(index)!.Value,
            Int64Array i64 => checked((int)i64.GetValue(index)!.Value),
            _ => throw new NotSupportedException($"Dictionary index type {indices.Data.DataType.Name} is not supported."),
        };
}
