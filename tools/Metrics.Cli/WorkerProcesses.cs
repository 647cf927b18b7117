using System.Diagnostics;
using Metrics.Core.Usage;

namespace Metrics.Cli;

/// <summary>
/// <c>metrics rollup --workers N</c>'s instances: N <c>metrics worker --queue rollup</c> processes of this same CLI, each
/// a separate process with its own memory, as N Function instances would be. They inherit this process's environment
/// and the storage settings it was given, and their output goes to this process's stderr, each line after
/// <c>worker {pid}:</c>.
/// </summary>
internal static class WorkerProcesses
{
    /// <summary>The settings a worker needs to reach the same storage and calendar as its parent.</summary>
    private static readonly string[] s_passed =
    [
        StorageSettings.ConnectionName,
        $"{StorageSettings.ConnectionName}__blobServiceUri",
        $"{StorageSettings.ConnectionName}__tableServiceUri",
        $"{StorageSettings.ConnectionName}__queueServiceUri",
        $"{StorageSettings.ConnectionName}__clientId",
        StorageSettings.HostConnectionName,
        StorageSettings.NamePrefixName,
        BillingSettings.TimeZoneVariable,
    ];

    /// <summary>
    /// Runs <paramref name="count"/> workers on the rollup's queue until it is empty; the exit codes of those that failed.
    /// </summary>
    public static async Task<IReadOnlyList<int>> RunAsync(
        CliContext context,
        int count,
        int maxSamplesInMemory,
        TimeSpan visibility,
        bool progress,
        CancellationToken cancellationToken
    )
    {
        var workers = new List<Process>(count);
        try
        {
            for (int i = 0; i < count; i++)
            {
                workers.Add(Start(context, maxSamplesInMemory, visibility, progress));
            }

            await Task.WhenAll(workers.Select(w => w.WaitForExitAsync(cancellationToken))).ConfigureAwait(false);
            return workers.Where(w => w.ExitCode != ExitCodes.Success).Select(w => w.ExitCode).ToArray();
        }
        finally
        {
            foreach (Process worker in workers)
            {
                if (!worker.HasExited)
                {
                    worker.Kill(entireProcessTree: true);
                }

                worker.Dispose();
            }
        }
    }

    private static Process Start(CliContext context, int maxSamplesInMemory, TimeSpan visibility, bool progress)
    {
        string self = Environment.ProcessPath ?? throw new CliFailure("cannot tell this program's path to start workers");
        var start = new ProcessStartInfo(self)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (string.Equals(Path.GetFileNameWithoutExtension(self), "dotnet", StringComparison.Ordinal))
        {
            // Run as `dotnet metrics.dll`: the workers are too.
            start.ArgumentList.Add(typeof(WorkerProcesses).Assembly.Location);
        }

        foreach (
            string argument in new[]
            {
                "worker",
                "--queue",
                "rollup",
                "--max-samples-in-memory",
                maxSamplesInMemory.ToString(CultureInfo.InvariantCulture),
                "--visibility-s",
                ((int)visibility.TotalSeconds).ToString(CultureInfo.InvariantCulture),
            }.Concat(progress ? ["--progress"] : [])
        )
        {
            start.ArgumentList.Add(argument);
        }

        foreach (string name in s_passed)
        {
            if (context.GetEnvironmentVariable(name) is { } value)
            {
                start.Environment[name] = value;
            }
        }

        var process = Process.Start(start) ?? throw new CliFailure($"could not start a worker ({self})");
        // A worker's lines go to this process's stderr, named by its process id: stdout stays the rollup's one line.
        DataReceivedEventHandler relay = (_, line) =>
        {
            if (line.Data is { } data)
            {
                lock (context.Error)
                {
                    context.Error.WriteLine($"worker {process.Id}: {data}");
                }
            }
        };
        process.OutputDataReceived += relay;
        process.ErrorDataReceived += relay;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}
