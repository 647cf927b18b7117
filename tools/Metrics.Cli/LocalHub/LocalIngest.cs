namespace Metrics.Cli.LocalHub;

/// <summary>Feeds a JSON Lines file through the local event hub into the ingest pipeline: <c>metrics ingest</c> and the demo.</summary>
internal static class LocalIngest
{
    public static async Task<LocalHubTotals> RunAsync(
        CliContext context,
        StorageClients storage,
        TelemetryStream stream,
        string file,
        int partitions,
        int batchSize,
        bool backfill,
        IProgress<double>? progress,
        CancellationToken cancellationToken
    )
    {
        var sequences = new TableSequenceCounter(storage.Tables);
        await sequences.EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        IngestPipeline pipeline = IngestStorage.CreatePipeline(
            storage,
            context.CreateIngestLimits(backfill),
            context.TimeProvider,
            context.Metrics
        );
        var hub = new LocalEventHub(pipeline, sequences, context.TimeProvider, partitions, batchSize, LocalEventHub.DefaultConcurrency);
        double length = Math.Max(1, new FileInfo(file).Length);
        long read = 0,
            lines = 0;
        await foreach (ReadOnlyMemory<byte> body in JsonLinesReader.ReadAsync(file, cancellationToken).ConfigureAwait(false))
        {
            await hub.SendAsync(stream, body.Span, cancellationToken).ConfigureAwait(false);
            read += body.Length + 1;
            if (++lines % 512 == 0)
            {
                progress?.Report(read / length);
            }
        }

        await hub.FlushAllAsync(stream, cancellationToken).ConfigureAwait(false);
        progress?.Report(1);
        return hub.Totals;
    }
}
