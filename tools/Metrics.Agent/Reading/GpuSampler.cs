using Metrics.Contract;

namespace Metrics.Agent.Reading;

/// <summary>
/// One sample: run nvidia-smi, parse it, build the event, check it against the contract. A failing, garbled or hung
/// nvidia-smi costs that sample only: it is logged (the first of a run of failures, then a reminder every 40, then
/// the recovery) and the next interval samples again. A node's driver can be in trouble for hours; its log should say
/// so without flooding, and the agent must never ship an event the pipeline would dead-letter.
/// </summary>
public sealed class GpuSampler(
    INvidiaSmi nvidiaSmi,
    NvidiaSmiCsvParser parser,
    TelemetryEventBuilder builder,
    TextWriter log,
    TimeProvider timeProvider
)
{
    private int _failures;

    /// <summary>Samples that produced no event because nvidia-smi or its output failed, since start.</summary>
    public long Failed { get; private set; }

    /// <summary>Whether the latest sample failed (as opposed to succeeding or reporting no usable GPU).</summary>
    public bool LastFailed { get; private set; }

    /// <summary>The event body; null when this sample failed or reported no GPU (both logged).</summary>
    public async Task<byte[]?> SampleAsync(CancellationToken cancellationToken)
    {
        var warnings = new List<string>();
        byte[]? body;
        LastFailed = false;
        try
        {
            string csv = await nvidiaSmi.QueryAsync(cancellationToken).ConfigureAwait(false);
            body = builder.Build(parser.Parse(csv), warnings);
            if (body is not null && GpuTelemetryDecoder.Decode(body, timeProvider.GetUtcNow()) is { IsValid: false } invalid)
            {
                throw new FormatException($"the event built from it breaks the contract ({invalid.Rejection})");
            }
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            // Whatever nvidia-smi printed (numbers out of range, NaN, a wrong column count) costs this sample only.
            Failed++;
            _failures++;
            LastFailed = true;
            string failure = ex switch
            {
                AgentFailure => ex.Message,
                FormatException or OverflowException => $"unexpected nvidia-smi output: {ex.Message}",
                _ => $"unexpected nvidia-smi output ({ex.GetType().Name}: {ex.Message})",
            };
            if (_failures == 1 || _failures % 40 == 0)
            {
                await log.WriteLineAsync($"metrics-agent: sample skipped: {failure} ({_failures} in a row)").ConfigureAwait(false);
            }

            return null;
        }

        if (_failures > 0)
        {
            await log.WriteLineAsync($"metrics-agent: nvidia-smi answering again after {_failures} skipped sample(s)")
                .ConfigureAwait(false);
            _failures = 0;
        }

        foreach (string warning in warnings)
        {
            await log.WriteLineAsync($"metrics-agent: {warning}").ConfigureAwait(false);
        }

        return body;
    }
}
