using System.CommandLine;
using Metrics.Cli.Commands;
using Metrics.Storage;

namespace Metrics.Cli;

/// <summary>The <c>metrics</c> command tree and its exit-code policy: 0 success, 2 usage error, 1 failure.</summary>
public static class MetricsCli
{
    public static async Task<int> RunAsync(string[] args, CliContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var root = new RootCommand(
            "Usage metering for the AI computing centre: ingest, inspect, deadletters, rollup, status, compact, usage, statement, close, "
                + "vouchers, rates, simulate, demo."
        )
        {
            IngestCommand.Create(context),
            InspectCommand.Create(context),
            DeadLettersCommand.Create(context),
            RollupCommand.Create(context),
            StatusCommand.Create(context),
            CompactCommand.Create(context),
            UsageCommand.Create(context),
            StatementCommand.Create(context),
            CloseCommand.Create(context),
            VouchersCommand.Create(context),
            RatesCommand.Create(context),
            SimulateCommand.Create(context),
            DemoCommand.Create(context),
        };

        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            // Every error, on one line: a script reading stderr gets one message per failed invocation.
            string message = string.Join(
                "; ",
                parsed.Errors.Select(e =>
                    string.Join(' ', e.Message.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries).Select(s => s.Trim()))
                )
            );
            await context.Error.WriteLineAsync($"metrics: {message} (see metrics --help)").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        try
        {
            var configuration = new InvocationConfiguration
            {
                Output = context.Out,
                Error = context.Error,
                EnableDefaultExceptionHandler = false,
            };
            return await parsed.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
            when (ExpectedErrors.Describe(ex, StorageSettings.FromEnvironment(context.GetEnvironmentVariable)) is { } message)
        {
            await context.Error.WriteLineAsync($"metrics: {message}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
    }
}
