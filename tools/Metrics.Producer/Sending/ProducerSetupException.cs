namespace Metrics.Producer.Sending;

/// <summary>A producer cannot start as configured (no connection, an unreadable file): one line for the operator, exit 1.</summary>
public sealed class ProducerSetupException(string message, Exception? inner = null) : Exception(message, inner);
