using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;
using Metrics.Core.Catalogue;

namespace Metrics.Core.Tests.Arrow;

/// <summary>Write a batch as an Arrow IPC file with ZSTD, read it back, and compare every column of every row.</summary>
public sealed class ArrowRoundTripTests
{
    private static readonly DateTimeOffset s_ts = new(2026, 11, 27, 9, 0, 15, TimeSpan.Zero);
    private static readonly DateTimeOffset s_enqueued = new(2026, 11, 27, 9, 0, 16, 123, TimeSpan.Zero);

    private static readonly GpuModelCatalogue s_catalogue = new([new GpuModel("H100-SXM5-80GB", ["NVIDIA H100 80GB HBM3", "h100"])]);

    /// <summary>The Arrow file of <paramref name="batch"/>, copied out of the pooled memory it is written into.</summary>
    private static byte[] FileBytes(RecordBatch batch)
    {
        using Microsoft.IO.RecyclableMemoryStream written = ArrowIpc.WriteFile(batch);
        return written.ToArray();
    }

    private static RecordBatch RoundTrip(RecordBatch batch)
    {
        using var stream = new MemoryStream(FileBytes(batch));
        using ArrowFileReader reader = ArrowIpc.OpenFile(stream, leaveOpen: true);
        Assert.Equal(1, reader.RecordBatchCountAsync().AsTask().GetAwaiter().GetResult());
        return reader.ReadNextRecordBatch();
    }

    private static string Cell(RecordBatch batch, string column, int row) =>
        ArrowCells.Format(batch.Column(batch.Schema.GetFieldIndex(column)), row);

    /// <summary>Every cell of one row, in column order, as <c>metrics inspect</c> prints them.</summary>
    private static IEnumerable<string> Row(RecordBatch batch, int row) =>
        Enumerable.Range(0, batch.ColumnCount).Select(c => ArrowCells.Format(batch.Column(c), row));

    [Fact]
    public void GpuRows_EveryColumn_SurvivesTheRoundTrip()
    {
        var busy = new GpuReading(
            "GPU-16ad15a6-b480-cd47-2ba8-1e36f3db8143",
            0,
            "NVIDIA H100 80GB HBM3",
            "1234567",
            "inst-00042",
            87.5,
            61234,
            81559,
            612.3,
            64
        );
        var idle = new GpuReading("GPU-16ad15a6-b480-cd47-2ba8-1e36f3db8144", 1, "NVIDIA B200", null, null, 0, 0, 81559, null, null);
        var sample = new GpuSample("hefei-aicc-1", "gn0412", s_ts, 15, [busy, idle]);
        var raw = new RawEvent(System.Array.Empty<byte>(), 42, s_enqueued);

        // The busy GPU's name is in the catalogue and lands as the canonical id; the idle one's is not and lands as sent.
        using RecordBatch read = RoundTrip(GpuRowsEncoder.Encode("7", [(sample, raw)], s_catalogue));

        Assert.Equal(2, read.Length);
        Assert.Equal(GpuRowSchema.Schema.FieldsList.Select(f => f.Name), read.Schema.FieldsList.Select(f => f.Name));
        Assert.Equal("gpu/v1", read.Schema.Metadata[SchemaMetadata.SchemaKey]);
        string[] expectedBusy =
        [
            "2026-11-27T09:00:15Z",
            "hefei-aicc-1",
            "gn0412",
            busy.Uuid,
            "0",
            "H100-SXM5-80GB",
            "inst-00042",
            "1234567",
            "87.5",
            "61234",
            "81559",
            "612.3",
            "64",
            "15",
            "NVIDIA H100 80GB HBM3",
            "7",
            "42",
            "2026-11-27T09:00:16.123Z",
        ];
        string[] expectedIdle =
        [
            "2026-11-27T09:00:15Z",
            "hefei-aicc-1",
            "gn0412",
            idle.Uuid,
            "1",
            "NVIDIA B200",
            "null",
            "null",
            "0",
            "0",
            "81559",
            "null",
            "null",
            "15",
            "NVIDIA B200",
            "7",
            "42",
            "2026-11-27T09:00:16.123Z",
        ];
        Assert.Equal(expectedBusy, Row(read, 0));
        Assert.Equal(expectedIdle, Row(read, 1));
    }

    [Fact]
    public void GpuRows_Timestamps_AreMicrosecondUtc()
    {
        Field ts = GpuRowSchema.Schema.GetFieldByName("ts");
        var type = Assert.IsType<TimestampType>(ts.DataType);
        Assert.Equal(TimeUnit.Microsecond, type.Unit);
        Assert.Equal("UTC", type.Timezone);
    }

    /// <summary>GPUs 0 to <paramref name="gpus"/> - 1 of node gn0412, all on job 1234567 of inst-00042, no power or temperature.</summary>
    private static GpuReading[] SameJob(int gpus) =>
        Enumerable
            .Range(0, gpus)
            .Select(i => new GpuReading(EventJson.GpuUuid("gn0412", i), i, "H100-SXM5-80GB", "1234567", "inst-00042", 50, 1, 2, null, null))
            .ToArray();

    [Fact]
    public void GpuRows_RepeatedStrings_AreDictionaryEncodedOncePerValue()
    {
        GpuReading[] readings = SameJob(gpus: 8);
        var sample = new GpuSample("hefei-aicc-1", "gn0412", s_ts, 15, readings);

        using RecordBatch read = RoundTrip(GpuRowsEncoder.Encode("0", [(sample, new RawEvent(System.Array.Empty<byte>(), 1, s_enqueued))]));

        var node = Assert.IsType<DictionaryArray>(read.Column(read.Schema.GetFieldIndex("node")));
        Assert.Equal(1, node.Dictionary.Length);
        Assert.Equal(8, node.Length);
        Assert.All(Enumerable.Range(0, 8), i => Assert.Equal("gn0412", ArrowCells.Format(node, i)));
    }

    [Fact]
    public void JobRows_EveryColumn_SurvivesTheRoundTrip()
    {
        var ended = new JobEvent
        {
            EventId = "hefei-aicc-1:1234567:end",
            Cluster = "hefei-aicc-1",
            JobId = "1234567",
            State = JobState.Ended,
            Ts = new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero),
            Institution = "inst-00042",
            Account = "proj-nlp",
            User = "u1234",
            Queue = "gpu-h100",
            SubmitTime = new DateTimeOffset(2026, 11, 27, 7, 58, 0, TimeSpan.Zero),
            StartTime = new DateTimeOffset(2026, 11, 27, 8, 0, 0, TimeSpan.Zero),
            EndTime = new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero),
            Gpus = 0.125,
            GpuModel = "h100",
            Cpus = 64,
            MemGiB = 512,
            ExitState = "COMPLETED",
        };
        var running = ended with
        {
            GpuModel = "H100-SXM5-80GB",
            EventId = "e2",
            State = JobState.Running,
            Account = null,
            User = null,
            Queue = null,
            SubmitTime = null,
            EndTime = null,
            Cpus = null,
            MemGiB = null,
            ExitState = null,
        };

        using RecordBatch read = RoundTrip(
            JobRowsEncoder.Encode(
                "3",
                [
                    (ended, new RawEvent(System.Array.Empty<byte>(), 5, s_enqueued)),
                    (running, new RawEvent(System.Array.Empty<byte>(), 6, s_enqueued)),
                ],
                s_catalogue
            )
        );

        Assert.Equal(JobRowSchema.Schema.FieldsList.Select(f => f.Name), read.Schema.FieldsList.Select(f => f.Name));
        string[] expectedEnded =
        [
            "hefei-aicc-1:1234567:end",
            "hefei-aicc-1",
            "1234567",
            "ended",
            "2026-11-27T10:00:00Z",
            "inst-00042",
            "proj-nlp",
            "u1234",
            "gpu-h100",
            "2026-11-27T07:58:00Z",
            "2026-11-27T08:00:00Z",
            "2026-11-27T10:00:00Z",
            "0.125",
            "H100-SXM5-80GB",
            "64",
            "512",
            "COMPLETED",
            "h100",
            "3",
            "5",
            "2026-11-27T09:00:16.123Z",
        ];
        string[] expectedRunning =
        [
            "e2",
            "hefei-aicc-1",
            "1234567",
            "running",
            "2026-11-27T10:00:00Z",
            "inst-00042",
            "null",
            "null",
            "null",
            "null",
            "2026-11-27T08:00:00Z",
            "null",
            "0.125",
            "H100-SXM5-80GB",
            "null",
            "null",
            "null",
            "H100-SXM5-80GB",
            "3",
            "6",
            "2026-11-27T09:00:16.123Z",
        ];
        Assert.Equal(expectedEnded, Row(read, 0));
        Assert.Equal(expectedRunning, Row(read, 1));
        Assert.Equal("6", Cell(read, "eh_sequence", 1));
    }

    [Fact]
    public void WriteFile_UsesZstdCompression()
    {
        GpuReading[] readings = SameJob(gpus: 64);
        var samples = Enumerable
            .Range(0, 50)
            .Select(i =>
                (
                    new GpuSample("hefei-aicc-1", "gn0412", s_ts.AddSeconds(i), 15, readings),
                    new RawEvent(System.Array.Empty<byte>(), i, s_enqueued)
                )
            )
            .ToArray();
        using RecordBatch batch = GpuRowsEncoder.Encode("0", samples);

        // Without a codec factory the reader must refuse the compressed buffers: proof that they are compressed.
        using var stream = new MemoryStream(FileBytes(batch));
        using var plainReader = new ArrowFileReader(stream);
        Assert.ThrowsAny<Exception>(() => plainReader.ReadNextRecordBatch());
    }
}
