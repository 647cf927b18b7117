using Spectre.Console;

namespace Metrics.Cli;

/// <summary>Spectre.Console progress bars, drawn on stderr so stdout stays clean for the summary line.</summary>
internal static class ProgressBars
{
    public static async Task<T> RunAsync<T>(string description, Func<IProgress<double>?, Task<T>> work)
    {
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        T result = default!;
        await console
            .Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                ProgressTask task = context.AddTask(description, maxValue: 1.0);
                result = await work(new Reporter(task)).ConfigureAwait(false);
                task.Value = 1.0;
            })
            .ConfigureAwait(false);
        return result;
    }

    /// <summary>Updates the bar directly: <see cref="Progress{T}"/> would queue a callback per report.</summary>
    private sealed class Reporter(ProgressTask task) : IProgress<double>
    {
        public void Report(double value) => task.Value = value;
    }
}
