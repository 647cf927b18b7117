using System.ComponentModel;
using System.Diagnostics;

namespace Metrics.Agent.Reading;

/// <summary>Runs the real nvidia-smi binary.</summary>
public sealed class NvidiaSmiProcess(string executable) : INvidiaSmi
{
    public async Task<string> QueryAsync(CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true };
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
            throw new AgentFailure($"nvidia-smi not found ({executable}): install the NVIDIA driver on this node or pass --nvidia-smi PATH", ex);
        }

        using (process)
        {
            string output = await process.StandardOutput.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            string error = await process.StandardError.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            return process.ExitCode == 0 ? output : throw new AgentFailure($"nvidia-smi exited {process.ExitCode}: {error.Trim()}");
        }
    }
}
