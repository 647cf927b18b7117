using Apache.Arrow;
using Metrics.Contract;
using Metrics.Core.Landing;
using ParquetSharp.Arrow;

namespace Metrics.Core.Lake;

/// <summary>
/// One read of a landed hour's compacted files into one or more lake files at once: each open file has its own Parquet
/// writer and its own distinct-row filter (for job events, keeping only its stamped hour), and every batch is offered to
/// each. A GPU hour is a pass of one file; a landed jobs hour, passes of up to <see cref="HourLake.HoursPerPass"/>.
/// </summary>
internal sealed class LakePass(
    TelemetryStream stream,
    int generation,
    (string Path, DateTimeOffset? EventHour)[] files,
    IReadOnlyList<string> dataFiles
)
{
    private readonly Dictionary<string, (FileWriter Writer, CountingWriteStream Output, DistinctRows Rows, long Kept)> _open = new(
        StringComparer.Ordinal
    );

    private readonly Dictionary<string, (long Kept, long Bytes)> _closed = new(StringComparer.Ordinal);

    private long _rowsIn;

    public int Generation { get; } = generation;

    /// <summary>The lake files the pass writes: their paths, and for job events the hour their events are stamped in.</summary>
    public (string Path, DateTimeOffset? EventHour)[] Files { get; } = files;

    /// <summary>The files the pass committed, their rows and bytes.</summary>
    public LakeWrite Written { get; private set; } = LakeWrite.None;

    public void Open(int file, Stream output)
    {
        (string path, DateTimeOffset? eventHour) = Files[file];
        var counted = new CountingWriteStream(output);
        Schema schema = stream == TelemetryStream.Gpu ? GpuRowSchema.Schema : JobRowSchema.Schema;
        _open[path] = (LakeParquet.Create(counted, schema), counted, new DistinctRows(stream) { EventHour = eventHour }, 0);
    }

    /// <summary>Reads the data files once into every open file; nothing when none is open (all were there already).</summary>
    public async Task ReadAsync(ILandedFiles landed, CancellationToken cancellationToken)
    {
        if (_open.Count == 0)
        {
            return;
        }

        foreach (string file in dataFiles)
        {
            if (file != dataFiles[0])
            {
                // A shard's rows start a row group of their own, so each row group's min/max span one shard's GPUs.
                foreach (var open in _open.Values)
                {
                    open.Writer.NewBufferedRowGroup();
                }
            }

            Stream content = await landed.OpenAsync(file, cancellationToken).ConfigureAwait(false);
            await foreach (RecordBatch batch in ArrowIpc.ReadBatchesAsync(content, cancellationToken).ConfigureAwait(false))
            {
                _rowsIn += batch.Length;
                foreach ((string path, var open) in _open.ToArray())
                {
                    long kept = open.Kept;
                    foreach ((int offset, int length) in open.Rows.Runs(batch))
                    {
                        open.Writer.WriteBufferedRecordBatch(batch.Slice(offset, length));
                        kept += length;
                    }

                    _open[path] = open with { Kept = kept };
                }
            }
        }
    }

    /// <summary>Finishes the file (its footer), before its write commits.</summary>
    public void Close(int file)
    {
        string path = Files[file].Path;
        (FileWriter writer, CountingWriteStream output, _, long kept) = _open[path];
        writer.Close();
        writer.Dispose();
        _closed[path] = (kept, output.Position);
        _open.Remove(path);
    }

    /// <summary>Drops the file's writer unfinished: its write fails, so nothing of it is committed.</summary>
    public void Abandon(int file)
    {
        if (_open.Remove(Files[file].Path, out var open))
        {
            open.Writer.Dispose();
        }
    }

    /// <summary>Counts a committed file: its rows kept and bytes (the rows read count once per pass, with its first file).</summary>
    public void Committed(int file)
    {
        (long kept, long bytes) = _closed[Files[file].Path];
        Written = Written.Add(new LakeWrite(1, Written.Files == 0 ? _rowsIn : 0, kept, bytes));
    }
}
