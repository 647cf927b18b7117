namespace Metrics.Contract;

/// <summary>Decodes and validates one <c>job-event/1</c> event body (docs/telemetry-contract.md).</summary>
public static class JobEventDecoder
{
    public static DecodeResult<JobEvent> Decode(ReadOnlyMemory<byte> body, DateTimeOffset enqueuedTime) =>
        Decode(body, enqueuedTime, IngestLimits.Default);

    public static DecodeResult<JobEvent> Decode(ReadOnlyMemory<byte> body, DateTimeOffset enqueuedTime, IngestLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        try
        {
            using JsonDocument document = EventBody.Parse(body, TelemetryStream.Jobs.SchemaTag());
            return DecodeResult<JobEvent>.Valid(Read(new JsonFields(document.RootElement, string.Empty), enqueuedTime, limits));
        }
        catch (RejectedEventException ex)
        {
            return DecodeResult<JobEvent>.Invalid(ex.Rejection);
        }
    }

    private static JobEvent Read(JsonFields fields, DateTimeOffset enqueuedTime, IngestLimits limits)
    {
        string eventId = fields.RequiredString("eventId", ContractPatterns.EventId());
        string cluster = fields.RequiredKey("cluster", ContractPatterns.Id());
        limits.CheckCluster(cluster);
        string jobId = fields.RequiredKey("jobId", ContractPatterns.JobId());
        JobState state = ReadState(fields);
        DateTimeOffset ts = fields.RequiredTimestamp("ts");
        string institution = fields.RequiredKey("institution", ContractPatterns.Id());
        string? account = fields.OptionalKey("account", ContractPatterns.Id());
        string? user = fields.OptionalString("user", ContractPatterns.Id());
        string? queue = fields.OptionalString("queue", ContractPatterns.Id());
        DateTimeOffset? submitTime = fields.OptionalTimestamp("submitTime");
        DateTimeOffset startTime = fields.RequiredTimestamp("startTime");
        DateTimeOffset? endTime = fields.OptionalTimestamp("endTime");
        double gpus = fields.RequiredNumber("gpus", 0, ContractLimits.MaxJobGpus);
        if (gpus <= 0)
        {
            throw new RejectedEventException(RejectReason.OutOfRange, $"gpus must be positive, got {gpus}");
        }

        string gpuModel = fields.RequiredKey("gpuModel", ContractPatterns.GpuModel());
        int? cpus = (int?)fields.OptionalInteger("cpus", 0, ContractLimits.MaxJobCpus);
        double? memGiB = fields.OptionalNumber("memGiB", 0, ContractLimits.MaxJobMemGiB);
        string? exitState = fields.OptionalString("exitState", ContractPatterns.Id());

        CheckTimes(state, ts, startTime, submitTime, endTime, exitState, enqueuedTime, limits, fields);

        return new JobEvent
        {
            EventId = eventId,
            Cluster = cluster,
            JobId = jobId,
            State = state,
            Ts = ts,
            Institution = institution,
            Account = account,
            User = user,
            Queue = queue,
            SubmitTime = submitTime,
            StartTime = startTime,
            EndTime = endTime,
            Gpus = gpus,
            GpuModel = gpuModel,
            Cpus = cpus,
            MemGiB = memGiB,
            ExitState = exitState,
        };
    }

    /// <summary>
    /// The event's times against the clock (plausible, not too old) and against each other (submitted, started, ended in
    /// that order; an end only on an ended job), and the run's length against the job-age limit.
    /// </summary>
    private static void CheckTimes(
        JobState state,
        DateTimeOffset ts,
        DateTimeOffset startTime,
        DateTimeOffset? submitTime,
        DateTimeOffset? endTime,
        string? exitState,
        DateTimeOffset enqueuedTime,
        IngestLimits limits,
        JsonFields fields
    )
    {
        EventBody.Plausible(ts, "ts", enqueuedTime, limits);
        EventBody.Plausible(startTime, "startTime", enqueuedTime, limits, ageBounded: false);
        if (startTime > ts)
        {
            throw new RejectedEventException(RejectReason.Inconsistent, $"startTime {startTime:O} is after the event's ts {ts:O}");
        }

        if (submitTime is { } submitted)
        {
            EventBody.Plausible(submitted, "submitTime", enqueuedTime, limits, ageBounded: false);
            if (submitted > startTime)
            {
                throw new RejectedEventException(RejectReason.Inconsistent, $"submitTime {submitted:O} is after startTime {startTime:O}");
            }
        }

        // The run's billed end: what one event can make the rollup bill, and so the work it can cause.
        DateTimeOffset runEnd = ts;
        if (state == JobState.Ended)
        {
            DateTimeOffset end = endTime ?? throw fields.Missing("endTime");
            EventBody.Plausible(end, "endTime", enqueuedTime, limits);
            if (end < startTime)
            {
                throw new RejectedEventException(RejectReason.Inconsistent, $"endTime {end:O} is before startTime {startTime:O}");
            }

            runEnd = end;
        }
        else if (endTime is not null || exitState is not null)
        {
            throw new RejectedEventException(
                RejectReason.Inconsistent,
                $"endTime and exitState are only allowed on an ended job, not on '{state.Name()}'"
            );
        }

        if (runEnd - startTime > limits.MaxJobAge)
        {
            throw new RejectedEventException(
                RejectReason.TimestampTooOld,
                $"startTime {startTime:O} is more than the maximum job age of {limits.MaxJobAge.TotalDays:0.##} days before "
                    + $"{(state == JobState.Ended ? "endTime" : "ts")} {runEnd:O}"
            );
        }
    }

    private static JobState ReadState(JsonFields fields)
    {
        if (!fields.Element.TryGetProperty("state", out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            throw fields.Missing("state");
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw new RejectedEventException(RejectReason.WrongType, "state must be a string");
        }

        if (!JobStates.TryParse(fields.Text("state", value), out JobState state))
        {
            throw new RejectedEventException(
                RejectReason.OutOfRange,
                $"state must be started, running or ended, got {JsonFields.Truncate(value.GetRawText())}"
            );
        }

        return state;
    }
}
