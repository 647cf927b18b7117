using System.Diagnostics;

namespace Metrics.Integration.Tests;

/// <summary>
/// The single-node Slurm that tools/test.sh starts with tools/slurm/local-slurm.sh (Debian's slurmctld, slurmd and
/// munge, installed with apt-get when absent) and names in <c>METRICS_SLURM_DIR</c>; null when it could not be
/// installed or started, and the tests that need it are then skipped, saying so.
/// </summary>
public static class LiveSlurm
{
    public const string DirectoryVariable = "METRICS_SLURM_DIR";

    public static string? Directory { get; } =
        Environment.GetEnvironmentVariable(DirectoryVariable) is { Length: > 0 } dir && File.Exists(Path.Combine(dir, "slurm.conf"))
            ? dir
            : null;

    public static string Conf => Path.Combine(Directory!, "slurm.conf");

    public static IReadOnlyDictionary<string, string> SqueueEnvironment => new Dictionary<string, string> { ["SLURM_CONF"] = Conf };

    /// <summary>
    /// Runs a Slurm command (sbatch, scontrol, scancel) against the local Slurm; its stdout, or a failure with its stderr.
    /// </summary>
    public static async Task<string> RunAsync(string command, params string[] args)
    {
        var start = new ProcessStartInfo(command)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Directory!,
        };
        start.Environment["SLURM_CONF"] = Conf;
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        string error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? await output : throw new InvalidOperationException($"{command} {string.Join(' ', args)}: {error}");
    }
}

/// <summary>A fact that needs the local Slurm: skipped, with the reason, where tools/test.sh could not start one.</summary>
public sealed class SlurmFactAttribute : FactAttribute
{
    public SlurmFactAttribute()
    {
        if (LiveSlurm.Directory is null)
        {
            Skip =
                $"no local Slurm: {LiveSlurm.DirectoryVariable} is not set (tools/test.sh sets it when tools/slurm/local-slurm.sh could "
                + "install and start Slurm)";
        }
    }
}
