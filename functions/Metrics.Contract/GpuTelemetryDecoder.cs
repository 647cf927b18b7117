namespace Metrics.Contract;

/// <summary>
/// Decodes and validates one <c>gpu-telemetry/1</c> event body (docs/telemetry-contract.md). Nearly every event takes the
/// single-pass fast path (<see cref="GpuTelemetryReader"/>); whatever it is not sure of is decided here, on a parsed
/// document, field by field in a fixed order, which is what words every rejection.
/// </summary>
public static class GpuTelemetryDecoder
{
    public static DecodeResult<GpuSample> Decode(ReadOnlyMemory<byte> body, DateTimeOffset enqueuedTime) =>
        Decode(body, enqueuedTime, IngestLimits.Default);

    public static DecodeResult<GpuSample> Decode(ReadOnlyMemory<byte> body, DateTimeOffset enqueuedTime, IngestLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        return GpuTelemetryReader.TryRead(body.Span, enqueuedTime, limits) is { } sample
            ? DecodeResult<GpuSample>.Valid(sample)
            : DecodeReference(body, enqueuedTime, limits);
    }

    /// <summary>The reference decoder alone: the fast path's fallback, and its oracle in the tests.</summary>
    internal static DecodeResult<GpuSample> DecodeReference(ReadOnlyMemory<byte> body, DateTimeOffset enqueuedTime, IngestLimits limits)
    {
        try
        {
            using JsonDocument document = EventBody.Parse(body, TelemetryStream.Gpu.SchemaTag());
            return DecodeResult<GpuSample>.Valid(Read(new JsonFields(document.RootElement, string.Empty), enqueuedTime, limits));
        }
        catch (RejectedEventException ex)
        {
            return DecodeResult<GpuSample>.Invalid(ex.Rejection);
        }
    }

    private static GpuSample Read(JsonFields fields, DateTimeOffset enqueuedTime, IngestLimits limits)
    {
        string cluster = fields.RequiredKey("cluster", ContractPatterns.Id());
        limits.CheckCluster(cluster);
        string node = fields.RequiredKey("node", ContractPatterns.Id());
        DateTimeOffset ts = fields.RequiredTimestamp("ts");
        EventBody.Plausible(ts, "ts", enqueuedTime, limits);
        int intervalS = (int)fields.RequiredInteger("intervalS", ContractLimits.MinIntervalS, ContractLimits.MaxIntervalS);

        JsonElement array = fields.RequiredArray("gpus");
        int count = array.GetArrayLength();
        if (count < ContractLimits.MinGpusPerSample || count > ContractLimits.MaxGpusPerSample)
        {
            throw new RejectedEventException(
                RejectReason.OutOfRange,
                $"gpus must hold {ContractLimits.MinGpusPerSample}..{ContractLimits.MaxGpusPerSample} entries, got {count}"
            );
        }

        var gpus = new GpuReading[count];
        int i = 0;
        foreach (JsonElement item in array.EnumerateArray())
        {
            string path = $"gpus[{i}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                throw new RejectedEventException(RejectReason.WrongType, $"{path} must be an object");
            }

            gpus[i] = ReadGpu(new JsonFields(item, path));
            for (int j = 0; j < i; j++)
            {
                if (string.Equals(gpus[j].Uuid, gpus[i].Uuid, StringComparison.OrdinalIgnoreCase) || gpus[j].Index == gpus[i].Index)
                {
                    throw new RejectedEventException(RejectReason.Inconsistent, $"{path} repeats the uuid or index of gpus[{j}]");
                }
            }

            i++;
        }

        return new GpuSample(cluster, node, ts, intervalS, gpus);
    }

    private static GpuReading ReadGpu(JsonFields gpu)
    {
        string uuid = gpu.RequiredString("uuid", ContractPatterns.GpuUuid());
        int index = (int)gpu.RequiredInteger("index", 0, ContractLimits.MaxGpuIndex);
        string model = gpu.RequiredKey("model", ContractPatterns.GpuModel());
        string? jobId = gpu.OptionalKey("jobId", ContractPatterns.JobId());
        string? institution = gpu.OptionalKey("institution", ContractPatterns.Id());

        // A busy GPU is billed to the institution of its job, so the two come together or not at all.
        if ((jobId is null) != (institution is null))
        {
            throw new RejectedEventException(
                RejectReason.Inconsistent,
                $"{gpu.Path(jobId is null ? "institution" : "jobId")} is set but {gpu.Path(jobId is null ? "jobId" : "institution")} is "
                    + $"not; both are null on an idle GPU"
            );
        }

        double utilPct = gpu.RequiredNumber("utilPct", 0, 100);
        long memUsed = gpu.RequiredInteger("memUsedMiB", 0, ContractLimits.MaxMemMiB);
        long memTotal = gpu.RequiredInteger("memTotalMiB", 1, ContractLimits.MaxMemMiB);
        if (memUsed > memTotal)
        {
            throw new RejectedEventException(
                RejectReason.Inconsistent,
                $"{gpu.Path("memUsedMiB")} {memUsed} exceeds {gpu.Path("memTotalMiB")} {memTotal}"
            );
        }

        double? powerW = gpu.OptionalNumber("powerW", 0, ContractLimits.MaxPowerW);
        double? tempC = gpu.OptionalNumber("tempC", ContractLimits.MinTempC, ContractLimits.MaxTempC);
        return new GpuReading(uuid, index, model, jobId, institution, utilPct, memUsed, memTotal, powerW, tempC);
    }
}
