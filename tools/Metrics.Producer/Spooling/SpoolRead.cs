namespace Metrics.Producer.Spooling;

/// <summary>The spool's oldest events, all from disk or all from the in-memory tail, in order.</summary>
public sealed record SpoolRead(IReadOnlyList<SpooledEvent> Events, bool FromDisk);
