using System.Runtime.CompilerServices;
using Apache.Arrow;
using Apache.Arrow.Compression;
using Apache.Arrow.Ipc;

namespace Metrics.Core.Landing;

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

    /// <summary>
    /// Serialises one record batch as a complete Arrow IPC file, in pooled memory (<see cref="PooledStreams"/>): the
    /// caller disposes the stream once the file is written out.
    /// </summary>
    public static Microsoft.IO.RecyclableMemoryStream WriteFile(RecordBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        Microsoft.IO.RecyclableMemoryStream stream = PooledStreams.Get("arrow-file");
        try
        {
            using var buffers = new ScopedArrowAllocator();
            using (var writer = new ArrowFileWriter(stream, batch.Schema, leaveOpen: true, s_writeOptions, buffers))
            {
                writer.WriteRecordBatch(batch);
                writer.WriteEnd();
            }

            return stream;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>A writer of a multi-batch Arrow IPC file at the given ZSTD level (compaction writes hours this way).</summary>
    public static ArrowFileWriter CreateFileWriter(Stream stream, Schema schema, int compressionLevel) =>
        new(
            stream,
            schema,
            leaveOpen: true,
            new IpcOptions
            {
                CompressionCodecFactory = s_codecs,
                CompressionCodec = CompressionCodecType.Zstd,
                CompressionLevel = compressionLevel,
            }
        );

    /// <summary>
    /// The record batches of an Arrow IPC file, each released when the caller moves to the next. Every reader of landed
    /// files reads through here: a compacted file's batches share one dictionary per column, which disposing a batch
    /// would free (back into the pool, for the next batch to read garbage), so a batch's own buffers are released and
    /// the dictionaries are left to the reader.
    /// </summary>
    public static async IAsyncEnumerable<RecordBatch> ReadBatchesAsync(
        Stream stream,
        [EnumeratorCancellation] CancellationToken cancellationToken,
        bool leaveOpen = false
    )
    {
        using ArrowFileReader reader = OpenFile(stream, leaveOpen);
        await foreach (RecordBatch batch in ReadBatchesAsync(reader, cancellationToken).ConfigureAwait(false))
        {
            yield return batch;
        }
    }

    /// <summary>The record batches of an open reader (whose schema the caller has looked at), released as above.</summary>
    public static async IAsyncEnumerable<RecordBatch> ReadBatchesAsync(
        ArrowFileReader reader,
        [EnumeratorCancellation] CancellationToken cancellationToken
    )
    {
        ArgumentNullException.ThrowIfNull(reader);
        while (await reader.ReadNextRecordBatchAsync(cancellationToken).ConfigureAwait(false) is { } batch)
        {
            try
            {
                yield return batch;
            }
            finally
            {
                Release(batch);
            }
        }
    }

    private static void Release(RecordBatch batch)
    {
        foreach (IArrowArray column in batch.Arrays)
        {
            if (column is DictionaryArray)
            {
                // The indices are this batch's; the dictionary (column.Data.Dictionary) is shared with the file's other batches.
                foreach (ArrowBuffer buffer in column.Data.Buffers)
                {
                    buffer.Dispose();
                }
            }
            else
            {
                column.Dispose();
            }
        }
    }

    /// <summary>Opens an Arrow IPC file for reading. Compressed buffers need the codec factory, hence this helper.</summary>
    public static ArrowFileReader OpenFile(Stream stream, bool leaveOpen = false) =>
        new(stream, PooledArrowAllocator.Instance, s_codecs, leaveOpen);
}
