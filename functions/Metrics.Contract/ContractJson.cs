namespace Metrics.Contract;

/// <summary>
/// The one writer of contract events (docs/telemetry-contract.md), beside their readers in <c>Validation/</c>: the node
/// agent, the simulator, the demo and the tests all write events through it, so the wire form is defined once. The
/// schema tag comes from the stream. Optional fields are left out when null; a GPU's <c>jobId</c> and
/// <c>institution</c> are written as null on an idle GPU, as the contract asks.
/// </summary>
public static class ContractJson
{
    /// <summary>One <c>gpu-telemetry/1</c> event body (UTF-8 JSON).</summary>
    public static byte[] Serialize(GpuSample sample) => Serialize(w => Write(w, sample));

    /// <summary>One <c>job-event/1</c> event body (UTF-8 JSON).</summary>
    public static byte[] Serialize(JobEvent job) => Serialize(w => Write(w, job));

    public static void Write(Utf8JsonWriter json, GpuSample sample)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(sample);
        json.WriteStartObject();
        json.WriteString("schema", TelemetryStream.Gpu.SchemaTag());
        json.WriteString("cluster", sample.Cluster);
        json.WriteString("node", sample.Node);
        json.WriteString("ts", Timestamp(sample.Ts));
        json.WriteNumber("intervalS", sample.IntervalS);
        json.WriteStartArray("gpus");
        foreach (GpuReading gpu in sample.Gpus)
        {
            json.WriteStartObject();
            json.WriteString("uuid", gpu.Uuid);
            json.WriteNumber("index", gpu.Index);
            json.WriteString("model", gpu.Model);
            json.WriteString("jobId", gpu.JobId);
            json.WriteString("institution", gpu.Institution);
            json.WriteNumber("utilPct", gpu.UtilPct);
            json.WriteNumber("memUsedMiB", gpu.MemUsedMiB);
            json.WriteNumber("memTotalMiB", gpu.MemTotalMiB);
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

    public static void Write(Utf8JsonWriter json, JobEvent job)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(job);
        json.WriteStartObject();
        json.WriteString("schema", TelemetryStream.Jobs.SchemaTag());
        json.WriteString("eventId", job.EventId);
        json.WriteString("cluster", job.Cluster);
        json.WriteString("jobId", job.JobId);
        json.WriteString("state", job.State.Name());
        json.WriteString("ts", Timestamp(job.Ts));
        json.WriteString("institution", job.Institution);
        Optional(json, "account", job.Account);
        Optional(json, "user", job.User);
        Optional(json, "queue", job.Queue);
        if (job.SubmitTime is { } submitted)
        {
            json.WriteString("submitTime", Timestamp(submitted));
        }

        json.WriteString("startTime", Timestamp(job.StartTime));
        if (job.EndTime is { } end)
        {
            json.WriteString("endTime", Timestamp(end));
        }

        Optional(json, "exitState", job.ExitState);
        json.WriteNumber("gpus", job.Gpus);
        json.WriteString("gpuModel", job.GpuModel);
        if (job.Cpus is { } cpus)
        {
            json.WriteNumber("cpus", cpus);
        }

        if (job.MemGiB is { } mem)
        {
            json.WriteNumber("memGiB", mem);
        }

        json.WriteEndObject();
    }

    /// <summary>Contract timestamps: UTC with <c>Z</c>, and a fraction of a second only when there is one.</summary>
    public static string Timestamp(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// The event id a producer without one of its own gives a job event: what identifies it in the scheduler
    /// (cluster, job, state, time), so a resend of the same event has the same id and counts once.
    /// </summary>
    public static string JobEventId(string cluster, string jobId, JobState state, DateTimeOffset ts) =>
        $"{cluster}:{jobId}:{state.Name()}:{Timestamp(ts)}";

    private static void Optional(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }

    private static byte[] Serialize(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(buffer))
        {
            write(json);
        }

        return buffer.WrittenSpan.ToArray();
    }
}
