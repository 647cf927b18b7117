using Apache.Arrow;
using Metrics.Contract;
using Metrics.Core.Catalogue;
using Metrics.Core.Landing;
using Metrics.Core.Work;

namespace Metrics.Core.Ingest;

/// <summary>
/// The one ingest path, shared by the Event Hubs functions and the CLI: decode and validate every event of a batch,
/// land valid rows as one Arrow file per UTC hour (a GPU row's by its <c>ts</c>, a job row's by its arrival: see each
/// codec's <c>FileHour</c>), dead-letter invalid events whole, then mark the touched hours dirty.
/// </summary>
/// <remarks>
/// Order matters for at-least-once delivery: files are written first and marks last, and any storage failure
/// propagates so the trigger retries the whole batch. A retry rewrites the same names with the same content, so it
/// never duplicates. An invalid event never throws: it is data, and it lands in <c>deadletter</c>. Whatever else goes
/// wrong with one event (a bug) costs that event only: it is dead-lettered as <c>internal-error</c> with the exception's
/// type, and the batch lands. A batch fails only when storage fails.
/// <para>
/// GPU models land as the catalogue's canonical id, with the name as sent in a column of its own; a name the catalogue
/// does not know lands as sent, is counted in the result and the metrics, and is recorded for <c>metrics status</c>.
/// An unknown name never refuses an event: the GPU-hours are real whatever the model is called.
/// </para>
/// </remarks>
public sealed class IngestPipeline(ILandingStore landingStore, IWorkMarks marks, IngestLimits limits)
{
    public IngestPipeline(ILandingStore landingStore, IWorkMarks marks)
        : this(landingStore, marks, IngestLimits.Default) { }

    /// <summary>The GPU stream's codec; replaceable by tests only, to prove the last-resort barrier with a codec that throws.</summary>
    internal IStreamCodec<GpuSample> GpuCodec { get; init; } = GpuStreamCodec.Instance;

    /// <summary>Where each landed batch is counted (see <see cref="Metrics.Core.Observability.PipelineMetrics"/>).</summary>
    public global::Metrics.Core.Observability.PipelineMetrics Metrics { get; init; } =
        global::Metrics.Core.Observability.PipelineMetrics.Shared;

    /// <summary>The clock an event's ingest lag is measured against.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>
    /// Where the GPU-model catalogue comes from; null: no catalogue, so every model lands as sent and is counted unknown.
    /// </summary>
    public GpuModelCatalogueCache? Catalogue { get; init; }

    /// <summary>Where names the catalogue did not know are recorded for <c>metrics status</c>; null: counted in the result only.</summary>
    public IUnknownModelLog? UnknownModels { get; init; }

    /// <summary>A batch touches few hours, so a handful of concurrent uploads is all the parallelism that pays.</summary>
    private const int MaxConcurrentWrites = 4;

    /// <summary>What a landed batch comes to: its events by outcome, its files, its dead letters by reason.</summary>
    private static IngestResult ResultOf(EventBatch batch, BatchPlan plan)
    {
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
            byReason
        )
        {
            InternalErrors = plan.InternalErrors,
            LandedBytes = plan.Files.Where(f => f.Container == LandingPaths.TelemetryContainer).Sum(f => (long)f.Content.Length),
            UnknownModels = plan.UnknownModels,
        };
    }

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

        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        GpuModelCatalogue catalogue = Catalogue is null
            ? GpuModelCatalogue.Empty
            : await Catalogue.GetAsync(cancellationToken).ConfigureAwait(false);
        BatchPlan plan = batch.Stream switch
        {
            TelemetryStream.Gpu => Plan(batch, GpuCodec, limits, catalogue),
            TelemetryStream.Jobs => Plan(batch, JobStreamCodec.Instance, limits, catalogue),
            _ => throw new ArgumentOutOfRangeException(nameof(batch), batch.Stream, "Unknown stream."),
        };

        using (plan)
        {
            await Parallel
                .ForEachAsync(
                    plan.Files,
                    new ParallelOptions { MaxDegreeOfParallelism = MaxConcurrentWrites, CancellationToken = cancellationToken },
                    async (file, token) => await landingStore.WriteAsync(file, token).ConfigureAwait(false)
                )
                .ConfigureAwait(false);
        }

        if (plan.DirtyHours.Count > 0)
        {
            await marks.MarkLandedAsync(batch.Stream, plan.DirtyHours, cancellationToken).ConfigureAwait(false);
        }

        if (plan.UnknownModels.Count > 0 && UnknownModels is not null)
        {
            await UnknownModels.RecordAsync(batch.Stream, plan.UnknownModels, Time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }

        IngestResult result = ResultOf(batch, plan);
        Metrics.BatchLanded(batch, result, System.Diagnostics.Stopwatch.GetElapsedTime(started), Time.GetUtcNow());
        return result;
    }

    private static BatchPlan Plan<T>(EventBatch batch, IStreamCodec<T> codec, IngestLimits limits, GpuModelCatalogue catalogue)
        where T : class
    {
        var plan = new BatchPlan();
        var hours = new SortedDictionary<DateTimeOffset, List<(T Value, RawEvent Raw)>>();
        var affected = new List<DateTimeOffset>(4);
        foreach (RawEvent raw in batch.Events)
        {
            DateTimeOffset hour;
            T value;
            affected.Clear();
            try
            {
                DecodeResult<T> decoded = codec.Decode(raw.Body, raw.EnqueuedTime, limits);
                if (!decoded.IsValid)
                {
                    plan.DeadLetters.Add(new DeadLetter(raw, decoded.Rejection));
                    continue;
                }

                value = decoded.Value;
                hour = codec.FileHour(value, raw);
                codec.AddAffectedHours(value, affected);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                plan.Fail(raw, ex);
                continue;
            }

            if (!hours.TryGetValue(hour, out var items))
            {
                hours.Add(hour, items = []);
            }

            items.Add((value, raw));
            plan.DirtyHours.Add(hour);
            foreach (DateTimeOffset reached in affected)
            {
                // One by one: UnionWith takes the list as an IEnumerable, which boxes its enumerator for every event.
                plan.DirtyHours.Add(reached);
            }
        }

        foreach ((DateTimeOffset hour, var items) in hours)
        {
            AddHourFile(batch, codec, limits, catalogue, plan, hour, items);
        }

        AddDeadLetterFiles(batch, plan);
        return plan;
    }

    /// <summary>The hour's file of the batch's valid events, with its manifest; a failure to encode isolates the events.</summary>
    private static void AddHourFile<T>(
        EventBatch batch,
        IStreamCodec<T> codec,
        IngestLimits limits,
        GpuModelCatalogue catalogue,
        BatchPlan plan,
        DateTimeOffset hour,
        List<(T Value, RawEvent Raw)> items
    )
        where T : class
    {
        if (EncodeIsolatingFailures(batch.PartitionId, codec, items, catalogue, plan) is not { } encoded)
        {
            return;
        }

        plan.Buffers.Add(encoded);
        ReadOnlyMemory<byte> content = PooledStreams.Contents(encoded);

        var manifest = new FileManifest(codec.Stream, codec.SchemaVersion, batch.PartitionId) { Backfill = limits.Backfill };
        foreach ((T value, RawEvent raw) in items)
        {
            int rows = codec.RowCount(value);
            manifest.Add(raw, codec.Timestamp(value), rows, codec.ReachesFrom(value));
            codec.CountUnknownModels(value, catalogue, plan.UnknownModels);
            plan.LandedEvents++;
            plan.LandedRows += rows;
        }

        string path = LandingPaths.HourFile(codec.Stream, hour, batch.PartitionId, manifest.FirstSequence, manifest.LastSequence);
        plan.Files.Add(new LandingFile(LandingPaths.TelemetryContainer, path, content, ArrowIpc.ContentType, manifest.ToMetadata()));
    }

    /// <summary>
    /// Encodes one hour's events. Should encoding ever fail (a bug: every value was validated), each event is encoded on
    /// its own to find the ones that fail; they become <c>internal-error</c> dead letters and the rest land. Null when no
    /// event of the hour could be encoded.
    /// </summary>
    private static Microsoft.IO.RecyclableMemoryStream? EncodeIsolatingFailures<T>(
        string partitionId,
        IStreamCodec<T> codec,
        List<(T Value, RawEvent Raw)> items,
        GpuModelCatalogue catalogue,
        BatchPlan plan
    )
        where T : class
    {
        try
        {
            return Encode(partitionId, codec, items, catalogue);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            items.RemoveAll(item =>
            {
                try
                {
                    Encode(partitionId, codec, [item], catalogue).Dispose();
                    return false;
                }
                catch (Exception single) when (single is not OperationCanceledException)
                {
                    plan.Fail(item.Raw, single);
                    return true;
                }
            });
            return items.Count == 0 ? null : Encode(partitionId, codec, items, catalogue);
        }
    }

    private static Microsoft.IO.RecyclableMemoryStream Encode<T>(
        string partitionId,
        IStreamCodec<T> codec,
        IReadOnlyList<(T Value, RawEvent Raw)> items,
        GpuModelCatalogue catalogue
    )
        where T : class
    {
        // The columns are pooled memory, given back once the file holds their bytes.
        using var memory = ColumnMemory.Pooled();
        using RecordBatch records = codec.Encode(partitionId, items, catalogue, memory);
        return ArrowIpc.WriteFile(records);
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

            string path = LandingPaths.DeadLetterFile(
                batch.Stream,
                day.Key,
                batch.PartitionId,
                manifest.FirstSequence,
                manifest.LastSequence
            );
            byte[] content = DeadLetterEncoder.Encode(batch.Stream, batch.PartitionId, day);
            var metadata = new Dictionary<string, string>(manifest.ToMetadata());

            // Counts per reason in the manifest, so that an operator's "why, lately" is a listing, not a download.
            metadata[ManifestKeys.Reasons] = string.Join(
                ',',
                day.GroupBy(d => d.Rejection.Reason.Code())
                    .OrderBy(g => g.Key, StringComparer.Ordinal)
                    .Select(g => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{g.Key}={g.Count()}"))
            );
            plan.Files.Add(new LandingFile(LandingPaths.DeadLetterContainer, path, content, DeadLetterEncoder.ContentType, metadata));
        }
    }

    private sealed class BatchPlan : IDisposable
    {
        public List<LandingFile> Files { get; } = [];

        /// <summary>The pooled memory the landed files' contents live in, returned once the files are written.</summary>
        public List<Microsoft.IO.RecyclableMemoryStream> Buffers { get; } = [];

        public void Dispose()
        {
            foreach (Microsoft.IO.RecyclableMemoryStream buffer in Buffers)
            {
                buffer.Dispose();
            }

            Buffers.Clear();
        }

        public List<DeadLetter> DeadLetters { get; } = [];

        public SortedSet<DateTimeOffset> DirtyHours { get; } = [];

        public List<InternalError> InternalErrors { get; } = [];

        /// <summary>Landed rows whose GPU model name the catalogue did not know, by name.</summary>
        public Dictionary<string, long> UnknownModels { get; } = new(StringComparer.Ordinal);

        /// <summary>The last-resort barrier: an unexpected exception costs this one event, which is kept as a dead letter.</summary>
        public void Fail(RawEvent raw, Exception ex)
        {
            string type = ex.GetType().FullName ?? ex.GetType().Name;
            InternalErrors.Add(new InternalError(raw.SequenceNumber, type, ex.Message));
            DeadLetters.Add(new DeadLetter(raw, new Rejection(RejectReason.InternalError, $"{type}: {ex.Message}")));
        }

        public int LandedEvents { get; set; }

        public int LandedRows { get; set; }
    }
}
