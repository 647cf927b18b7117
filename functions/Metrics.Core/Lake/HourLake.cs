using Apache.Arrow;
using Metrics.Contract;
using Metrics.Core.Landing;

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
    /// <summary>Stamped hours whose job-event files one pass over a landed hour writes together.</summary>
    public const int HoursPerPass = 16;

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
        IEnumerable<(string Path, DateTimeOffset? EventHour)> files =
            stream == TelemetryStream.Gpu
                ? [(LakePaths.GpuHour(hour), null)]
                : (await EventHoursAsync(dataFiles, cancellationToken).ConfigureAwait(false)).Select(eventHour =>
                    (LakePaths.JobsHour(eventHour, hour), (DateTimeOffset?)eventHour)
                );
        var due = new List<(string Path, DateTimeOffset? EventHour)>();
        foreach ((string Path, DateTimeOffset? EventHour) file in files)
        {
            // Due unless a file of this generation or a later one is there (null, no file, compares as false).
            if (!(await lake.GenerationAsync(file.Path, cancellationToken).ConfigureAwait(false) >= generation))
            {
                due.Add(file);
            }
        }

        // Each pass over the landed hour writes up to HoursPerPass stamped hours' files at once: a live hour's events are
        // stamped in one to three hours (one pass); a backfill landing a month of events in one hour takes 720 / 16.
        LakeWrite done = LakeWrite.None;
        foreach ((string, DateTimeOffset?)[] group in due.Chunk(HoursPerPass))
        {
            var pass = new LakePass(stream, generation, group, dataFiles);
            await OpenAsync(pass, 0, cancellationToken).ConfigureAwait(false);
            done = done.Add(pass.Written);
        }

        return done;
    }

    /// <summary>
    /// Opens the lake write of the pass's file <paramref name="next"/>, and inside it the next one's, and so on; the
    /// innermost reads the landed hour once into all of them. A write commits when its callback returns, so the
    /// innermost commits first and a failure anywhere commits none of the pass's files.
    /// </summary>
    private async Task OpenAsync(LakePass pass, int next, CancellationToken cancellationToken)
    {
        if (next == pass.Files.Length)
        {
            await pass.ReadAsync(landed, cancellationToken).ConfigureAwait(false);
            return;
        }

        bool opened = false;
        bool written = await lake.WriteAsync(
                pass.Files[next].Path,
                pass.Generation,
                async (output, token) =>
                {
                    opened = true;
                    pass.Open(next, output);
                    try
                    {
                        await OpenAsync(pass, next + 1, token).ConfigureAwait(false);
                    }
                    catch
                    {
                        pass.Abandon(next);
                        throw;
                    }

                    pass.Close(next);
                },
                cancellationToken
            )
            .ConfigureAwait(false);
        if (!opened)
        {
            // Another writer got this file there first: the pass goes on without it.
            await OpenAsync(pass, next + 1, cancellationToken).ConfigureAwait(false);
        }
        else if (written)
        {
            pass.Committed(next);
        }
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
}
