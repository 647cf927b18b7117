namespace Metrics.Slurm.Controller;

/// <summary>
/// Reads <c>squeue --states=all --json</c>: Slurm 22.05's plain numbers and state strings, and the later
/// <c>{"set": true, "number": N}</c> numbers and state arrays, so an upgrade of the controller does not stop billing.
/// A job the collector cannot read is skipped and named, never a reason to drop the others.
/// </summary>
public static class SqueueJson
{
    public static IReadOnlyList<SlurmJob> Parse(ReadOnlySpan<byte> json, ICollection<string> warnings)
    {
        ArgumentNullException.ThrowIfNull(warnings);
        using JsonDocument document = JsonDocument.Parse(json.ToArray());
        if (
            document.RootElement.ValueKind != JsonValueKind.Object
            || !document.RootElement.TryGetProperty("jobs", out JsonElement jobs)
            || jobs.ValueKind != JsonValueKind.Array
        )
        {
            throw new FormatException("squeue --json printed no \"jobs\" array");
        }

        var parsed = new List<SlurmJob>(jobs.GetArrayLength());
        foreach (JsonElement job in jobs.EnumerateArray())
        {
            if (Read(job) is { } read)
            {
                parsed.Add(read);
            }
            else
            {
                warnings.Add($"a job without job_id or job_state was skipped: {Metrics.Contract.EchoedText.Cut(job.GetRawText(), 120)}");
            }
        }

        return parsed;
    }

    private static SlurmJob? Read(JsonElement job)
    {
        if (job.ValueKind != JsonValueKind.Object || Long(job, "job_id") is not { } id || State(job) is not { } state)
        {
            return null;
        }

        int nodes = (int)(Long(job, "node_count") ?? 1);
        int? cpus = Long(job, "cpus") is { } c ? (int)c : null;
        double? memMiB =
            Long(job, "memory_per_node") is { } perNode ? perNode * (double)nodes
            : Long(job, "memory_per_cpu") is { } perCpu && cpus is { } n ? perCpu * (double)n
            : null;
        return new SlurmJob
        {
            JobId = id.ToString(CultureInfo.InvariantCulture),
            State = state,
            Account = String(job, "account"),
            User = String(job, "user_name"),
            Partition = String(job, "partition"),
            Cluster = String(job, "cluster"),
            SubmitTime = Long(job, "submit_time"),
            StartTime = Long(job, "start_time"),
            EndTime = Long(job, "end_time"),
            RestartCount = (int)(Long(job, "restart_cnt") ?? 0),
            Nodes = String(job, "nodes"),
            NodeCount = nodes,
            Cpus = cpus,
            MemGiB = memMiB / 1024,
            Gpus = GpuAllocation.Of(
                String(job, "tres_alloc_str"),
                job.TryGetProperty("gres_detail", out JsonElement detail) && detail.ValueKind == JsonValueKind.Array
                    ? detail.EnumerateArray().Where(d => d.ValueKind == JsonValueKind.String).Select(d => d.GetString()!).ToArray()
                    : [],
                String(job, "tres_per_job"),
                String(job, "tres_per_node"),
                nodes
            ),
        };
    }

    /// <summary>A number, or a later Slurm's <c>{"set", "infinite", "number"}</c>; null when absent, unset or infinite.</summary>
    private static long? Long(JsonElement job, string name)
    {
        if (!job.TryGetProperty(name, out JsonElement value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number)
        {
            return value.TryGetInt64(out long n) ? n : null;
        }

        if (
            value.ValueKind == JsonValueKind.Object
            && !(value.TryGetProperty("set", out JsonElement set) && set.ValueKind == JsonValueKind.False)
            && !(value.TryGetProperty("infinite", out JsonElement infinite) && infinite.ValueKind == JsonValueKind.True)
            && value.TryGetProperty("number", out JsonElement number)
            && number.TryGetInt64(out long m)
        )
        {
            return m;
        }

        return null;
    }

    private static string? String(JsonElement job, string name) =>
        job.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } s
            ? s
            : null;

    /// <summary>The base state: a string on 22.05; an array of the state and its flags later (the state comes first).</summary>
    private static string? State(JsonElement job)
    {
        if (!job.TryGetProperty("job_state", out JsonElement state))
        {
            return null;
        }

        return state.ValueKind switch
        {
            JsonValueKind.String => state.GetString(),
            JsonValueKind.Array => state
                .EnumerateArray()
                .Where(s => s.ValueKind == JsonValueKind.String)
                .Select(s => s.GetString()!)
                .FirstOrDefault(s => SlurmJob.Running.Contains(s) || SlurmJob.Finished.Contains(s) || s == "PENDING")
                ?? state.EnumerateArray().Select(s => s.ToString()).FirstOrDefault(),
            _ => null,
        };
    }
}
