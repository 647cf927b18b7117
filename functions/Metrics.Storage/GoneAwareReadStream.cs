namespace Metrics.Storage;

/// <summary>
/// A blob read lazily (a compacted file, through a buffer) whose reads report the blob's deletion as
/// <see cref="FileNotFoundException"/>, as opening a deleted blob does: a newer compaction replaced it while it was being
/// read, and the reader lists the hour again (<see cref="Core.Scan.CompactionRace"/>). Without this, the SDK's 404
/// (or 412, as the read is pinned to the blob's ETag) failed the hour until the next run.
/// </summary>
internal sealed class GoneAwareReadStream(Stream inner, string path) : Stream
{
    public override bool CanRead => inner.CanRead;

    public override bool CanSeek => inner.CanSeek;

    public override bool CanWrite => false;

    public override long Length => inner.Length;

    public override long Position
    {
        get => inner.Position;
        set => inner.Position = value;
    }

    public override void Flush() { }

    public override int Read(byte[] buffer, int offset, int count)
    {
        try
        {
            return inner.Read(buffer, offset, count);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            throw Gone(ex);
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            return await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            throw Gone(ex);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync() => inner.DisposeAsync();

    private FileNotFoundException Gone(RequestFailedException ex) =>
        new($"Landed file {path} was replaced while it was read (compacted again?).", path, ex);
}
