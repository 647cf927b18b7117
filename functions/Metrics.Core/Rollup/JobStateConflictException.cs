namespace Metrics.Core.Rollup;

/// <summary>A job run's state changed between reading and saving it: another rollup got there first.</summary>
public sealed class JobStateConflictException(string message, Exception? inner = null) : Exception(message, inner);
