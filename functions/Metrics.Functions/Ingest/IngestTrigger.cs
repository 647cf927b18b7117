namespace Metrics.Functions.Ingest;

/// <summary>Binding settings shared by both ingest functions.</summary>
internal static class IngestTrigger
{
    /// <summary>App-setting prefix of the Event Hubs connection (<c>EventHubConnection__fullyQualifiedNamespace</c> in Azure).</summary>
    public const string Connection = "EventHubConnection";

    public const string ConsumerGroup = "%EventHubConsumerGroup%";
    public const string GpuTelemetryHub = "%GpuTelemetryHubName%";
    public const string JobEventsHub = "%JobEventsHubName%";

    /// <summary>
    /// The Event Hubs trigger checkpoints past a batch once its invocation has finished, even when it failed, so a
    /// storage failure must throw and be retried here until the batch lands. 20 retries backing off from 5 s to
    /// 15 min hold a partition for about 4 hours: longer than a typical storage incident, far shorter than the hubs'
    /// retention, so nothing expires unread meanwhile. Invalid events never throw; only storage failures retry.
    /// </summary>
    public const int MaxRetryCount = 20;

    public const string MinimumRetryInterval = "00:00:05";
    public const string MaximumRetryInterval = "00:15:00";
}
