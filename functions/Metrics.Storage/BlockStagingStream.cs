using Azure.Storage.Blobs.Specialized;

namespace Metrics.Storage;

/// <summary>
/// A forward-only stream that stages what is written to it as blocks of a block blob, 8 MiB at a time, and commits
/// nothing: the caller commits the list <see cref="Finish"/> returns, when (and only if) the whole file was written.
/// Memory is one block's buffer, whatever the file's size. Writes are synchronous because the Parquet writer's are.
/// </summary>
internal sealed class BlockStagingStream(BlockBlobClient blob, CancellationToken cancellationToken) : Stream
{
    private const int BlockBytes = 8 * 1024 * 1024;

    private readonly List<string> _blocks = [];
    private readonly MemoryStream _buffer = new();
    private long _position;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => _position;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (buffer.Length > 0)
        {
            int take = Math.Min(buffer.Length, BlockBytes - (int)_buffer.Length);
            _buffer.Write(buffer[..take]);
            _position += take;
            buffer = buffer[take..];
            if (_buffer.Length == BlockBytes)
            {
                Stage();
            }
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken token)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken token = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    /// <summary>Stages what is left; the block ids to commit, in order.</summary>
    public IReadOnlyList<string> Finish()
    {
        if (_buffer.Length > 0)
        {
            Stage();
        }

        return _blocks;
    }

    public override void Flush() { }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private void Stage()
    {
        // Ids of one length (Azure requires it), unique per write so two writers' blocks never mix.
        string id = Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes($"{Guid.NewGuid():N}{_blocks.Count:D8}"));
        _buffer.Position = 0;
        blob.StageBlock(id, _buffer, cancellationToken: cancellationToken);
        _blocks.Add(id);
        _buffer.SetLength(0);
    }
}
