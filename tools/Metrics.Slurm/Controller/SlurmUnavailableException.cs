namespace Metrics.Slurm.Controller;

/// <summary>The controller could not be asked this poll (squeue missing, failing or hanging): the poll is skipped and retried.</summary>
public sealed class SlurmUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
