using Metrics.Agent.Mapping;
using Metrics.Contract;

namespace Metrics.Agent.Sending;

/// <summary>Builds one <c>gpu-telemetry/1</c> event from a node's GPU readings (docs/telemetry-contract.md).</summary>
public sealed class TelemetryEventBuilder(string cluster, string node, int intervalS, JobMapping mapping)
{
    /// <summary>The event body, or null when no GPU could be reported (each skipped GPU is named in <paramref name="warnings"/>).</summary>
    public byte[]? Build(IReadOnlyList<GpuStatus> gpus, ICollection<string> warnings)
    {
        ArgumentNullException.ThrowIfNull(gpus);
        ArgumentNullException.ThrowIfNull(warnings);
        var usable = gpus.Where(g =>
            {
                if (g.MemTotalMiB is null || g.MemUsedMiB is null)
                {
                    warnings.Add($"GPU {g.Index} ({g.Uuid}) reported no memory figures; left out of this sample");
                    return false;
                }

                return true;
            })
            .OrderBy(g => g.Index)
            .ToArray();
        if (usable.Length == 0)
        {
            return null;
        }

        // The sample covers the interval ending at the newest reading.
        DateTimeOffset ts = usable.Max(g => g.Timestamp);
        var readings = new List<GpuReading>(usable.Length);
        foreach (GpuStatus gpu in usable)
        {
            (string? jobId, string? institution) = mapping.Lookup(gpu.Index);
            if (gpu.UtilPct is null)
            {
                warnings.Add($"GPU {gpu.Index} reported no utilisation (MIG mode reports [N/A]); sent as 0");
            }

            readings.Add(
                new GpuReading(
                    gpu.Uuid,
                    gpu.Index,
                    gpu.Name,
                    jobId,
                    institution,
                    Math.Clamp(gpu.UtilPct ?? 0, 0, 100),
                    Math.Min(gpu.MemUsedMiB!.Value, gpu.MemTotalMiB!.Value),
                    gpu.MemTotalMiB.Value,
                    gpu.PowerW,
                    gpu.TempC
                )
            );
        }

        // To the millisecond, as nvidia-smi reports it.
        var sample = new GpuSample(
            cluster,
            node,
            new DateTimeOffset(ts.UtcTicks - (ts.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero),
            intervalS,
            readings
        );
        return ContractJson.Serialize(sample);
    }
}
