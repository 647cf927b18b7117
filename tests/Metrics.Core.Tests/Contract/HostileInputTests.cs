namespace Metrics.Core.Tests.Contract;

/// <summary>
/// Each case is a body that once passed validation or threw past the decoder (issue: reliability). Every one must now be
/// a dead letter with a precise reason, never an exception.
/// </summary>
public sealed class HostileInputTests
{
    private static readonly DateTimeOffset s_enqueued = new(2026, 11, 27, 10, 1, 0, TimeSpan.Zero);

    private static DecodeResult<GpuSample> Gpu(string body, IngestLimits? limits = null) =>
        GpuTelemetryDecoder.Decode(Encoding.UTF8.GetBytes(body), s_enqueued, limits ?? IngestLimits.Default);

    private static DecodeResult<JobEvent> Job(JsonNode node, IngestLimits? limits = null) =>
        JobEventDecoder.Decode(EventJson.Bytes(node), s_enqueued, limits ?? IngestLimits.Default);

    [Fact]
    public void Timestamp_WithNonAsciiDigits_IsAnInvalidTimestamp()
    {
        JsonObject e = EventJson.Gpu(gpus: 1, ts: "٢٠٢٦-11-27T09:00:15Z");

        RejectionAssert.Rejected(Gpu(e.ToJsonString()), RejectReason.InvalidTimestamp, "ts");
    }

    [Theory]
    [InlineData("node")]
    [InlineData("ts")]
    [InlineData("schema")]
    public void LoneSurrogateEscape_IsMalformedJson_NotAnException(string field)
    {
        string body = EventJson.Gpu(gpus: 1).ToJsonString();
        string valid = field switch
        {
            "node" => "\"gn0412\"",
            "ts" => "\"2026-11-27T09:00:15Z\"",
            _ => "\"gpu-telemetry/1\"",
        };
        body = body.Replace($"\"{field}\":{valid}", $"\"{field}\":\"\\ud800\\ud800\"", StringComparison.Ordinal);

        DecodeResult<GpuSample> result = Gpu(body);

        Assert.False(result.IsValid);
        Assert.Contains(result.Rejection!.Reason, new[] { RejectReason.MalformedJson, RejectReason.SchemaMismatch });
    }

    [Fact]
    public void DuplicatePropertyNames_AreMalformedJson()
    {
        string body = EventJson
            .Gpu(gpus: 1)
            .ToJsonString()
            .Replace("\"node\":\"gn0412\"", "\"node\":\"gn0412\",\"node\":\"gn9999\"", StringComparison.Ordinal);

        RejectionAssert.Rejected(Gpu(body), RejectReason.MalformedJson, "Duplicate");
    }

    [Theory]
    [InlineData("0001-01-01T00:00:00Z")]
    [InlineData("1999-12-31T23:59:59Z")]
    [InlineData("2026-11-12T10:00:00Z")]
    public void Gpu_TimestampBeforeTheMaximumAgeOrTheEpoch_IsTooOld(string ts)
    {
        JsonObject e = EventJson.Gpu(gpus: 1, ts: ts);

        RejectionAssert.Rejected(Gpu(e.ToJsonString()), RejectReason.TimestampTooOld, "ts");
    }

    [Fact]
    public void Gpu_TimestampJustInsideTheMaximumAge_Lands()
    {
        JsonObject e = EventJson.Gpu(gpus: 1, ts: "2026-11-13T10:01:00Z");

        Assert.True(Gpu(e.ToJsonString()).IsValid);
    }

    [Fact]
    public void Backfill_LiftsTheMaximumAge_ButNotTheEpochFloorOrTheFutureBound()
    {
        IngestLimits backfill = IngestLimits.Default.ForBackfill();

        Assert.True(Gpu(EventJson.Gpu(gpus: 1, ts: "2025-01-01T00:00:00Z").ToJsonString(), backfill).IsValid);
        RejectionAssert.Rejected(
            Gpu(EventJson.Gpu(gpus: 1, ts: "0001-01-01T00:00:10Z").ToJsonString(), backfill),
            RejectReason.TimestampTooOld,
            "2000-01-01"
        );
        RejectionAssert.Rejected(
            Gpu(EventJson.Gpu(gpus: 1, ts: "9999-12-31T23:59:59Z").ToJsonString(), backfill),
            RejectReason.TimestampInFuture,
            "ts"
        );
    }

    [Fact]
    public void Job_StartedDecadesAgo_IsTooOld()
    {
        JsonObject e = EventJson.Job(state: "running", ts: "2026-11-27T10:00:00Z", start: "1990-01-01T00:00:00Z");
        e["submitTime"] = "1990-01-01T00:00:00Z";

        RejectionAssert.Rejected(Job(e), RejectReason.TimestampTooOld, "startTime");
    }

    [Fact]
    public void Job_RunLongerThanTheMaximumJobAge_IsTooOld_EvenInABackfill()
    {
        JsonObject e = EventJson.Job(state: "running", ts: "2026-11-27T10:00:00Z", start: "2026-10-20T00:00:00Z");
        e["submitTime"] = "2026-10-20T00:00:00Z";

        RejectionAssert.Rejected(Job(e, IngestLimits.Default.ForBackfill()), RejectReason.TimestampTooOld, "maximum job age");
    }

    [Fact]
    public void Job_EndedAfterAThirtyDayRun_SentLate_IsAccepted()
    {
        // The run lasted 30 days (under 31); its ended event was sent two days after the end (under 14). Both bounds hold.
        JsonObject e = EventJson.Job(
            state: "ended",
            ts: "2026-11-27T10:00:00Z",
            start: "2026-10-26T10:00:00Z",
            end: "2026-11-25T10:00:00Z"
        );
        e["submitTime"] = "2026-10-26T09:00:00Z";

        Assert.True(Job(e).IsValid, Job(e).Rejection?.ToString());
    }

    [Fact]
    public void Job_StartAfterTs_OrSubmitAfterStart_IsInconsistent()
    {
        JsonObject late = EventJson.Job(state: "running", ts: "2026-11-27T09:00:00Z", start: "2026-11-27T09:30:00Z");
        RejectionAssert.Rejected(Job(late), RejectReason.Inconsistent, "startTime");

        JsonObject submitted = EventJson.Job(state: "running", ts: "2026-11-27T10:00:00Z", start: "2026-11-27T08:00:00Z");
        submitted["submitTime"] = "2026-11-27T08:30:00Z";
        RejectionAssert.Rejected(Job(submitted), RejectReason.Inconsistent, "submitTime");
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("a#b")]
    [InlineData("a?b")]
    [InlineData("a\\b")]
    [InlineData("a\u0000b")]
    [InlineData("ab\u007f")]
    [InlineData("a\u0085")]
    public void TableKeyRules_RefuseWhatAzureRefuses(string key)
    {
        Assert.NotNull(TableKeyRules.Check(key));
        Assert.Throws<ArgumentException>(() => TableKeyRules.Require(key, "RowKey"));
    }

    [Fact]
    public void TableKeyRules_AcceptEveryContractId_AndRefuseOverlongKeys()
    {
        Assert.Null(TableKeyRules.Check("inst-00042|H100 SXM5 (80GB)+1"));
        Assert.Null(TableKeyRules.Check(new string('a', TableKeyRules.MaxKeyChars)));
        Assert.NotNull(TableKeyRules.Check(new string('a', TableKeyRules.MaxKeyChars + 1)));
    }

    [Fact]
    public void IngestLimits_FromSettings_ReadsDays_AndRefusesNonsense()
    {
        IngestLimits limits = IngestLimits.FromSettings("3", null);
        Assert.Equal(TimeSpan.FromDays(3), limits.MaxEventAge);
        Assert.Equal(IngestLimits.DefaultMaxJobAge, limits.MaxJobAge);
        Assert.Throws<InvalidOperationException>(() => IngestLimits.FromSettings("0", null));
        Assert.Throws<InvalidOperationException>(() => IngestLimits.FromSettings(null, "٣"));
    }

    [Theory]
    [InlineData("abc", 8, "abc")]
    [InlineData("a\nb\u0000c", 80, "a?b?c")]
    [InlineData("abcdefghij", 8, "abcde...")]
    [InlineData("abcd\ud83d\ude00xyz", 8, "abcd...")]
    [InlineData("abc\ud83d\ude00xyzw", 8, "abc\ud83d\ude00...")]
    public void EchoedText_CutsWithoutSplittingASurrogatePair_AndHidesControls(string value, int max, string expected)
    {
        Assert.Equal(expected, EchoedText.Cut(value, max));
    }

    [Fact]
    public void EchoedText_ShowsALoneSurrogateAsAQuestionMark()
    {
        Assert.Equal("x?y", EchoedText.Cut(string.Concat("x", ((char)0xD800).ToString(), "y"), 80));
    }
}
