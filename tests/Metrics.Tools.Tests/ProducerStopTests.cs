using System.Diagnostics;

namespace Metrics.Tools.Tests;

/// <summary>
/// systemd stops a service with SIGTERM: both producers, run as the real programs, stop on it as on Ctrl-C, within a
/// bound, with exit code 0 (so systemd records a clean stop, not a failure).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ProducerStopTests : IDisposable
{
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(15);

    private readonly string _dir = Directory.CreateTempSubdirectory("metrics-stop-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Script(string name, string body)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    /// <summary>Starts the program, waits for its first line, sends SIGTERM, and returns its exit code.</summary>
    private static async Task<int> TerminateAfterFirstLineAsync(string program, string[] args, bool stderr)
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, program))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)!;
        StreamReader first = stderr ? process.StandardError : process.StandardOutput;
        StreamReader other = stderr ? process.StandardOutput : process.StandardError;
        Task drainOther = other.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        string? line = await first.ReadLineAsync(timeout.Token);
        Assert.False(string.IsNullOrEmpty(line), $"{program} printed nothing before it was stopped");
        Task drainFirst = first.ReadToEndAsync();

        using (Process kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)])!)
        {
            await kill.WaitForExitAsync();
        }

        using var bound = new CancellationTokenSource(s_bound);
        await process.WaitForExitAsync(bound.Token);
        await Task.WhenAll(drainFirst, drainOther);
        return process.ExitCode;
    }

    [Fact]
    public async Task SlurmCollector_Sigterm_StopsCleanly()
    {
        string squeue = Script("squeue", $"cat '{Path.Combine(AppContext.BaseDirectory, "Fixtures", "slurm", "squeue-running.json")}'");
        string accounts = Path.Combine(_dir, "accounts.csv");
        File.WriteAllText(accounts, "proj-007,inst-00007\n");

        int exit = await TerminateAfterFirstLineAsync(
            "metrics-slurm",
            ["--cluster", "c1", "--accounts", accounts, "--squeue", squeue, "--hook-dir", _dir, "--interval-s", "1", "--dry-run"],
            stderr: false
        );

        Assert.Equal(0, exit);
    }

    [Fact]
    public async Task NodeAgent_Sigterm_StopsCleanly()
    {
        string smi = Script("nvidia-smi", "exit 3");

        int exit = await TerminateAfterFirstLineAsync(
            "metrics-agent",
            ["--cluster", "c1", "--node", "n1", "--nvidia-smi", smi, "--interval-s", "1", "--dry-run"],
            stderr: true
        );

        Assert.Equal(0, exit);
    }
}
