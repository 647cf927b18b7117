using Apache.Arrow;
using Metrics.Core.Arrow;
using Metrics.Core.Ports;
using Metrics.Core.Telemetry;
using Metrics.Core.Validation;

namespace Metrics.Core.Ingest;

/// <summary>
/// The one ingest path, shared by the Event Hubs functions and the CLI: decode and validate every event of a batch,
/// land valid rows as one Arrow file per UTC hour, dead-letter invalid events whole, then mark the touched hours dirty.
/// </summary>
/// <remarks>
/// Order matters for at-least-once delivery: files are written first and marks last, and any storage failure
/// propagates so the trigger retries the whole batch. A retry rewrites the same names with the same content, so it
/// never duplicates. An invalid event never throws: it is data, and it lands in <c>deadletter</c>.
/// </remarks>
public sealed class IngestPipeline(ILandingStore landingStore, IDirtyHourLog dirtyHourLog)
{
    /// <summary>A batch touches few hours, so a handful of concurrent uploads is all the parallelism that pays.</summary>
    private const int MaxConcurrentWrites = 4;

    public async Task<IngestResult> IngestAsync(EventBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (!LandingPaths.IsValidPartitionId(batch.PartitionId))
        {
            throw new ArgumentException($"Partition id '{batch.PartitionId}' is not a safe blob path segment.", nameof(batch));
        }

        if (batch.Events.Count == 0)
        {
            return IngestResult.Empty;
        }

        BatchPlan plan = batch.Stream switch
        {
            TelemetryStream.Gpu => Plan(batch, GpuStreamCodec.Instance),
            TelemetryStream.Jobs => Plan(batch, JobStreamCodec.Instance),
            _ => throw new ArgumentOutOfRangeException(nameof(batch), batch.Stream, "Unknown stream."),
        };

        await Parallel.ForEachAsync(
            plan.Files,
            new ParallelOptions { MaxDegreeOfParallelism = MaxConcurrentWrites, CancellationToken = cancellationToken },
            async (file, token) => await landingStore.WriteAsync(file, token).ConfigureAwait(false)).ConfigureAwait(false);

        if (plan.DirtyHours.Count > 0)
        {
            await dirtyHourLog.MarkAsync(batch.Stream, plan.DirtyHours, cancellationToken).ConfigureAwait(false);
        }

        var byReason = new Dictionary<RejectReason, int>();
        foreach (DeadLetter letter in plan.DeadLetters)
        {
            byReason[letter.Rejection.Reason] = byReason.GetValueOrDefault(letter.Rejection.Reason) + 1;
        }

        return new IngestResult(
            batch.Events.Count,
            plan.LandedEvents,
            plan.LandedRows,
            plan.DeadLetters.Count,
            plan.Files.Select(f => $"{f.Container}/{f.Path}").ToArray(),
            plan.DirtyHours.Count,
            byReason);
    }

    private static BatchPlan Plan<T>(EventBatch batch, IStreamCodec<T> codec)
        where T : class
    {
        var plan = new BatchPlan();
        var hours = new SortedDictionary<DateTimeOffset, (List<(T Value, RawEvent Raw)> Items, FileManifest Manifest)>();
        foreach (RawEvent raw in batch.Events)
        {
            DecodeResult<T> decoded = codec.Decode(raw.Body, raw.EnqueuedTime);
            if (!decoded.IsValid)
            {
                plan.DeadLetters.Add(new DeadLetter(raw, decoded.Rejection));
                continue;
            }

            DateTimeOffset ts = codec.Timestamp(decoded.Value);
            DateTimeOffset hour = LandingPaths.HourOf(ts);
            if (!hours.TryGetValue(hour, out var group))
            {
                group = ([], new FileManifest(codec.Stream, codec.SchemaVersion, batch.PartitionId));
                hours.Add(hour, group);
            }

            int rows = codec.RowCount(decoded.Value);
            group.Items.Add((decoded.Value, raw));
            group.Manifest.Add(raw, ts, rows);
            plan.DirtyHours.Add(hour);
            codec.AddAffectedHours(decoded.Value, plan.DirtyHours);
            plan.LandedEvents++;
            plan.LandedRows += rows;
        }

        foreach ((DateTimeOffset hour, var group) in hours)
        {
            byte[] content;
            using (RecordBatch records = codec.Encode(batch.PartitionId, group.Items))
            {
                content = ArrowIpc.WriteFile(records);
            }

            string path = LandingPaths.HourFile(codec.Stream, hour, batch.PartitionId, group.Manifest.FirstSequence, group.Manifest.LastSequence);
            plan.Files.Add(new LandingFile(LandingPaths.TelemetryContainer, path, content, ArrowIpc.ContentType, group.Manifest.ToMetadata()));
        }

        AddDeadLetterFiles(batch, plan);
        return plan;
    }

    /// <summary>One JSON Lines file per UTC enqueued date: an invalid event may have no trustworthy timestamp of its own.</summary>
    private static void AddDeadLetterFiles(EventBatch batch, BatchPlan plan)
    {
        foreach (var day in plan.DeadLetters.GroupBy(d => DateOnly.FromDateTime(d.Event.EnqueuedTime.UtcDateTime)).OrderBy(g => g.Key))
        {
            var manifest = new FileManifest(batch.Stream, "deadletter/v1", batch.PartitionId);
            foreach (DeadLetter letter in day)
            {
                manifest.Add(letter.Event, ts: null, rows: 1);
            }

            string path = LandingPaths.DeadLetterFile(batch.Stream, day.Key, batch.PartitionId, manifest.FirstSequence, manifest.LastSequence);
            byte[] content = DeadLetterEncoder.Encode(batch.Stream, batch.PartitionId, day);
            plan.Files.Add(new LandingFile(LandingPaths.DeadLetterContainer, path, content, DeadLetterEncoder.ContentType, manifest.ToMetadata()));
        }
    }

    private sealed class BatchPlan
    {
        public List<LandingFile> Files { get; } = [];

        public List<DeadLetter> DeadLetters { get; } = [];

        public SortedSet<DateTimeOffset> DirtyHours { get; } = [];

        public int LandedEvents { get; set; }

        public int LandedRows { get; set; }
    }
}
