namespace Metrics.Producer.Hosting;

/// <summary>A source program missing or hanging: the producer logs it and tries again at its next interval.</summary>
public sealed class ToolProcessException(string message, Exception? inner = null) : Exception(message, inner);
