using Metrics.Cli.Commands;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Metrics.Cli;

/// <summary>The <c>metrics</c> command tree and its exit-code policy: 0 success, 2 usage error, 1 failure.</summary>
public static class MetricsCli
{
    /// <summary><c>--metrics none|console</c>, on every command: print the run's pipeline metrics to stderr when it ends.</summary>
    private static readonly string[] s_metricsChoices = ["none", "console"];

    public static async Task<int> RunAsync(string[] args, CliContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        ParseResult parsed = Tree(context).Parse(args);
        if (parsed.Errors.Count == 0 && parsed.GetValue<string>("--metrics") == "console")
        {
            // This run's own meter, read back in memory and printed at the end (to stderr: stdout stays the command's).
            using var metrics = new Metrics.Core.Observability.PipelineMetrics(
                $"{Metrics.Core.Observability.PipelineMetrics.MeterName}.cli.{Guid.NewGuid():N}"
            );
            var exported = new List<Metric>();
            using (MeterProvider provider = Sdk.CreateMeterProviderBuilder().AddMeter(metrics.Name).AddInMemoryExporter(exported).Build()!)
            {
                int exit = await InvokeAsync(Tree(context with { Metrics = metrics }).Parse(args), context, cancellationToken)
                    .ConfigureAwait(false);
                provider.ForceFlush();
                foreach (string line in MetricLines.Format(exported))
                {
                    await context.Error.WriteLineAsync(line).ConfigureAwait(false);
                }

                return exit;
            }
        }

        return await InvokeAsync(parsed, context, cancellationToken).ConfigureAwait(false);
    }

    private static RootCommand Tree(CliContext context)
    {
        var metricsOption = new Option<string>("--metrics")
        {
            Description = "Print the run's pipeline metrics to stderr when it ends: none or console.",
            DefaultValueFactory = _ => "none",
            Recursive = true,
        };
        metricsOption.AcceptOnlyFromAmong(s_metricsChoices);
        var root = new RootCommand(
            "Usage metering for the AI computing centre: ingest, inspect, deadletters, rollup, status, compact, usage, statement, close, "
                + "vouchers, rates, models, audit, simulate, demo."
        )
        {
            IngestCommand.Create(context),
            InspectCommand.Create(context),
            DeadLettersCommand.Create(context),
            RollupCommand.Create(context),
            StatusCommand.Create(context),
            CompactCommand.Create(context),
            WorkerCommand.Create(context),
            UsageCommand.Create(context),
            LakeCommand.Create(context),
            SqlCommand.Create(context),
            StatementCommand.Create(context),
            CloseCommand.Create(context),
            VouchersCommand.Create(context),
            AllocationsCommand.Create(context),
            RatesCommand.Create(context),
            ModelsCommand.Create(context),
            AuditCommand.Create(context),
            SimulateCommand.Create(context),
            DemoCommand.Create(context),
            metricsOption,
        };
        return root;
    }

    private static async Task<int> InvokeAsync(ParseResult parsed, CliContext context, CancellationToken cancellationToken)
    {
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
