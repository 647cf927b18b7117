using Apache.Arrow;
using Apache.Arrow.Compression;
using Apache.Arrow.Ipc;

namespace Metrics.Core.Arrow;

/// <summary>Writes and reads the Arrow IPC file format with ZSTD-compressed buffers.</summary>
public static class ArrowIpc
{
    public const string ContentType = "application/vnd.apache.arrow.file";

    private static readonly CompressionCodecFactory s_codecs = new();

    private static readonly IpcOptions s_writeOptions = new()
    {
        CompressionCodecFactory = s_codecs,
        CompressionCodec = CompressionCodecType.Zstd,
    };

    /// <summary>Serialises one record batch as a complete Arrow IPC file.</summary>
    public static byte[] WriteFile(RecordBatch batch)
    {
        using var stream = new MemoryStream();
        using (var writer = new ArrowFileWriter(stream, batch.Schema, leaveOpen: true, s_writeOptions))
        {
            writer.WriteRecordBatch(batch);
            writer.WriteEnd();
        }

        return stream.ToArray();
    }

    /// <summary>Opens an Arrow IPC file for reading. Compressed buffers need the codec factory, hence this helper.</summary>
    public static ArrowFileReader OpenFile(Stream stream, bool leaveOpen = false) => new(stream, PooledArrowAllocator.Instance, s_codecs, leaveOpen);
}
