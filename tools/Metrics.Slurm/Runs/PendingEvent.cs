namespace Metrics.Slurm.Runs;

/// <summary>One event due for a run, and how to record that it was handed to the spool (only then is it sent).</summary>
public sealed record PendingEvent(TrackedRun Run, byte[] Body, Action<TrackedRun> MarkSent);
