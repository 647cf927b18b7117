using Metrics.Producer.Hosting;

namespace Metrics.Slurm.Controller;

/// <summary>
/// Runs <c>squeue --states=all --json</c> (finished jobs included: the controller keeps them for <c>MinJobAge</c>, which
/// is where a run's end time is). A controller that does not answer within the timeout is a failed poll, logged, and
/// tried again next interval; the process is killed, never left behind. <c>SLURM_CONF</c> is passed through.
/// </summary>
public sealed class SqueueProcess(string executable, TimeSpan timeout) : ISqueue
{
    private static readonly string[] s_arguments = ["--states=all", "--json"];

    /// <summary>Variables set for squeue beyond the collector's own environment (a test's private <c>SLURM_CONF</c>).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    public async Task<byte[]> ReadAsync(CancellationToken cancellationToken)
    {
        ToolProcess.Output output;
        try
        {
            output = await ToolProcess
                .RunAsync(
                    "squeue",
                    executable,
                    s_arguments,
                    Environment,
                    "install slurm-client on this host or pass --squeue PATH",
                    timeout,
                    TimeProvider.System,
                    cancellationToken
                )
                .ConfigureAwait(false);
        }
        catch (ToolProcessException ex)
        {
            throw new SlurmUnavailableException(ex.Message, ex);
        }

        return output.ExitCode == 0
            ? output.Stdout
            : throw new SlurmUnavailableException($"squeue exited {output.ExitCode}: {output.FirstLine}");
    }
}
