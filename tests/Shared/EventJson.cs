using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Metrics.Tests.Shared;

/// <summary>Builders of valid contract-v1 event bodies; tests mutate one field to make the case they need.</summary>
public static class EventJson
{
    public const string Cluster = "hefei-aicc-1";

    public static JsonObject Gpu(string node = "gn0412", string ts = "2026-11-27T09:00:15Z", int gpus = 8, string? jobId = "1234567", string? institution = "inst-00042", double utilPct = 87.0, int intervalS = 15)
    {
        var array = new JsonArray();
        for (int i = 0; i < gpus; i++)
        {
            array.Add(new JsonObject
            {
                ["uuid"] = GpuUuid(node, i),
                ["index"] = i,
                ["model"] = "H100-SXM5-80GB",
                ["jobId"] = jobId,
                ["institution"] = institution,
                ["utilPct"] = utilPct,
                ["memUsedMiB"] = 61234,
                ["memTotalMiB"] = 81559,
                ["powerW"] = 612.3,
                ["tempC"] = 64,
            });
        }

        return new JsonObject
        {
            ["schema"] = "gpu-telemetry/1",
            ["cluster"] = Cluster,
            ["node"] = node,
            ["ts"] = ts,
            ["intervalS"] = intervalS,
            ["gpus"] = array,
        };
    }

    public static JsonObject Job(
        string jobId = "1234567",
        string state = "ended",
        string ts = "2026-11-27T10:00:00Z",
        double gpus = 8,
        string institution = "inst-00042",
        string cluster = Cluster,
        string start = "2026-11-27T08:00:00Z",
        string? end = null,
        string model = "H100-SXM5-80GB",
        int cpus = 64,
        string? account = "proj-nlp")
    {
        var job = new JsonObject
        {
            ["schema"] = "job-event/1",
            ["eventId"] = $"{cluster}:{jobId}:{state}:{ts}",
            ["cluster"] = cluster,
            ["jobId"] = jobId,
            ["state"] = state,
            ["ts"] = ts,
            ["institution"] = institution,
            ["account"] = account,
            ["user"] = "u1234",
            ["queue"] = "gpu-h100",
            ["submitTime"] = "2026-11-27T07:58:00Z",
            ["startTime"] = start,
            ["gpus"] = gpus,
            ["gpuModel"] = model,
            ["cpus"] = cpus,
            ["memGiB"] = 512,
        };
        if (account is null)
        {
            job.Remove("account");
        }

        if (state == "ended")
        {
            job["endTime"] = end ?? ts;
            job["exitState"] = "COMPLETED";
        }

        return job;
    }

    public static byte[] Bytes(JsonNode node) => Encoding.UTF8.GetBytes(node.ToJsonString());

    /// <summary>A stable, well-formed GPU UUID for a (node, index) pair.</summary>
    public static string GpuUuid(string node, int index)
    {
        byte[] hash = MD5.HashData(Encoding.UTF8.GetBytes($"{node}/{index}"));
        return "GPU-" + new Guid(hash.AsSpan(0, 16)).ToString("D");
    }
}
