using System.ComponentModel;
using System.Diagnostics;

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
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in NvidiaSmiFields.Arguments.Split(' '))
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new AgentFailure($"could not start {executable}");
        }
        catch (Win32Exception ex)
        {
            throw new AgentFailure(
                $"nvidia-smi not found ({executable}): install the NVIDIA driver on this node or pass --nvidia-smi PATH",
                ex
            );
        }

        using (process)
        using (var deadline = new CancellationTokenSource(timeout, timeProvider))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token))
        {
            try
            {
                // Both pipes at once: a process blocked on a full stderr pipe would otherwise never close stdout.
                Task<string> output = process.StandardOutput.ReadToEndAsync(linked.Token);
                Task<string> error = process.StandardError.ReadToEndAsync(linked.Token);
                await process.WaitForExitAsync(linked.Token).ConfigureAwait(false);
                string stdout = await output.ConfigureAwait(false);
                string stderr = await error.ConfigureAwait(false);
                return process.ExitCode == 0
                    ? stdout
                    : throw new AgentFailure($"nvidia-smi exited {process.ExitCode}: {FirstLine(stderr.Length > 0 ? stderr : stdout)}");
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                Kill(process);
                throw new AgentFailure($"nvidia-smi gave no answer within {timeout.TotalSeconds:0.#} s and was killed");
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

    private static string FirstLine(string text)
    {
        string line = text.Trim().Split('\n')[0].Trim();
        return line.Length > 200 ? line[..200] + "..." : line;
    }
}
