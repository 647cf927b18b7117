using Metrics.Cli;

namespace Metrics.Integration.Tests;

/// <summary>Runs the <c>metrics</c> CLI in-process against Azurite, with a chosen clock, capturing both outputs.</summary>
internal static class CliRunner
{
    public static async Task<(int Exit, string Out, string Error)> RunAsync(TimeProvider time, string? storage, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var context = new CliContext(output, error, name => name == "MetricsStorage" ? storage ?? Azurite.ConnectionString : null, time);
        int exit = await MetricsCli.RunAsync(args, context);
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>Runs a command that must succeed and returns its standard output.</summary>
    public static async Task<string> RunOkAsync(TimeProvider time, params string[] args)
    {
        (int exit, string output, string error) = await RunAsync(time, null, args);
        Assert.True(exit == 0, $"metrics {string.Join(' ', args)} exited {exit}: {error}");
        return output;
    }
}
