using Metrics.Core.Usage;

namespace Metrics.Core.Ports;

/// <summary>A job run's new usage in one period (a UTC hour key or a month key); null removes it.</summary>
public sealed record JobUsageChange(string Period, string Cluster, string JobId, DateTimeOffset RunStart, JobUsage? Usage);
