using Metrics.Producer.Hosting;

namespace Metrics.Agent.Reading;

/// <summary>
/// Runs the real nvidia-smi binary. A driver in trouble makes nvidia-smi fail, print garbage or hang for minutes;
/// each of those is an <see cref="AgentFailure"/> for this one sample (a hung process is killed after the timeout),
/// so the agent's loop logs it and samples again next interval.
/// </summary>
public sealed class NvidiaSmiProcess(string executable, TimeSpan timeout, TimeProvider timeProvider) : INvidiaSmi
{
    public async Task<string> QueryAsync(CancellationToken cancellationToken)
    {
        ToolProcess.Output output;
        try
        {
            output = await ToolProcess
                .RunAsync(
                    "nvidia-smi",
                    executable,
                    NvidiaSmiFields.Arguments.Split(' '),
                    environment: null,
                    "install the NVIDIA driver on this node or pass --nvidia-smi PATH",
                    timeout,
                    timeProvider,
                    cancellationToken
                )
                .ConfigureAwait(false);
        }
        catch (ToolProcessException ex)
        {
            throw new AgentFailure(ex.Message, ex);
        }

        return output.ExitCode == 0
            ? System.Text.Encoding.UTF8.GetString(output.Stdout)
            : throw new AgentFailure($"nvidia-smi exited {output.ExitCode}: {output.FirstLine}");
    }
}
