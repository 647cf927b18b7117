namespace Metrics.Core.Ports;

/// <summary>A job run: Slurm keeps the job id across a requeue, so the run is the id and its start time.</summary>
public readonly record struct JobRunKey(string Cluster, string JobId, DateTimeOffset RunStart);
