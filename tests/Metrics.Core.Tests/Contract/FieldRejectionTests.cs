namespace Metrics.Core.Tests.Contract;

/// <summary>
/// Both decoders refuse an event with one bad field for that field's own reason, and name it by its path. One table over
/// the two streams: they share the contract's rules (ids, types, ranges, presence), and the table shows at a glance
/// which field of which stream a rule was pinned on. A <c>null</c> value means the field is absent.
/// </summary>
public sealed class FieldRejectionTests
{
    private static readonly DateTimeOffset s_enqueued = new(2026, 11, 27, 10, 1, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(TelemetryStream.Gpu, "cluster", null, RejectReason.MissingField)]
    [InlineData(TelemetryStream.Gpu, "node", null, RejectReason.MissingField)]
    [InlineData(TelemetryStream.Gpu, "ts", null, RejectReason.MissingField)]
    [InlineData(TelemetryStream.Gpu, "intervalS", null, RejectReason.MissingField)]
    [InlineData(TelemetryStream.Gpu, "gpus", null, RejectReason.MissingField)]
    [InlineData(TelemetryStream.Gpu, "gpus[2].uuid", null, RejectReason.MissingField)]
    [InlineData(TelemetryStream.Gpu, "gpus[2].index", null, RejectReason.MissingField)]
    [InlineData(TelemetryStream.Gpu, "gpus[2].model", null, RejectReason.MissingField)]
    [InlineData(TelemetryStream.Gpu, "gpus[2].utilPct", null, RejectReason.MissingField)]
    [InlineData(TelemetryStream.Gpu, "gpus[2].memUsedMiB", null, RejectReason.MissingField)]
    [InlineData(TelemetryStream.Gpu, "gpus[2].memTotalMiB", null, RejectReason.MissingField)]
    [InlineData(TelemetryStream.Gpu, "intervalS", "\"15\"", RejectReason.WrongType)]
    [InlineData(TelemetryStream.Gpu, "gpus", "{}", RejectReason.WrongType)]
    [InlineData(TelemetryStream.Gpu, "gpus[0].utilPct", "\"87\"", RejectReason.WrongType)]
    [InlineData(TelemetryStream.Gpu, "gpus[0].memUsedMiB", "\"61234\"", RejectReason.WrongType)]
    [InlineData(TelemetryStream.Gpu, "gpus[0].memTotalMiB", "true", RejectReason.WrongType)]
    [InlineData(TelemetryStream.Gpu, "gpus[0].index", "\"0\"", RejectReason.WrongType)]
    [InlineData(TelemetryStream.Gpu, "gpus[0].powerW", "\"612.3\"", RejectReason.WrongType)]
    [InlineData(TelemetryStream.Gpu, "gpus[0].uuid", "42", RejectReason.WrongType)]
    [InlineData(TelemetryStream.Gpu, "gpus[0].utilPct", "100.5", RejectReason.OutOfRange)]
    [InlineData(TelemetryStream.Gpu, "gpus[0].utilPct", "-0.1", RejectReason.OutOfRange)]
    [InlineData(TelemetryStream.Gpu, "gpus[0].utilPct", "1e400", RejectReason.OutOfRange)]
    [InlineData(TelemetryStream.Gpu, "gpus[0].memUsedMiB", "-1", RejectReason.OutOfRange)]
    [InlineData(TelemetryStream.Gpu, "gpus[0].memUsedMiB", "1.5", RejectReason.OutOfRange)]
    [InlineData(TelemetryStream.Gpu, "gpus[0].memTotalMiB", "0", RejectReason.OutOfRange)]
    [InlineData(TelemetryStream.Gpu, "gpus[0].index", "64", RejectReason.OutOfRange)]
    [InlineData(TelemetryStream.Gpu, "gpus[0].powerW", "-5", RejectReason.OutOfRange)]
    [InlineData(TelemetryStream.Gpu, "gpus[0].tempC", "400", RejectReason.OutOfRange)]
    [InlineData(TelemetryStream.Gpu, "node", "\"gn 0412\"", RejectReason.InvalidId)]
    [InlineData(TelemetryStream.Gpu, "node", "\"gn/0412\"", RejectReason.InvalidId)]
    [InlineData(TelemetryStream.Gpu, "cluster", "\"\"", RejectReason.InvalidId)]
    [InlineData(TelemetryStream.Gpu, "cluster", "\"-leading-dash\"", RejectReason.InvalidId)]
    [InlineData(TelemetryStream.Gpu, "gpus[0].uuid", "\"16ad15a6-b480-cd47-2ba8-1e36f3db8143\"", RejectReason.InvalidId)]
    [InlineData(TelemetryStream.Gpu, "gpus[0].institution", "\"inst#42\"", RejectReason.InvalidId)]
    [InlineData(TelemetryStream.Gpu, "gpus[0].jobId", "\"12 34\"", RejectReason.InvalidId)]
    // Ids with a newline or control character must never pass: they would split a CSV line or a log record.
    [InlineData(TelemetryStream.Gpu, "node", "\"gn0412\\n\"", RejectReason.InvalidId)]
    [InlineData(TelemetryStream.Gpu, "cluster", "\"hefei-aicc-1\\n\"", RejectReason.InvalidId)]
    [InlineData(TelemetryStream.Gpu, "node", "\"gn\\n0412\"", RejectReason.InvalidId)]
    [InlineData(TelemetryStream.Gpu, "node", "\"gn0412\\r\"", RejectReason.InvalidId)]
    [InlineData(TelemetryStream.Jobs, "institution", "\"inst-00042\\n\"", RejectReason.InvalidId)]
    [InlineData(TelemetryStream.Jobs, "eventId", null, RejectReason.MissingField)]
    [InlineData(TelemetryStream.Jobs, "cluster", null, RejectReason.MissingField)]
    [InlineData(TelemetryStream.Jobs, "jobId", null, RejectReason.MissingField)]
    [InlineData(TelemetryStream.Jobs, "state", null, RejectReason.MissingField)]
    [InlineData(TelemetryStream.Jobs, "ts", null, RejectReason.MissingField)]
    [InlineData(TelemetryStream.Jobs, "institution", null, RejectReason.MissingField)]
    [InlineData(TelemetryStream.Jobs, "startTime", null, RejectReason.MissingField)]
    [InlineData(TelemetryStream.Jobs, "gpus", null, RejectReason.MissingField)]
    [InlineData(TelemetryStream.Jobs, "gpuModel", null, RejectReason.MissingField)]
    [InlineData(TelemetryStream.Jobs, "endTime", null, RejectReason.MissingField)]
    [InlineData(TelemetryStream.Jobs, "gpus", "\"8\"", RejectReason.WrongType)]
    [InlineData(TelemetryStream.Jobs, "cpus", "\"64\"", RejectReason.WrongType)]
    [InlineData(TelemetryStream.Jobs, "memGiB", "\"512\"", RejectReason.WrongType)]
    [InlineData(TelemetryStream.Jobs, "state", "1", RejectReason.WrongType)]
    [InlineData(TelemetryStream.Jobs, "startTime", "1795000000", RejectReason.WrongType)]
    [InlineData(TelemetryStream.Jobs, "gpus", "0", RejectReason.OutOfRange)]
    [InlineData(TelemetryStream.Jobs, "gpus", "-1", RejectReason.OutOfRange)]
    [InlineData(TelemetryStream.Jobs, "gpus", "1000000", RejectReason.OutOfRange)]
    [InlineData(TelemetryStream.Jobs, "cpus", "-1", RejectReason.OutOfRange)]
    [InlineData(TelemetryStream.Jobs, "cpus", "2.5", RejectReason.OutOfRange)]
    [InlineData(TelemetryStream.Jobs, "state", "\"finished\"", RejectReason.OutOfRange)]
    [InlineData(TelemetryStream.Jobs, "eventId", "\"has space\"", RejectReason.InvalidId)]
    [InlineData(TelemetryStream.Jobs, "jobId", "\"12/34\"", RejectReason.InvalidId)]
    [InlineData(TelemetryStream.Jobs, "institution", "\"inst?42\"", RejectReason.InvalidId)]
    [InlineData(TelemetryStream.Jobs, "gpuModel", "\"H100\\u0000\"", RejectReason.InvalidId)]
    [InlineData(TelemetryStream.Jobs, "startTime", "\"2026-11-27T08:00:00\"", RejectReason.InvalidTimestamp)]
    [InlineData(TelemetryStream.Jobs, "endTime", "\"2026-11-27T11:00:00Z\"", RejectReason.TimestampInFuture)]
    [InlineData(TelemetryStream.Jobs, "endTime", "\"2026-11-27T07:59:59Z\"", RejectReason.Inconsistent, "before startTime")]
    public void Decode_OneBadField_IsRefusedForItsReason_AndNamedByItsPath(
        TelemetryStream stream,
        string path,
        string? json,
        RejectReason reason,
        string? detail = null
    )
    {
        JsonObject e = stream == TelemetryStream.Gpu ? EventJson.Gpu(gpus: 3) : EventJson.Job();
        Set(e, path, json is null ? null : JsonNode.Parse(json));
        byte[] body = EventJson.Bytes(e);

        if (stream == TelemetryStream.Gpu)
        {
            RejectionAssert.Rejected(GpuTelemetryDecoder.Decode(body, s_enqueued), reason, detail ?? path);
        }
        else
        {
            RejectionAssert.Rejected(JobEventDecoder.Decode(body, s_enqueued), reason, detail ?? path);
        }
    }

    /// <summary>Sets (or, with null, removes) a top-level field or one GPU's field: <c>gpus[2].uuid</c>.</summary>
    private static void Set(JsonObject e, string path, JsonNode? value)
    {
        JsonObject target = e;
        string field = path;
        int dot = path.IndexOf('.', StringComparison.Ordinal);
        if (dot >= 0)
        {
            int open = path.IndexOf('[', StringComparison.Ordinal);
            int index = int.Parse(
                path[(open + 1)..path.IndexOf(']', StringComparison.Ordinal)],
                System.Globalization.CultureInfo.InvariantCulture
            );
            target = e[path[..open]]![index]!.AsObject();
            field = path[(dot + 1)..];
        }

        if (value is null)
        {
            target.Remove(field);
        }
        else
        {
            target[field] = value;
        }
    }
}
