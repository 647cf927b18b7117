using Apache.Arrow;
using Apache.Arrow.Ipc;
using Metrics.Contract;
using Metrics.Core.Ingest;
using Metrics.Core.Landing;
using Metrics.Core.Scan;
using Metrics.Core.Usage;

namespace Metrics.Core.Compaction;

/// <summary>
/// Rewrites one stream-hour's many small landed files (and its previous compaction, if late data arrived since) into
/// one file sorted by the stream's <see cref="CompactionOrder"/>, exact replays dropped, every column kept. The steps,
/// each safe to be killed after:
/// <list type="number">
/// <item>read the hour's view (<see cref="LandedHourView"/>): the sources are exactly what readers read now;</item>
/// <item>write the data file under a new generation's name: invisible to readers until step 3;</item>
/// <item>write the manifest listing the sources: one blob write, which switches readers from the sources to the data
/// file at once;</item>
/// <item>delete the superseded files. A reader that listed before step 3 and opens a deleted file gets
/// <see cref="FileNotFoundException"/>, lists again, and finds the data file instead.</item>
/// </list>
/// A run killed before step 3 leaves an orphan data file that no reader sees; one killed in step 4 leaves superseded
/// files; the next run deletes either. Memory is bounded by <see cref="MaxRowsInMemory"/>: a first pass counts each
/// first-key value's rows and collects the file's dictionaries, then the hour is written in contiguous key ranges of
/// at most that many rows, each read, sorted and written in turn, so the file is sorted as a whole.
/// </summary>
public sealed class HourCompactor(ILandedHourStore store, TimeProvider timeProvider)
{
    /// <summary>
    /// About 170 bytes a GPU row while collected and sorted: 1.5 million rows is some 260 MB, an eighth of the Function
    /// App instance's 2 GB. A national hour (5.75 million rows) is written in 4 ranges.
    /// </summary>
    public const int DefaultMaxRowsInMemory = 1_500_000;

    /// <summary>Rows per record batch of a compacted file: large enough for ZSTD to find the runs that sorting makes.</summary>
    public const int DefaultRowsPerBatch = 131_072;

    /// <summary>
    /// ZSTD level of compacted files. Ingest uses the default level (latency matters there); a compacted file is
    /// written once per hour and read by every recompute, so it can afford more.
    /// </summary>
    public const int CompressionLevel = 6;

    public int MaxRowsInMemory { get; init; } = DefaultMaxRowsInMemory;

    public int RowsPerBatch { get; init; } = DefaultRowsPerBatch;

    public async Task<HourCompaction> CompactAsync(TelemetryStream stream, DateTimeOffset hour, CancellationToken cancellationToken)
    {
        hour = UtcHours.Floor(hour);
        LandedHourView view = await LandedHourView.ReadAsync(store, stream, hour, cancellationToken).ConfigureAwait(false);
        if (view.Landed.Count == 0)
        {
            // Nothing new since the last compaction: only finish what an interrupted run left to delete.
            int cleaned = await DeleteAsync(view.Superseded.Select(b => b.Path), cancellationToken).ConfigureAwait(false);
            return new HourCompaction(stream, hour, view.Manifest?.Generation, 0, 0, 0, 0, 0, cleaned);
        }

        CompactionOrder order = CompactionOrder.For(stream);
        string[] sources = view.Visible.Select(b => b.Path).ToArray();
        HourPlan plan = await PlanAsync(order, sources, cancellationToken).ConfigureAwait(false);
        int generation = view.NextGeneration;
        string dataPath = LandingPaths.CompactedFile(stream, hour, generation);
        (long rowsOut, long bytesOut) = await WriteDataFileAsync(
                view,
                stream,
                order,
                plan,
                sources,
                generation,
                dataPath,
                cancellationToken
            )
            .ConfigureAwait(false);

        var manifest = new CompactionManifest
        {
            Stream = stream.Name(),
            Hour = hour,
            Generation = generation,
            Data = dataPath,
            Rows = rowsOut,
            ReplaysDropped = plan.Rows - rowsOut,
            Sources = sources,
            CompactedAt = timeProvider.GetUtcNow(),
        };
        byte[] json = manifest.ToJson();
        await store
            .PutAsync(LandingPaths.CompactionManifestFile(stream, hour, generation), "application/json", json, cancellationToken)
            .ConfigureAwait(false);

        // Only now, with the manifest durable, is anything deleted.
        int deleted = await DeleteAsync(CompactedFile.Superseded(view, sources, stream, hour), cancellationToken).ConfigureAwait(false);
        return new HourCompaction(
            stream,
            hour,
            generation,
            sources.Length,
            plan.Rows,
            rowsOut,
            view.Visible.Sum(b => b.Bytes),
            bytesOut,
            deleted
        );
    }

    /// <summary>The new generation's data file, under a name no reader looks at until the manifest names it.</summary>
    private async Task<(long Rows, long Bytes)> WriteDataFileAsync(
        LandedHourView view,
        TelemetryStream stream,
        CompactionOrder order,
        HourPlan plan,
        string[] sources,
        int generation,
        string dataPath,
        CancellationToken cancellationToken
    )
    {
        long rows = 0,
            bytes = 0;
        await store
            .WriteAsync(
                dataPath,
                ArrowIpc.ContentType,
                async (output, token) =>
                {
                    (rows, bytes) = await WriteSortedAsync(order, plan, sources, output, token).ConfigureAwait(false);
                    return CompactedFile.Metadata(view, stream, order, generation, rows);
                },
                cancellationToken
            )
            .ConfigureAwait(false);
        return (rows, bytes);
    }

    private async Task<int> DeleteAsync(IEnumerable<string> paths, CancellationToken cancellationToken)
    {
        int deleted = 0;
        foreach (string path in paths.Distinct(StringComparer.Ordinal))
        {
            await store.DeleteAsync(path, cancellationToken).ConfigureAwait(false);
            deleted++;
        }

        return deleted;
    }

    /// <summary>
    /// The first pass: checks every source has the stream's schema, counts the rows of each first-key value, collects
    /// every dictionary column's values, and cuts the sorted key values into ranges of at most <see cref="MaxRowsInMemory"/> rows.
    /// </summary>
    private async Task<HourPlan> PlanAsync(CompactionOrder order, IReadOnlyList<string> sources, CancellationToken cancellationToken)
    {
        int keyColumn = order.Schema.GetFieldIndex(order.FirstKey);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var values = order
            .Schema.FieldsList.Where(f => f.DataType is Apache.Arrow.Types.DictionaryType)
            .ToDictionary(f => f.Name, _ => new HashSet<string>(StringComparer.Ordinal), StringComparer.Ordinal);
        long rows = 0;
        int source = 0;
        await foreach (Stream content in LandedFileStreams.OpenInOrderAsync(store, sources, cancellationToken).ConfigureAwait(false))
        {
            using ArrowFileReader reader = ArrowIpc.OpenFile(content, leaveOpen: true);
            CheckSchema(order, reader.Schema, sources[source++]);
            await foreach (RecordBatch batch in ArrowIpc.ReadBatchesAsync(reader, cancellationToken).ConfigureAwait(false))
            {
                rows += batch.Length;
                CountKeys((StringArray)batch.Column(keyColumn), counts);

                foreach ((string column, HashSet<string> set) in values)
                {
                    var dictionary = (StringArray)((DictionaryArray)batch.Column(column)).Dictionary;
                    for (int i = 0; i < dictionary.Length; i++)
                    {
                        set.Add(dictionary.GetString(i));
                    }
                }
            }
        }

        string[] sorted = [.. counts.Keys.Order(StringComparer.Ordinal)];
        var ranks = new Dictionary<string, int>(sorted.Length, StringComparer.Ordinal);
        var shardOfRank = new int[sorted.Length];
        var shardRows = new List<int> { 0 };
        for (int rank = 0; rank < sorted.Length; rank++)
        {
            ranks.Add(sorted[rank], rank);
            int keyRows = counts[sorted[rank]];
            if (shardRows[^1] > 0 && shardRows[^1] + keyRows > MaxRowsInMemory)
            {
                shardRows.Add(0);
            }

            shardRows[^1] += keyRows;
            shardOfRank[rank] = shardRows.Count - 1;
        }

        return new HourPlan(
            rows,
            ranks,
            shardOfRank,
            [.. shardRows],
            values.ToDictionary(v => v.Key, v => (IReadOnlyList<string>)[.. v.Value.Order(StringComparer.Ordinal)], StringComparer.Ordinal)
        );
    }

    /// <summary>
    /// Each key range in turn: collect its rows from every source, sort, drop exact replays, write. Returns rows and bytes written.
    /// </summary>
    /// <summary>Every source row of key range <paramref name="shard"/> into the collectors, with its rank in landing order.</summary>
    private async Task CollectRangeAsync(
        HourPlan plan,
        IReadOnlyList<string> sources,
        int shard,
        int keyColumn,
        ColumnCollector[] columns,
        List<int> selected,
        List<int> ranks,
        CancellationToken cancellationToken
    )
    {
        await foreach (Stream content in LandedFileStreams.OpenInOrderAsync(store, sources, cancellationToken).ConfigureAwait(false))
        {
            await foreach (
                RecordBatch batch in ArrowIpc.ReadBatchesAsync(content, cancellationToken, leaveOpen: true).ConfigureAwait(false)
            )
            {
                SelectShard(plan, shard, (StringArray)batch.Column(keyColumn), selected, ranks);
                for (int c = 0; c < columns.Length && selected.Count > 0; c++)
                {
                    columns[c].Add(batch.Column(c), CollectionsMarshal.AsSpan(selected));
                }
            }
        }
    }

    private async Task<(long Rows, long Bytes)> WriteSortedAsync(
        CompactionOrder order,
        HourPlan plan,
        IReadOnlyList<string> sources,
        Stream output,
        CancellationToken cancellationToken
    )
    {
        Schema schema = order.Schema;
        ColumnCollector[] columns = schema
            .FieldsList.Select(f => ColumnCollector.For(f, plan.Dictionaries.GetValueOrDefault(f.Name)))
            .ToArray();
        int keyColumn = schema.GetFieldIndex(order.FirstKey);
        int[] thenBy = order.ThenBy.Select(name => schema.GetFieldIndex(name)).ToArray();
        long written = 0;
        var counted = new CountingWriteStream(output);
        using ArrowFileWriter writer = ArrowIpc.CreateFileWriter(counted, schema, CompressionLevel);
        var ranks = new List<int>();
        var selected = new List<int>();
        var sort = new SortWorkspace();

        // Everything sized once for the largest range, so later ranges reuse it instead of growing it.
        int largest = plan.ShardRows.Max();
        sort.Ensure(largest, thenBy.Length);
        for (int shard = 0; shard < plan.ShardRows.Length; shard++)
        {
            int expected = plan.ShardRows[shard];
            foreach (ColumnCollector column in columns)
            {
                column.Reset(largest);
            }

            ranks.Clear();
            ranks.EnsureCapacity(largest);
            await CollectRangeAsync(plan, sources, shard, keyColumn, columns, selected, ranks, cancellationToken).ConfigureAwait(false);
            if (ranks.Count != expected)
            {
                throw new InvalidOperationException(
                    $"Key range {shard} held {expected} rows when counted and {ranks.Count} when read: the sources changed during "
                        + $"compaction."
                );
            }

            int kept = sort.SortAndDropReplays(ranks, columns, thenBy);
            for (int start = 0; start < kept; start += RowsPerBatch)
            {
                // Not disposed: its buffers are the collectors' scratch, reused by the next batch once this one is written.
                RecordBatch batch = Build(schema, columns, sort.Order.AsSpan(start, Math.Min(RowsPerBatch, kept - start)));
                await writer.WriteRecordBatchAsync(batch, cancellationToken).ConfigureAwait(false);
                written += batch.Length;
            }
        }

        await writer.WriteEndAsync(cancellationToken).ConfigureAwait(false);
        return (written, counted.Position);
    }

    private static RecordBatch Build(Schema schema, ColumnCollector[] columns, ReadOnlySpan<int> rows)
    {
        var arrays = new IArrowArray[columns.Length];
        for (int c = 0; c < columns.Length; c++)
        {
            arrays[c] = columns[c].Build(rows);
        }

        return new RecordBatch(schema, arrays, rows.Length);
    }

    private static void CountKeys(StringArray keys, Dictionary<string, int> counts)
    {
        var lookup = counts.GetAlternateLookup<ReadOnlySpan<char>>();
        Span<char> buffer = stackalloc char[128];
        for (int i = 0; i < keys.Length; i++)
        {
            if (keys.IsNull(i))
            {
                throw new InvalidDataException("A row's first sort key is null, which the landing schemas do not allow.");
            }

            CollectionsMarshal.GetValueRefOrAddDefault(lookup, Chars(keys.GetBytes(i), buffer), out _)++;
        }
    }

    private static void SelectShard(HourPlan plan, int shard, StringArray keys, List<int> selected, List<int> ranks)
    {
        selected.Clear();
        var lookup = plan.Ranks.GetAlternateLookup<ReadOnlySpan<char>>();
        Span<char> buffer = stackalloc char[128];
        for (int i = 0; i < keys.Length; i++)
        {
            if (!lookup.TryGetValue(Chars(keys.GetBytes(i), buffer), out int rank))
            {
                throw new InvalidOperationException(
                    "A key appeared that the first pass did not count: the sources changed during compaction."
                );
            }

            if (plan.ShardOfRank[rank] == shard)
            {
                selected.Add(i);
                ranks.Add(rank);
            }
        }
    }

    private static void CheckSchema(CompactionOrder order, Schema schema, string path)
    {
        string? version = schema.Metadata?.GetValueOrDefault(SchemaMetadata.SchemaKey);
        bool same =
            version == order.SchemaVersion
            && schema.FieldsList.Count == order.Schema.FieldsList.Count
            && schema
                .FieldsList.Zip(order.Schema.FieldsList)
                .All(p =>
                    p.First.Name == p.Second.Name
                    && ArrowFileSummary.TypeName(p.First.DataType) == ArrowFileSummary.TypeName(p.Second.DataType)
                );
        if (!same)
        {
            throw new InvalidDataException(
                $"{path} has schema {version ?? "(none)"} with other columns than {order.SchemaVersion}: the hour is left as landed."
            );
        }
    }

    /// <summary>A key's UTF-8 bytes as chars, for a lookup without a string per row.</summary>
    private static ReadOnlySpan<char> Chars(ReadOnlySpan<byte> utf8, Span<char> buffer) =>
        utf8.Length <= buffer.Length ? buffer[..Encoding.UTF8.GetChars(utf8, buffer)] : Encoding.UTF8.GetString(utf8).AsSpan();

    private sealed record HourPlan(
        long Rows,
        Dictionary<string, int> Ranks,
        int[] ShardOfRank,
        int[] ShardRows,
        IReadOnlyDictionary<string, IReadOnlyList<string>> Dictionaries
    );
}
