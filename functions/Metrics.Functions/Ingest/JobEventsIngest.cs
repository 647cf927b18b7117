using Metrics.Functions.Triggers;

namespace Metrics.Functions.Ingest;

/// <summary>Lands batches from the <c>job-events</c> hub as Arrow files (see <see cref="IngestPipeline"/>).</summary>
public sealed class JobEventsIngest(IngestPipeline pipeline, ILogger<JobEventsIngest> logger)
{
    [Function(FunctionNames.JobEventsIngest)]
    [ExponentialBackoffRetry(IngestTrigger.MaxRetryCount, IngestTrigger.MinimumRetryInterval, IngestTrigger.MaximumRetryInterval)]
    public async Task RunAsync(
        [EventHubTrigger(
            IngestTrigger.JobEventsHub,
            Connection = IngestTrigger.Connection,
            ConsumerGroup = IngestTrigger.ConsumerGroup,
            IsBatched = true
        )]
            byte[][] events,
        FunctionContext context,
        CancellationToken cancellationToken
    )
    {
        EventBatch batch = EventHubBindingData.ToBatch(TelemetryStream.Jobs, events, context);
        IngestResult result = await pipeline.IngestAsync(batch, cancellationToken).ConfigureAwait(false);
        IngestLog.BatchLanded(logger, batch, result);
    }
}
