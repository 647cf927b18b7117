namespace Metrics.Cli;

/// <summary>An expected failure with a message fit for the user: printed on one line, exit code 1, no stack trace.</summary>
public sealed class CliFailure(string message, Exception? inner = null) : Exception(message, inner);
