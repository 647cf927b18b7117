using System.Text;
using System.Text.Json.Nodes;

namespace Metrics.Tests.Shared;

/// <summary>
/// Builders of valid contract-v1 event bodies, written by the product's one contract writer (<see cref="ContractJson"/>);
/// tests mutate one field to make the case they need. Times and states are taken as the caller's text and set after
/// writing, so that a test can send a malformed one as it is.
/// </summary>
public static class EventJson
{
    public const string Cluster = "hefei-aicc-1";

    private static readonly DateTimeOffset Placeholder = new(2026, 11, 27, 0, 0, 0, TimeSpan.Zero);

    /// <summary>An instant as the tests write it into events, to the second in UTC: <c>2026-11-27T09:00:15Z</c>.</summary>
    public static string Ts(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    public static JsonObject Gpu(
        string node = "gn0412",
        string ts = "2026-11-27T09:00:15Z",
        int gpus = 8,
        string? jobId = "1234567",
        string? institution = "inst-00042",
        double utilPct = 87.0,
        int intervalS = 15
    )
    {
        GpuReading[] readings = Enumerable
            .Range(0, gpus)
            .Select(i => new GpuReading(GpuUuid(node, i), i, "H100-SXM5-80GB", jobId, institution, utilPct, 61234, 81559, 612.3, 64))
            .ToArray();
        JsonObject sample = Parse(ContractJson.Serialize(new GpuSample(Cluster, node, Placeholder, intervalS, readings)));
        sample["ts"] = ts;
        return sample;
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
        string? account = "proj-nlp"
    )
    {
        bool ended = state == "ended";
        JsonObject job = Parse(
            ContractJson.Serialize(
                new JobEvent
                {
                    EventId = $"{cluster}:{jobId}:{state}:{ts}",
                    Cluster = cluster,
                    JobId = jobId,
                    State = ended ? JobState.Ended : JobState.Running,
                    Ts = Placeholder,
                    Institution = institution,
                    Account = account,
                    User = "u1234",
                    Queue = "gpu-h100",
                    SubmitTime = new DateTimeOffset(2026, 11, 27, 7, 58, 0, TimeSpan.Zero),
                    StartTime = Placeholder,
                    EndTime = ended ? Placeholder : null,
                    ExitState = ended ? "COMPLETED" : null,
                    Gpus = gpus,
                    GpuModel = model,
                    Cpus = cpus,
                    MemGiB = 512,
                }
            )
        );
        job["state"] = state;
        job["ts"] = ts;
        job["startTime"] = start;
        if (ended)
        {
            job["endTime"] = end ?? ts;
        }

        return job;
    }

    public static byte[] Bytes(JsonNode node) => Encoding.UTF8.GetBytes(node.ToJsonString());

    /// <summary>A stable, well-formed GPU UUID for a (node, index) pair: the simulator's.</summary>
    public static string GpuUuid(string node, int index) => SyntheticGpuUuid.For(node, index);

    private static JsonObject Parse(byte[] json) => JsonNode.Parse(json)!.AsObject();
}
