using Metrics.Producer.Hosting;

namespace Metrics.Agent;

/// <summary>
/// The agent: a sampler loop and a sender loop that never wait on each other. Every interval the sampler reads the
/// GPUs, appends one event to the spool and wakes the sender; the sender empties the spool into Event Hubs at its own
/// pace (<see cref="EventSender"/>). A dry run prints each event instead. Every way a sample or the spool can fail is
/// logged here and survived; the agent stops only when asked to.
/// </summary>
public sealed class NodeAgent(
    AgentOptions options,
    GpuSampler sampler,
    EventSpool? spool,
    EventSender? sender,
    TextWriter output,
    TextWriter log,
    TimeProvider timeProvider
)
{
    private SpoolAppendKind _lastAppend = SpoolAppendKind.OnDisk;

    /// <summary>Events the spool refused (full, too large, or disk and memory both unavailable), since start.</summary>
    public long Dropped { get; private set; }

    /// <summary>Runs until cancelled, or one sample (and one attempt to send it) with <see cref="AgentOptions.Once"/>.</summary>
    /// <returns>False when <see cref="AgentOptions.Once"/> was given and the sample failed.</returns>
    public Task<bool> RunAsync(CancellationToken cancellationToken) =>
        ProducerLoop.RunAsync(
            TimeSpan.FromSeconds(options.IntervalS),
            options.Once,
            SampleOnceAsync,
            sender,
            "metrics-agent",
            log,
            timeProvider,
            cancellationToken
        );

    /// <summary>Takes one sample and queues it (or prints it). Never waits for Event Hubs.</summary>
    /// <returns>False when the sample failed (already logged).</returns>
    public async Task<bool> SampleOnceAsync(CancellationToken cancellationToken)
    {
        byte[]? body = await sampler.SampleAsync(cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            return !sampler.LastFailed;
        }

        if (options.DryRun || spool is null)
        {
            await output.WriteLineAsync(System.Text.Encoding.UTF8.GetString(body)).ConfigureAwait(false);
            return true;
        }

        SpoolAppend outcome = spool.Append(body);
        await ReportAsync(outcome).ConfigureAwait(false);
        sender?.Wake();
        return true;
    }

    private async Task ReportAsync(SpoolAppend outcome)
    {
        SpoolAppendKind previous = _lastAppend;
        _lastAppend = outcome.Kind;
        switch (outcome.Kind)
        {
            case SpoolAppendKind.Refused:
                // Every refusal is logged: each one is a sample that will never be billed.
                Dropped++;
                await log.WriteLineAsync(
                        $"metrics-agent: SAMPLE DROPPED ({Dropped} since start): {outcome.Reason}; raise --spool-max-mb, free the spool "
                            + $"disk or restore connectivity"
                    )
                    .ConfigureAwait(false);
                break;
            case SpoolAppendKind.InMemory when previous != SpoolAppendKind.InMemory:
                await log.WriteLineAsync(
                        $"metrics-agent: SPOOL DISK UNWRITABLE ({outcome.Reason}); holding events in memory until Event Hubs takes them "
                            + $"(lost if the agent stops)"
                    )
                    .ConfigureAwait(false);
                break;
            case SpoolAppendKind.DiskRecovered:
                await log.WriteLineAsync($"metrics-agent: spool disk writable again ({spool!.Directory})").ConfigureAwait(false);
                break;
        }
    }
}
