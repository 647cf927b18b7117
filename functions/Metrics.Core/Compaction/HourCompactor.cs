using Apache.Arrow;
using Apache.Arrow.Ipc;
using Metrics.Contract;
using Metrics.Core.Ingest;
using Metrics.Core.Lake;
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

    /// <summary>Where each compacted hour is also written as Parquet (<see cref="HourLake"/>); null: nowhere.</summary>
    public ILakeStore? Lake { get; init; }

    public async Task<HourCompaction> CompactAsync(TelemetryStream stream, DateTimeOffset hour, CancellationToken cancellationToken)
    {
        hour = UtcHours.Floor(hour);
        LandedHourView view = await LandedHourView.ReadAsync(store, stream, hour, cancellationToken).ConfigureAwait(false);
        if (view.Landed.Count == 0)
        {
            return await FinishAsync(stream, hour, view, cancellationToken).ConfigureAwait(false);
        }

        CompactionOrder order = CompactionOrder.For(stream);
        string[] sources = view.Visible.Select(b => b.Path).ToArray();
        HourLayout plan = await PlanAsync(stream, order, sources, cancellationToken).ConfigureAwait(false);
        int generation = view.NextGeneration;
        (string[] dataPaths, long rowsOut, long bytesOut) = await WriteDataFilesAsync(
                view,
                (stream, hour, order, generation),
                plan,
                sources,
                cancellationToken
            )
            .ConfigureAwait(false);
        var manifest = new CompactionManifest
        {
            Stream = stream.Name(),
            Hour = hour,
            Generation = generation,
            Data = dataPaths[0],
            Shards = plan.Files > 1 ? dataPaths : null,
            Rows = rowsOut,
            ReplaysDropped = plan.Rows - rowsOut,
            Sources = sources,
            CompactedAt = timeProvider.GetUtcNow(),
        };
        byte[] json = manifest.ToJson();
        await store
            .PutAsync(LandingPaths.CompactionManifestFile(stream, hour, generation), "application/json", json, cancellationToken)
            .ConfigureAwait(false);

        // The lake's copy before anything is deleted: a run killed in between writes it next time (above).
        LakeWrite lake = await LakeAsync(stream, manifest, cancellationToken).ConfigureAwait(false);

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
        )
        {
            Files = dataPaths.Length,
            Lake = lake,
        };
    }

    /// <summary>Nothing new since the last compaction: only finish what an interrupted run left (its lake files, its deletes).</summary>
    private async Task<HourCompaction> FinishAsync(
        TelemetryStream stream,
        DateTimeOffset hour,
        LandedHourView view,
        CancellationToken cancellationToken
    )
    {
        LakeWrite finished = await LakeAsync(stream, view.Manifest, cancellationToken).ConfigureAwait(false);
        int cleaned = await DeleteAsync(view.Superseded.Select(b => b.Path), cancellationToken).ConfigureAwait(false);
        return new HourCompaction(stream, hour, view.Manifest?.Generation, 0, 0, 0, 0, 0, cleaned) { Lake = finished };
    }

    private Task<LakeWrite> LakeAsync(TelemetryStream stream, CompactionManifest? manifest, CancellationToken cancellationToken) =>
        Lake is null || manifest is null
            ? Task.FromResult(LakeWrite.None)
            : new HourLake(store, Lake).EnsureAsync(stream, manifest.Hour, manifest.Generation, manifest.DataFiles, cancellationToken);

    /// <summary>The new generation's data files, one per file of the layout: their paths, rows and bytes written.</summary>
    private async Task<(string[] Paths, long Rows, long Bytes)> WriteDataFilesAsync(
        LandedHourView view,
        (TelemetryStream Stream, DateTimeOffset Hour, CompactionOrder Order, int Generation) compaction,
        HourLayout plan,
        string[] sources,
        CancellationToken cancellationToken
    )
    {
        (TelemetryStream stream, DateTimeOffset hour, CompactionOrder order, int generation) = compaction;
        string[] paths = Enumerable
            .Range(0, plan.Files)
            .Select(file => LandingPaths.CompactedFile(stream, hour, generation, file, plan.Files))
            .ToArray();
        long rowsOut = 0,
            bytesOut = 0;
        for (int file = 0; file < plan.Files; file++)
        {
            (long rows, long bytes) = await WriteDataFileAsync(
                    view,
                    (stream, order, generation),
                    plan,
                    sources,
                    file,
                    paths[file],
                    cancellationToken
                )
                .ConfigureAwait(false);
            rowsOut += rows;
            bytesOut += bytes;
        }

        return (paths, rowsOut, bytesOut);
    }

    /// <summary>One of the new generation's data files, under a name no reader looks at until the manifest names it.</summary>
    private async Task<(long Rows, long Bytes)> WriteDataFileAsync(
        LandedHourView view,
        (TelemetryStream Stream, CompactionOrder Order, int Generation) compaction,
        HourLayout plan,
        string[] sources,
        int file,
        string dataPath,
        CancellationToken cancellationToken
    )
    {
        (TelemetryStream stream, CompactionOrder order, int generation) = compaction;
        long rows = 0,
            bytes = 0;
        await store
            .WriteAsync(
                dataPath,
                ArrowIpc.ContentType,
                async (output, token) =>
                {
                    (rows, bytes) = await WriteSortedAsync(order, plan, sources, file, output, token).ConfigureAwait(false);
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
    /// every dictionary column's values; then lays the hour out in files and key ranges (<see cref="HourLayout"/>).
    /// </summary>
    private async Task<HourLayout> PlanAsync(
        TelemetryStream stream,
        CompactionOrder order,
        IReadOnlyList<string> sources,
        CancellationToken cancellationToken
    )
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
                HourLayout.CountKeys((StringArray)batch.Column(keyColumn), counts);

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

        // GPU rows in as many files as ranges of the bound, by uuid hash: each is one rollup unit's sorted pass.
        int files = stream == TelemetryStream.Gpu ? (int)Math.Max(1, (rows + MaxRowsInMemory - 1) / MaxRowsInMemory) : 1;
        return HourLayout.Cut(
            rows,
            counts,
            files,
            MaxRowsInMemory,
            values.ToDictionary(v => v.Key, v => (IReadOnlyList<string>)[.. v.Value.Order(StringComparer.Ordinal)], StringComparer.Ordinal)
        );
    }

    /// <summary>
    /// Each key range in turn: collect its rows from every source, sort, drop exact replays, write. Returns rows and bytes written.
    /// </summary>
    /// <summary>Every source row of key range <paramref name="shard"/> into the collectors, with its rank in landing order.</summary>
    private async Task CollectRangeAsync(
        HourLayout plan,
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
                plan.Select(shard, (StringArray)batch.Column(keyColumn), selected, ranks);
                for (int c = 0; c < columns.Length && selected.Count > 0; c++)
                {
                    columns[c].Add(batch.Column(c), CollectionsMarshal.AsSpan(selected));
                }
            }
        }

        if (ranks.Count != plan.ShardRows[shard])
        {
            throw new InvalidOperationException(
                $"Key range {shard} held {plan.ShardRows[shard]} rows when counted and {ranks.Count} when read: the sources changed "
                    + "during compaction."
            );
        }
    }

    private async Task<(long Rows, long Bytes)> WriteSortedAsync(
        CompactionOrder order,
        HourLayout plan,
        IReadOnlyList<string> sources,
        int file,
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
        int largest = plan.ShardRows.DefaultIfEmpty(0).Max();
        sort.Ensure(largest, thenBy.Length);
        foreach (int shard in plan.RangesOf(file))
        {
            foreach (ColumnCollector column in columns)
            {
                column.Reset(largest);
            }

            ranks.Clear();
            ranks.EnsureCapacity(largest);
            await CollectRangeAsync(plan, sources, shard, keyColumn, columns, selected, ranks, cancellationToken).ConfigureAwait(false);
            int kept = sort.SortAndDropReplays(ranks, columns, thenBy);
            for (int start = 0; start < kept; start += RowsPerBatch)
            {
                // Not disposed: its buffers are the collectors' scratch, reused by the next batch once this one is written.
                RecordBatch batch = Build(schema, columns, sort.Order.AsSpan(start, Math.Min(RowsPerBatch, kept - start)));
                await writer.WriteRecordBatchAsync(batch, cancellationToken).ConfigureAwait(false);
                written += batch.Length;
            }
        }

        if (written == 0)
        {
            // A shard no GPU hashed to: still a readable Arrow file (the writer writes its header with the first batch).
            await writer.WriteRecordBatchAsync(Build(schema, columns, []), cancellationToken).ConfigureAwait(false);
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
}
