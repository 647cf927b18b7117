namespace Metrics.Agent.Reading;

/// <summary>Runs nvidia-smi's GPU query and returns its raw CSV output.</summary>
public interface INvidiaSmi
{
    Task<string> QueryAsync(CancellationToken cancellationToken);
}
