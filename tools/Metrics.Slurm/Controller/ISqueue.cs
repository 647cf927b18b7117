namespace Metrics.Slurm.Controller;

/// <summary>The controller's job list, as <c>squeue --states=all --json</c> prints it.</summary>
public interface ISqueue
{
    Task<byte[]> ReadAsync(CancellationToken cancellationToken);
}
