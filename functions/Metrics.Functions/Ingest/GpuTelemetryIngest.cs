using Metrics.Functions.Triggers;

namespace Metrics.Functions.Ingest;

/// <summary>Lands batches from the <c>gpu-telemetry</c> hub as Arrow files (see <see cref="IngestPipeline"/>).</summary>
public sealed class GpuTelemetryIngest(IngestPipeline pipeline, ILogger<GpuTelemetryIngest> logger)
{
    [Function(FunctionNames.GpuTelemetryIngest)]
    [ExponentialBackoffRetry(IngestTrigger.MaxRetryCount, IngestTrigger.MinimumRetryInterval, IngestTrigger.MaximumRetryInterval)]
    public async Task RunAsync(
        [EventHubTrigger(
            IngestTrigger.GpuTelemetryHub,
            Connection = IngestTrigger.Connection,
            ConsumerGroup = IngestTrigger.ConsumerGroup,
            IsBatched = true
        )]
            byte[][] events,
        FunctionContext context,
        CancellationToken cancellationToken
    )
    {
        EventBatch batch = EventHubBindingData.ToBatch(TelemetryStream.Gpu, events, context);
        IngestResult result = await pipeline.IngestAsync(batch, cancellationToken).ConfigureAwait(false);
        IngestLog.BatchLanded(logger, batch, result);
    }
}
