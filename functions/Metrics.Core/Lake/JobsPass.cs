using Apache.Arrow;
using Metrics.Core.Landing;
using ParquetSharp.Arrow;

namespace Metrics.Core.Lake;

/// <summary>
/// One read of a landed jobs hour's compacted files into the lake files of several stamped hours at once: each open
/// hour has its own Parquet writer and its own distinct-event filter, and every batch is offered to each.
/// </summary>
internal sealed class JobsPass(DateTimeOffset landedHour, int generation, DateTimeOffset[] hours, IReadOnlyList<string> dataFiles)
{
    private readonly Dictionary<DateTimeOffset, (FileWriter Writer, CountingWriteStream Output, DistinctRows Rows, long Kept)> _open = [];

    private readonly Dictionary<DateTimeOffset, (long Kept, long Bytes)> _closed = [];

    private long _rowsIn;

    public DateTimeOffset LandedHour { get; } = landedHour;

    public int Generation { get; } = generation;

    public DateTimeOffset[] Hours { get; } = hours;

    /// <summary>The files the pass committed, their rows and bytes.</summary>
    public LakeWrite Written { get; private set; } = LakeWrite.None;

    public void Open(DateTimeOffset hour, Stream output)
    {
        var counted = new CountingWriteStream(output);
        _open[hour] = (
            LakeParquet.Create(counted, JobRowSchema.Schema),
            counted,
            new DistinctRows(Metrics.Contract.TelemetryStream.Jobs) { EventHour = hour },
            0
        );
    }

    public async Task ReadAsync(ILandedFiles landed, CancellationToken cancellationToken)
    {
        foreach (string file in dataFiles)
        {
            Stream content = await landed.OpenAsync(file, cancellationToken).ConfigureAwait(false);
            await foreach (RecordBatch batch in ArrowIpc.ReadBatchesAsync(content, cancellationToken).ConfigureAwait(false))
            {
                _rowsIn += batch.Length;
                foreach ((DateTimeOffset hour, var open) in _open.ToArray())
                {
                    long kept = open.Kept;
                    foreach ((int offset, int length) in open.Rows.Runs(batch))
                    {
                        open.Writer.WriteBufferedRecordBatch(batch.Slice(offset, length));
                        kept += length;
                    }

                    _open[hour] = open with { Kept = kept };
                }
            }
        }
    }

    /// <summary>Finishes the hour's file (its footer), before its write commits.</summary>
    public void Close(DateTimeOffset hour)
    {
        (FileWriter writer, CountingWriteStream output, _, long kept) = _open[hour];
        writer.Close();
        writer.Dispose();
        _closed[hour] = (kept, output.Position);
        _open.Remove(hour);
    }

    /// <summary>Drops the hour's writer unfinished: its write fails, so nothing of it is committed.</summary>
    public void Abandon(DateTimeOffset hour)
    {
        if (_open.Remove(hour, out var open))
        {
            open.Writer.Dispose();
        }
    }

    /// <summary>Counts a committed file: its rows kept and bytes (the rows read count once per pass, with its first file).</summary>
    public void Committed(DateTimeOffset hour)
    {
        (long kept, long bytes) = _closed[hour];
        Written = Written.Add(new LakeWrite(1, Written.Files == 0 ? _rowsIn : 0, kept, bytes));
    }
}
