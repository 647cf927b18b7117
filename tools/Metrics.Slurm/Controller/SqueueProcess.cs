using System.ComponentModel;
using System.Diagnostics;

namespace Metrics.Slurm.Controller;

/// <summary>
/// Runs <c>squeue --states=all --json</c> (finished jobs included: the controller keeps them for <c>MinJobAge</c>, which
/// is where a run's end time is). A controller that does not answer within the timeout is a failed poll, logged, and
/// tried again next interval; the process is killed, never left behind. <c>SLURM_CONF</c> is passed through.
/// </summary>
public sealed class SqueueProcess(string executable, TimeSpan timeout) : ISqueue
{
    /// <summary>Variables set for squeue beyond the collector's own environment (a test's private <c>SLURM_CONF</c>).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    public async Task<byte[]> ReadAsync(CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach ((string name, string value) in Environment)
        {
            start.Environment[name] = value;
        }

        start.ArgumentList.Add("--states=all");
        start.ArgumentList.Add("--json");
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new SlurmUnavailableException($"could not start {executable}");
        }
        catch (Win32Exception ex)
        {
            throw new SlurmUnavailableException($"{executable} not found: install slurm-client on this host or pass --squeue PATH", ex);
        }

        using (process)
        using (var deadline = new CancellationTokenSource(timeout))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token))
        {
            try
            {
                using var stdout = new MemoryStream();
                // Both pipes at once: a process blocked on a full stderr pipe would otherwise never close stdout.
                Task output = process.StandardOutput.BaseStream.CopyToAsync(stdout, linked.Token);
                Task<string> error = process.StandardError.ReadToEndAsync(linked.Token);
                await process.WaitForExitAsync(linked.Token).ConfigureAwait(false);
                await output.ConfigureAwait(false);
                string stderr = await error.ConfigureAwait(false);
                return process.ExitCode == 0
                    ? stdout.ToArray()
                    : throw new SlurmUnavailableException(
                        $"{executable} exited {process.ExitCode}: "
                            + stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()
                    );
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                Kill(process);
                throw new SlurmUnavailableException($"{executable} gave no answer within {timeout.TotalSeconds:0.#} s and was killed");
            }
            catch (OperationCanceledException)
            {
                Kill(process);
                throw;
            }
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited between the timeout and the kill.
        }
    }
}
