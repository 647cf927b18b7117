using System.Diagnostics;

namespace Metrics.Integration.Tests;

/// <summary>
/// <c>metrics rollup --workers 4</c> as a process, on a test's store, with one worker killed with SIGKILL as soon as it
/// starts a unit (the first to say <c>started usage ...</c>): no finally block of the worker runs and its unit stays
/// hidden until its visibility (3 s here) lapses, when the rollup takes it over. Asserts the run still succeeded, that the
/// killed worker never finished its unit and that the others shared the rest; returns the rollup's summary line.
/// </summary>
internal static class KilledWorkerRollup
{
    public static async Task<string> RunAsync(AzuriteStore azurite, params string[] options)
    {
        using Process rollup = azurite.StartProcess(["rollup", "--workers", "4", "--visibility-s", "3", .. options]);
        Task<string> output = rollup.StandardOutput.ReadToEndAsync();
        var lines = new List<string>();
        (int Pid, string Unit)? victim = null;
        while (await rollup.StandardError.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(300)) is { } line)
        {
            lines.Add(line);
            // "worker 1234: started usage 2026112003.3f9c2a7d01be.0.1 at 0.2 s"
            string[] words = line.Split(' ');
            if (victim is null && words is [_, _, "started", "usage", _, ..])
            {
                victim = (int.Parse(words[1].TrimEnd(':'), CultureInfo.InvariantCulture), words[4]);
                Process.GetProcessById(victim.Value.Pid).Kill();
            }
        }

        await rollup.WaitForExitAsync();
        string log = string.Join('\n', lines);
        Assert.True(rollup.ExitCode == 0, log);
        Assert.True(victim is not null, log);
        Assert.DoesNotContain($"worker {victim.Value.Pid}: done usage {victim.Value.Unit}", log, StringComparison.Ordinal);
        Assert.Contains("1 of 4 workers exited with failure", log, StringComparison.Ordinal);
        Assert.True(
            lines.Where(l => l.Contains(": done usage ", StringComparison.Ordinal)).Select(l => l.Split(' ')[1]).Distinct().Count() >= 2,
            log
        );
        string summary = await output;
        Assert.Contains("failed_hours=0 ", summary, StringComparison.Ordinal);
        return summary;
    }
}
