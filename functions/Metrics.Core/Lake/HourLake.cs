using Apache.Arrow;
using Metrics.Contract;
using Metrics.Core.Landing;
using ParquetSharp.Arrow;

namespace Metrics.Core.Lake;

/// <summary>
/// A compacted hour into the lake: its data files (in shard order, each sorted by GPU and time, or by job and time)
/// read back and written as one Parquet file, one row per distinct sample or event, as the compaction's generation. A
/// file already of that generation (or a later one) is left alone, so a retried compaction unit, or one that finds
/// nothing new to compact, only writes what an interrupted run did not.
/// </summary>
public sealed class HourLake(ILandedFiles landed, ILakeStore lake)
{
    /// <summary>
    /// Writes the hour's lake file from the compacted <paramref name="dataFiles"/> of <paramref name="generation"/>,
    /// unless it is there.
    /// </summary>
    public async Task<LakeWrite> EnsureAsync(
        TelemetryStream stream,
        DateTimeOffset hour,
        int generation,
        IReadOnlyList<string> dataFiles,
        CancellationToken cancellationToken
    )
    {
        ArgumentNullException.ThrowIfNull(dataFiles);
        string path = LakePaths.Hour(stream, hour);
        if (await lake.GenerationAsync(path, cancellationToken).ConfigureAwait(false) >= generation)
        {
            return LakeWrite.None;
        }

        long rowsIn = 0,
            rowsOut = 0,
            bytes = 0;
        bool written = await lake.WriteAsync(
                path,
                generation,
                async (output, token) =>
                {
                    var counted = new CountingWriteStream(output);
                    (rowsIn, rowsOut) = await WriteAsync(stream, dataFiles, counted, token).ConfigureAwait(false);
                    bytes = counted.Position;
                },
                cancellationToken
            )
            .ConfigureAwait(false);
        return written ? new LakeWrite(1, rowsIn, rowsOut, bytes) : LakeWrite.None;
    }

    private async Task<(long In, long Out)> WriteAsync(
        TelemetryStream stream,
        IReadOnlyList<string> dataFiles,
        Stream output,
        CancellationToken cancellationToken
    )
    {
        var distinct = new DistinctRows(stream);
        Schema schema = stream == TelemetryStream.Gpu ? GpuRowSchema.Schema : JobRowSchema.Schema;
        long rowsIn = 0,
            rowsOut = 0;
        using (FileWriter writer = LakeParquet.Create(output, schema))
        {
            foreach (string file in dataFiles)
            {
                if (file != dataFiles[0])
                {
                    // A shard's rows start a row group of their own, so each row group's min/max span one shard's GPUs.
                    writer.NewBufferedRowGroup();
                }

                Stream content = await landed.OpenAsync(file, cancellationToken).ConfigureAwait(false);
                await foreach (RecordBatch batch in ArrowIpc.ReadBatchesAsync(content, cancellationToken).ConfigureAwait(false))
                {
                    rowsIn += batch.Length;
                    foreach ((int offset, int length) in distinct.Runs(batch))
                    {
                        writer.WriteBufferedRecordBatch(batch.Slice(offset, length));
                        rowsOut += length;
                    }
                }
            }

            writer.Close();
        }

        return (rowsIn, rowsOut);
    }
}
