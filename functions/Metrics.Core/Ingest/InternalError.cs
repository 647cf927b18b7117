namespace Metrics.Core.Ingest;

/// <summary>One event that raised an unexpected exception during ingest: which event, and what was thrown.</summary>
public sealed record InternalError(long SequenceNumber, string ExceptionType, string Message);
