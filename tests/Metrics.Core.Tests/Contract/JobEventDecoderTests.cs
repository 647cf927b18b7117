namespace Metrics.Core.Tests.Contract;

public sealed class JobEventDecoderTests
{
    private static readonly DateTimeOffset s_enqueued = new(2026, 11, 27, 10, 0, 5, TimeSpan.Zero);

    private static DecodeResult<JobEvent> Decode(JsonNode node) => JobEventDecoder.Decode(EventJson.Bytes(node), s_enqueued);

    [Fact]
    public void Decode_ContractExample_ReadsEveryField()
    {
        const string body = """
            {"schema":"job-event/1","eventId":"hefei-aicc-1:1234567:end","cluster":"hefei-aicc-1","jobId":"1234567",
             "state":"ended","ts":"2026-11-27T10:00:00Z","institution":"inst-00042","account":"proj-nlp","user":"u1234",
             "queue":"gpu-h100","submitTime":"2026-11-27T07:58:00Z","startTime":"2026-11-27T08:00:00Z",
             "endTime":"2026-11-27T10:00:00Z","gpus":8,"gpuModel":"H100-SXM5-80GB","cpus":64,"memGiB":512,"exitState":"COMPLETED"}
            """;
        DecodeResult<JobEvent> result = JobEventDecoder.Decode(Encoding.UTF8.GetBytes(body), s_enqueued);

        Assert.True(result.IsValid, result.Rejection?.ToString());
        JobEvent job = result.Value;
        Assert.Equal("hefei-aicc-1:1234567:end", job.EventId);
        Assert.Equal("hefei-aicc-1", job.Cluster);
        Assert.Equal("1234567", job.JobId);
        Assert.Equal(JobState.Ended, job.State);
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero), job.Ts);
        Assert.Equal("inst-00042", job.Institution);
        Assert.Equal("proj-nlp", job.Account);
        Assert.Equal("u1234", job.User);
        Assert.Equal("gpu-h100", job.Queue);
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 7, 58, 0, TimeSpan.Zero), job.SubmitTime);
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 8, 0, 0, TimeSpan.Zero), job.StartTime);
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero), job.EndTime);
        Assert.Equal(8, job.Gpus);
        Assert.Equal("H100-SXM5-80GB", job.GpuModel);
        Assert.Equal(64, job.Cpus);
        Assert.Equal(512, job.MemGiB);
        Assert.Equal("COMPLETED", job.ExitState);
    }

    [Theory]
    [InlineData("started")]
    [InlineData("running")]
    public void Decode_StartedOrRunningWithoutEnd_IsValid(string state)
    {
        DecodeResult<JobEvent> result = Decode(EventJson.Job(state: state));
        Assert.True(result.IsValid, result.Rejection?.ToString());
        Assert.Null(result.Value.EndTime);
    }

    [Fact]
    public void Decode_FractionalMigGpus_IsValid()
    {
        DecodeResult<JobEvent> result = Decode(EventJson.Job(gpus: 1.0 / 7));
        Assert.True(result.IsValid);
        Assert.Equal(1.0 / 7, result.Value.Gpus);
    }

    [Fact]
    public void Decode_OptionalFieldsAbsent_IsValid()
    {
        JsonObject e = EventJson.Job(state: "running");
        foreach (string field in new[] { "account", "user", "queue", "submitTime", "cpus", "memGiB" })
        {
            e.Remove(field);
        }

        DecodeResult<JobEvent> result = Decode(e);
        Assert.True(result.IsValid, result.Rejection?.ToString());
        Assert.Null(result.Value.Cpus);
    }

    [Fact]
    public void Decode_EndEqualToStart_IsValid()
    {
        JsonObject e = EventJson.Job();
        e["endTime"] = "2026-11-27T08:00:00Z";
        Assert.True(Decode(e).IsValid);
    }

    [Fact]
    public void Decode_EndTimeOnRunningJob_IsInconsistent()
    {
        JsonObject e = EventJson.Job(state: "running");
        e["endTime"] = "2026-11-27T09:00:00Z";
        RejectionAssert.Rejected(Decode(e), RejectReason.Inconsistent, "only allowed on an ended job");
    }

    [Fact]
    public void Decode_GpuSchemaOnJobStream_IsSchemaMismatch()
    {
        RejectionAssert.Rejected(Decode(EventJson.Gpu()), RejectReason.SchemaMismatch, "job-event/1");
    }
}
