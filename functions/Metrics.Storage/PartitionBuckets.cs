namespace Metrics.Storage;

/// <summary>
/// Tables whose rows of one period (an hour, a month) a rollup writes in bursts of thousands spread them over
/// <see cref="Count"/> partitions, <c>{period}|{bucket}</c>, so that a burst never meets Azure's limit of about 2,000
/// entities a second per partition (docs/scale.md, "Growth"). A row's bucket is a hex digit from its RowKey's hash
/// (<see cref="ShortBytesHash"/>, fixed constants): part of the storage format, never to change. A period is still read
/// in one query (<see cref="PartitionsOf"/>), which also takes in the rows written before they were bucketed, under
/// PartitionKey <c>{period}</c>. <c>jobstates</c> does the same per cluster.
/// </summary>
internal static class PartitionBuckets
{
    public const int Count = 16;

    /// <summary>The partition of a row: <c>{period}|{hex digit}</c>.</summary>
    public static string Of(string period, string rowKey)
    {
        ArgumentNullException.ThrowIfNull(rowKey);
        int bucket = (int)(ShortBytesHash.Of(System.Text.Encoding.UTF8.GetBytes(rowKey)) >> 60);
        return string.Create(CultureInfo.InvariantCulture, $"{period}|{bucket:x}");
    }

    /// <summary>
    /// Every row of a key's partitions, bucketed or not: its own partition, and the range from <c>{key}|</c> to
    /// <c>{key}}</c> ('}' sorts right after '|'). Never a bare range from <c>{key}</c>, which would take in a longer key
    /// that starts with this one (cluster <c>c10</c> after <c>c1</c>).
    /// </summary>
    public static string PartitionsOf(string key) =>
        TableClient.CreateQueryFilter($"(PartitionKey eq {key} or (PartitionKey ge {key + "|"} and PartitionKey lt {key + "}"}))");

    /// <summary>The key a partition belongs to: the partition key without its bucket.</summary>
    public static string KeyOf(string partitionKey)
    {
        ArgumentNullException.ThrowIfNull(partitionKey);
        int bar = partitionKey.IndexOf('|', StringComparison.Ordinal);
        return bar < 0 ? partitionKey : partitionKey[..bar];
    }
}
