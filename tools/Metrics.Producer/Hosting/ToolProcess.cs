using System.ComponentModel;
using System.Diagnostics;

namespace Metrics.Producer.Hosting;

/// <summary>
/// Runs a program a producer reads its source through (nvidia-smi, squeue) and returns what it printed. A program in
/// trouble fails, prints garbage or hangs for minutes: a missing program and one that does not answer within the
/// timeout (its process tree is then killed, never left behind) are each a <see cref="ToolProcessException"/> naming
/// it; what a non-zero exit means is the caller's to say.
/// </summary>
public static class ToolProcess
{
    public sealed record Output(int ExitCode, byte[] Stdout, string Stderr)
    {
        /// <summary>The first line of stderr, or of stdout when stderr is empty: what a one-line failure quotes.</summary>
        public string FirstLine
        {
            get
            {
                string line = (Stderr.Length > 0 ? Stderr : System.Text.Encoding.UTF8.GetString(Stdout)).Trim().Split('\n')[0].Trim();
                return line.Length > 200 ? line[..200] + "..." : line;
            }
        }
    }

    /// <param name="name">How the program is named in messages (<c>nvidia-smi</c>).</param>
    /// <param name="executable">The program to run.</param>
    /// <param name="arguments">Its arguments, each passed as is.</param>
    /// <param name="environment">Variables set beyond the producer's own environment.</param>
    /// <param name="notFoundHint">What to do when the program is missing, for the message.</param>
    /// <param name="timeout">How long to wait before killing it.</param>
    /// <param name="time">The clock of the timeout.</param>
    /// <param name="cancellationToken">Stops waiting and kills the process.</param>
    public static async Task<Output> RunAsync(
        string name,
        string executable,
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string>? environment,
        string notFoundHint,
        TimeSpan timeout,
        TimeProvider time,
        CancellationToken cancellationToken
    )
    {
        ArgumentNullException.ThrowIfNull(arguments);
        Process process = Start(name, executable, arguments, environment, notFoundHint);
        using (process)
        using (var deadline = new CancellationTokenSource(timeout, time))
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
                return new Output(process.ExitCode, stdout.ToArray(), await error.ConfigureAwait(false));
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                Kill(process);
                throw new ToolProcessException(
                    string.Create(
                        System.Globalization.CultureInfo.InvariantCulture,
                        $"{name} gave no answer within {timeout.TotalSeconds:0.#} s and was killed"
                    )
                );
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

    /// <summary>Starts the tool with both pipes redirected; a missing executable is named with the hint.</summary>
    private static Process Start(
        string name,
        string executable,
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string>? environment,
        string notFoundHint
    )
    {
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach ((string variable, string value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[variable] = value;
        }

        try
        {
            return Process.Start(start) ?? throw new ToolProcessException($"could not start {executable}");
        }
        catch (Win32Exception ex)
        {
            throw new ToolProcessException($"{name} not found ({executable}): {notFoundHint}", ex);
        }
    }
}
