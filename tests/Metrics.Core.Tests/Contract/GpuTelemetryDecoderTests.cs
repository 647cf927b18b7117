namespace Metrics.Core.Tests.Contract;

public sealed class GpuTelemetryDecoderTests
{
    private static readonly DateTimeOffset s_enqueued = new(2026, 11, 27, 9, 1, 0, TimeSpan.Zero);

    private static DecodeResult<GpuSample> Decode(JsonNode node) => GpuTelemetryDecoder.Decode(EventJson.Bytes(node), s_enqueued);

    private static DecodeResult<GpuSample> Decode(string body) => GpuTelemetryDecoder.Decode(Encoding.UTF8.GetBytes(body), s_enqueued);

    [Fact]
    public void Decode_ContractExample_ReadsEveryField()
    {
        const string body = """
            {"schema":"gpu-telemetry/1","cluster":"hefei-aicc-1","node":"gn0412","ts":"2026-11-27T09:00:15Z","intervalS":15,
             "gpus":[{"uuid":"GPU-16ad15a6-b480-cd47-2ba8-1e36f3db8143","index":0,"model":"H100-SXM5-80GB",
                      "jobId":"1234567","institution":"inst-00042","utilPct":87.0,"memUsedMiB":61234,"memTotalMiB":81559,
                      "powerW":612.3,"tempC":64}]}
            """;
        DecodeResult<GpuSample> result = Decode(body);

        Assert.True(result.IsValid, result.Rejection?.ToString());
        GpuSample sample = result.Value;
        Assert.Equal("hefei-aicc-1", sample.Cluster);
        Assert.Equal("gn0412", sample.Node);
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 9, 0, 15, TimeSpan.Zero), sample.Ts);
        Assert.Equal(15, sample.IntervalS);
        GpuReading gpu = Assert.Single(sample.Gpus);
        Assert.Equal(
            new GpuReading(
                "GPU-16ad15a6-b480-cd47-2ba8-1e36f3db8143",
                0,
                "H100-SXM5-80GB",
                "1234567",
                "inst-00042",
                87.0,
                61234,
                81559,
                612.3,
                64
            ),
            gpu
        );
    }

    [Fact]
    public void Decode_IdleGpuWithoutPowerAndTemperature_IsValidWithNulls()
    {
        JsonObject e = EventJson.Gpu(jobId: null, institution: null, gpus: 1);
        e["gpus"]![0]!.AsObject().Remove("powerW");
        e["gpus"]![0]!.AsObject().Remove("tempC");

        DecodeResult<GpuSample> result = Decode(e);

        Assert.True(result.IsValid, result.Rejection?.ToString());
        GpuReading gpu = result.Value.Gpus[0];
        Assert.Null(gpu.JobId);
        Assert.Null(gpu.Institution);
        Assert.Null(gpu.PowerW);
        Assert.Null(gpu.TempC);
    }

    [Fact]
    public void Decode_UnknownExtraFields_AreIgnored()
    {
        JsonObject e = EventJson.Gpu(gpus: 2);
        e["firmware"] = "96.00.74";
        e["gpus"]![1]!["eccErrors"] = 0;

        Assert.True(Decode(e).IsValid);
    }

    [Fact]
    public void Decode_TimestampWithOffset_IsNormalisedToUtc()
    {
        DecodeResult<GpuSample> result = Decode(EventJson.Gpu(ts: "2026-11-27T17:00:15+08:00"));

        Assert.True(result.IsValid, result.Rejection?.ToString());
        Assert.Equal(TimeSpan.Zero, result.Value.Ts.Offset);
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 9, 0, 15, TimeSpan.Zero), result.Value.Ts);
    }

    [Fact]
    public void Decode_DaysOldSpooledSample_IsAccepted()
    {
        Assert.True(Decode(EventJson.Gpu(ts: "2026-11-20T03:00:00Z")).IsValid);
    }

    [Fact]
    public void Decode_TimestampExactlyAtSkewAllowance_IsAccepted()
    {
        string ts = EventJson.Ts(s_enqueued + ContractLimits.ClockSkewAllowance);
        Assert.True(Decode(EventJson.Gpu(ts: ts)).IsValid);
    }

    [Fact]
    public void Decode_TimestampBeyondSkewAllowance_IsTimestampInFuture()
    {
        string ts = EventJson.Ts(s_enqueued + ContractLimits.ClockSkewAllowance + TimeSpan.FromSeconds(1));
        RejectionAssert.Rejected(Decode(EventJson.Gpu(ts: ts)), RejectReason.TimestampInFuture, "ts");
    }

    [Fact]
    public void Decode_BodyOverOneMiB_IsBodyTooLarge()
    {
        JsonObject e = EventJson.Gpu();
        e["padding"] = new string('x', ContractLimits.MaxBodyBytes);
        RejectionAssert.Rejected(Decode(e), RejectReason.BodyTooLarge, "limit");
    }

    [Fact]
    public void Decode_InvalidUtf8_IsNotUtf8()
    {
        byte[] body =
        [
            .. Encoding.UTF8.GetBytes("{\"schema\":\"gpu-telemetry/1\",\"node\":\""),
            0xC3,
            0x28,
            .. Encoding.UTF8.GetBytes("\"}"),
        ];
        RejectionAssert.Rejected(GpuTelemetryDecoder.Decode(body, s_enqueued), RejectReason.NotUtf8, "UTF-8");
    }

    [Theory]
    [InlineData("{\"schema\":\"gpu-telemetry/1\",", "well-formed")]
    [InlineData("", "well-formed")]
    [InlineData("[1,2,3]", "object")]
    [InlineData("\"gpu-telemetry/1\"", "object")]
    public void Decode_NotAJsonObject_IsMalformedJson(string body, string fragment)
    {
        RejectionAssert.Rejected(Decode(body), RejectReason.MalformedJson, fragment);
    }

    [Theory]
    [InlineData("gpu-telemetry/2")]
    [InlineData("job-event/1")]
    [InlineData("GPU-TELEMETRY/1")]
    public void Decode_WrongSchemaTag_IsSchemaMismatch(string schema)
    {
        JsonObject e = EventJson.Gpu();
        e["schema"] = schema;
        RejectionAssert.Rejected(Decode(e), RejectReason.SchemaMismatch, "gpu-telemetry/1");
    }

    [Fact]
    public void Decode_MissingSchemaTag_IsSchemaMismatch()
    {
        JsonObject e = EventJson.Gpu();
        e.Remove("schema");
        RejectionAssert.Rejected(Decode(e), RejectReason.SchemaMismatch, "schema");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3601)]
    public void Decode_IntervalOutsideOneToThreeThousandSixHundred_IsOutOfRange(int intervalS)
    {
        RejectionAssert.Rejected(Decode(EventJson.Gpu(intervalS: intervalS)), RejectReason.OutOfRange, "intervalS");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3600)]
    public void Decode_IntervalAtBounds_IsValid(int intervalS)
    {
        Assert.True(Decode(EventJson.Gpu(intervalS: intervalS)).IsValid);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65)]
    public void Decode_GpuCountOutsideOneToSixtyFour_IsOutOfRange(int gpus)
    {
        RejectionAssert.Rejected(Decode(EventJson.Gpu(gpus: gpus)), RejectReason.OutOfRange, "gpus");
    }

    [Fact]
    public void Decode_SixtyFourGpus_IsValid()
    {
        Assert.True(Decode(EventJson.Gpu(gpus: 64)).IsValid);
    }

    [Fact]
    public void Decode_IdLongerThanSixtyFour_IsInvalidId()
    {
        JsonObject e = EventJson.Gpu();
        e["node"] = new string('n', 65);
        RejectionAssert.Rejected(Decode(e), RejectReason.InvalidId, "node");
    }

    [Theory]
    [InlineData("2026-11-27T09:00:15")]
    [InlineData("2026/11/27 09:00:15.210")]
    [InlineData("2026-11-27 09:00:15Z")]
    [InlineData("2026-11-27T09:00Z")]
    [InlineData("2026-13-27T09:00:15Z")]
    [InlineData("yesterday")]
    public void Decode_TimestampWithoutZoneOrNotIso_IsInvalidTimestamp(string ts)
    {
        RejectionAssert.Rejected(Decode(EventJson.Gpu(ts: ts)), RejectReason.InvalidTimestamp, "ts");
    }

    [Fact]
    public void Decode_NumericTimestamp_IsWrongType()
    {
        JsonObject e = EventJson.Gpu();
        e["ts"] = 1795000000;
        RejectionAssert.Rejected(Decode(e), RejectReason.WrongType, "ts");
    }

    [Fact]
    public void Decode_MemoryUsedAboveTotal_IsInconsistent()
    {
        JsonObject e = EventJson.Gpu(gpus: 1);
        e["gpus"]![0]!["memUsedMiB"] = 81560;
        RejectionAssert.Rejected(Decode(e), RejectReason.Inconsistent, "memUsedMiB");
    }

    [Fact]
    public void Decode_SameGpuTwice_IsInconsistent()
    {
        JsonObject e = EventJson.Gpu(gpus: 2);
        e["gpus"]![1]!["uuid"] = e["gpus"]![0]!["uuid"]!.GetValue<string>();
        RejectionAssert.Rejected(Decode(e), RejectReason.Inconsistent, "gpus[1]");
    }

    [Fact]
    public void Decode_JobWithoutInstitution_IsInconsistent()
    {
        RejectionAssert.Rejected(Decode(EventJson.Gpu(gpus: 1, institution: null)), RejectReason.Inconsistent, "institution");
    }
}
