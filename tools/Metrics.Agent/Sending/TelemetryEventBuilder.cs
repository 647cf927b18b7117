using System.Globalization;
using System.Text.Json;
using Metrics.Agent.Mapping;
using Metrics.Agent.Reading;

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
        }).OrderBy(g => g.Index).ToArray();
        if (usable.Length == 0)
        {
            return null;
        }

        // The sample covers the interval ending at the newest reading.
        DateTimeOffset ts = usable.Max(g => g.Timestamp);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("schema", "gpu-telemetry/1");
            json.WriteString("cluster", cluster);
            json.WriteString("node", node);
            json.WriteString("ts", ts.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            json.WriteNumber("intervalS", intervalS);
            json.WriteStartArray("gpus");
            foreach (GpuStatus gpu in usable)
            {
                (string? jobId, string? institution) = mapping.Lookup(gpu.Index);
                if (gpu.UtilPct is null)
                {
                    warnings.Add($"GPU {gpu.Index} reported no utilisation (MIG mode reports [N/A]); sent as 0");
                }

                json.WriteStartObject();
                json.WriteString("uuid", gpu.Uuid);
                json.WriteNumber("index", gpu.Index);
                json.WriteString("model", gpu.Name);
                WriteNullable(json, "jobId", jobId);
                WriteNullable(json, "institution", institution);
                json.WriteNumber("utilPct", Math.Clamp(gpu.UtilPct ?? 0, 0, 100));
                json.WriteNumber("memUsedMiB", Math.Min(gpu.MemUsedMiB!.Value, gpu.MemTotalMiB!.Value));
                json.WriteNumber("memTotalMiB", gpu.MemTotalMiB.Value);
                if (gpu.PowerW is { } power)
                {
                    json.WriteNumber("powerW", power);
                }

                if (gpu.TempC is { } temp)
                {
                    json.WriteNumber("tempC", temp);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }
}
