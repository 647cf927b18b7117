namespace Metrics.Agent;

/// <summary>An expected failure, reported as one line with exit code 1.</summary>
public sealed class AgentFailure(string message, Exception? inner = null) : Exception(message, inner);
