using Apache.Arrow;
using Metrics.Contract;
using Metrics.Core.Landing;
using ParquetSharp.Arrow;

namespace Metrics.Core.Lake;

/// <summary>
/// A compacted hour into the lake: its data files (in shard order, each sorted by GPU and time, or by job and time)
/// read back and written as Parquet, one row per distinct sample or event, as the compaction's generation. GPU samples
/// land in the hour they are stamped, so a GPU hour is one file of that hour. Job events land in the hour they arrive,
/// so a landed jobs hour is cut by the hour each event is stamped: one file in each of those hours' folders. A file
/// already of that generation (or a later one) is left alone, so a retried compaction unit, or one that finds nothing
/// new to compact, only writes what an interrupted run did not.
/// </summary>
public sealed class HourLake(ILandedFiles landed, ILakeStore lake)
{
    /// <summary>
    /// Writes the lake's files of the landed <paramref name="hour"/> from its compacted <paramref name="dataFiles"/> of
    /// <paramref name="generation"/>, where they are not there yet.
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
        if (stream == TelemetryStream.Gpu)
        {
            return await WriteIfOlderAsync(LakePaths.GpuHour(hour), generation, stream, dataFiles, cancellationToken).ConfigureAwait(false);
        }

        var due = new List<DateTimeOffset>();
        foreach (DateTimeOffset eventHour in await EventHoursAsync(dataFiles, cancellationToken).ConfigureAwait(false))
        {
            // Due unless a file of this generation or a later one is there (null, no file, compares as false).
            if (!(await lake.GenerationAsync(LakePaths.JobsHour(eventHour, hour), cancellationToken).ConfigureAwait(false) >= generation))
            {
                due.Add(eventHour);
            }
        }

        // Each pass over the landed hour writes up to HoursPerPass stamped hours' files at once: a live hour's events are
        // stamped in one to three hours (one pass); a backfill landing a month of events in one hour takes 720 / 16.
        LakeWrite done = LakeWrite.None;
        foreach (DateTimeOffset[] group in due.Chunk(HoursPerPass))
        {
            var pass = new JobsPass(hour, generation, group, dataFiles);
            await OpenAsync(pass, 0, cancellationToken).ConfigureAwait(false);
            done = done.Add(pass.Written);
        }

        return done;
    }

    /// <summary>Stamped hours whose job-event files one pass over a landed hour writes together.</summary>
    public const int HoursPerPass = 16;

    /// <summary>
    /// Opens the lake write of the pass's hour <paramref name="next"/>, and inside it the next one's, and so on; the
    /// innermost reads the landed hour once into all of them. A write commits when its callback returns, so the
    /// innermost commits first and a failure anywhere commits none of the pass's files.
    /// </summary>
    private async Task OpenAsync(JobsPass pass, int next, CancellationToken cancellationToken)
    {
        if (next == pass.Hours.Length)
        {
            await pass.ReadAsync(landed, cancellationToken).ConfigureAwait(false);
            return;
        }

        DateTimeOffset eventHour = pass.Hours[next];
        bool opened = false;
        bool written = await lake.WriteAsync(
                LakePaths.JobsHour(eventHour, pass.LandedHour),
                pass.Generation,
                async (output, token) =>
                {
                    opened = true;
                    pass.Open(eventHour, output);
                    try
                    {
                        await OpenAsync(pass, next + 1, token).ConfigureAwait(false);
                    }
                    catch
                    {
                        pass.Abandon(eventHour);
                        throw;
                    }

                    pass.Close(eventHour);
                },
                cancellationToken
            )
            .ConfigureAwait(false);
        if (!opened)
        {
            // Another writer got this hour's file there first: the pass goes on without it.
            await OpenAsync(pass, next + 1, cancellationToken).ConfigureAwait(false);
        }
        else if (written)
        {
            pass.Committed(eventHour);
        }
    }

    private async Task<LakeWrite> WriteIfOlderAsync(
        string path,
        int generation,
        TelemetryStream stream,
        IReadOnlyList<string> dataFiles,
        CancellationToken cancellationToken
    )
    {
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
                    var distinct = new DistinctRows(stream);
                    (rowsIn, rowsOut) = await WriteAsync(stream, dataFiles, distinct, counted, token).ConfigureAwait(false);
                    bytes = counted.Position;
                },
                cancellationToken
            )
            .ConfigureAwait(false);
        return written ? new LakeWrite(1, rowsIn, rowsOut, bytes) : LakeWrite.None;
    }

    /// <summary>The UTC hours the job events of the data files are stamped in.</summary>
    private async Task<SortedSet<DateTimeOffset>> EventHoursAsync(IReadOnlyList<string> dataFiles, CancellationToken cancellationToken)
    {
        var hours = new SortedSet<DateTimeOffset>();
        foreach (string file in dataFiles)
        {
            Stream content = await landed.OpenAsync(file, cancellationToken).ConfigureAwait(false);
            await foreach (RecordBatch batch in ArrowIpc.ReadBatchesAsync(content, cancellationToken).ConfigureAwait(false))
            {
                foreach (long micros in ((TimestampArray)batch.Column(JobRowSchema.Columns.Ts)).Values)
                {
                    hours.Add(DistinctRows.HourOf(micros));
                }
            }
        }

        return hours;
    }

    private async Task<(long In, long Out)> WriteAsync(
        TelemetryStream stream,
        IReadOnlyList<string> dataFiles,
        DistinctRows distinct,
        Stream output,
        CancellationToken cancellationToken
    )
    {
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
