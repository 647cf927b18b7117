using Metrics.Core.Operations;
using Metrics.Core.Ports;

namespace Metrics.Cli.Commands;

/// <summary>
/// <c>metrics status [--max-lag-minutes N]</c>: one screen for the operator, from storage alone. Exit 0 when billing is
/// fresh, 1 when the oldest pending billing work has waited longer than the limit, so it serves as a health check.
/// </summary>
internal static class StatusCommand
{
    public static Command Create(CliContext context)
    {
        var maxLag = new Option<int>("--max-lag-minutes")
        {
            Description = "How long billing work may wait before the status is stale (exit 1). The rollup runs every 5 minutes.",
            DefaultValueFactory = _ => 60,
        };
        maxLag.Validators.Add(r => OptionRanges.Check(r, maxLag, 1, 7 * 24 * 60));
        var command = new Command("status", "Show pending billing work, the last rollup, recent dead letters and closed months.")
        {
            maxLag,
        };
        command.SetAction(
            async (result, cancellationToken) =>
            {
                PipelineStatus status = await BillingStorage
                    .CreateStatusQuery(context.CreateStorage(), context.CreateCalendar(), context.TimeProvider)
                    .GetAsync(cancellationToken)
                    .ConfigureAwait(false);
                foreach (string line in StatusScreen.Lines(status))
                {
                    await context.Out.WriteLineAsync(line).ConfigureAwait(false);
                }

                (bool healthy, string verdict) = StatusScreen.Verdict(status, TimeSpan.FromMinutes(result.GetValue(maxLag)));
                await context.Out.WriteLineAsync(verdict).ConfigureAwait(false);
                return healthy ? ExitCodes.Success : ExitCodes.Failure;
            }
        );
        return command;
    }
}
