using Metrics.Agent.Reading;
using Metrics.Agent.Sending;

namespace Metrics.Agent;

/// <summary>
/// The agent's loop: every interval, read the GPUs, build one contract-v1 event, and send it (or print it, dry run).
/// </summary>
public sealed class NodeAgent(AgentOptions options, INvidiaSmi nvidiaSmi, TelemetryEventBuilder builder, EventSender? sender, TextWriter output, TextWriter log, TimeProvider timeProvider)
{
    private readonly NvidiaSmiCsvParser _parser = new(NvidiaSmiFields.Query, options.NodeTimeZone);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.IntervalS), timeProvider);
        do
        {
            await SampleOnceAsync(cancellationToken).ConfigureAwait(false);
        }
        while (!options.Once && await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
    }

    public async Task SampleOnceAsync(CancellationToken cancellationToken)
    {
        string csv = await nvidiaSmi.QueryAsync(cancellationToken).ConfigureAwait(false);
        var warnings = new List<string>();
        byte[]? body = builder.Build(_parser.Parse(csv), warnings);
        foreach (string warning in warnings)
        {
            await log.WriteLineAsync($"metrics-agent: {warning}").ConfigureAwait(false);
        }

        if (body is null)
        {
            return;
        }

        if (options.DryRun || sender is null)
        {
            await output.WriteLineAsync(System.Text.Encoding.UTF8.GetString(body)).ConfigureAwait(false);
            return;
        }

        await sender.SendAsync([body], cancellationToken).ConfigureAwait(false);
    }
}
