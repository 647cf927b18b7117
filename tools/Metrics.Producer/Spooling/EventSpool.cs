namespace Metrics.Producer.Spooling;

/// <summary>
/// The agent's queue of events not yet sent: append-only segment files on disk (one JSON body per line), oldest first,
/// that survive restarts. The sampler appends; the sender peeks at the head and acknowledges what Event Hubs took.
/// Nothing is ever rewritten: an append is one write at the end of the newest segment, an acknowledgement moves a small
/// cursor file and deletes segments that were sent whole. So a tick costs one event's bytes, whatever the spool holds.
/// <para>
/// Bounded three ways, each reported, never silent: the segments' total size (<c>maxBytes</c>; the newest events are
/// refused when it is reached), one event's size (<see cref="MaxEventBytes"/>), and, while the disk refuses writes
/// (full, read-only, gone), a small in-memory tail that keeps the order and is sent after the disk's events.
/// </para>
/// Thread-safe: one sampler and one sender use it at once.
/// </summary>
public sealed class EventSpool : IDisposable
{
    /// <summary>Event Hubs Standard refuses an event above 1 MiB; a larger one could never leave the spool.</summary>
    public const int MaxEventBytes = 1024 * 1024;

    private readonly Lock _gate = new();
    private readonly string _directory;
    private readonly SegmentFiles _files;
    private readonly long _maxBytes;
    private readonly long _segmentBytes;
    private readonly MemoryTail _memory;
    private readonly SortedSet<long> _segments = [];
    private readonly HashSet<long> _tornSegments = [];

    private long _count;
    private long _diskBytes;
    private long _readSegment;
    private long _readOffset;
    private long _writeSegment;
    private FileStream? _writer;
    private string? _diskError;

    /// <param name="directory">Where the segments live; created when missing.</param>
    /// <param name="maxBytes">Limit on the segments' total size.</param>
    /// <param name="segmentBytes">Size at which a new segment is started (a sent segment is deleted whole).</param>
    /// <param name="maxMemoryBytes">Limit on the in-memory tail used while the disk refuses writes.</param>
    public EventSpool(string directory, long maxBytes, long segmentBytes = 8L * 1024 * 1024, long maxMemoryBytes = 16L * 1024 * 1024)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(segmentBytes, 1);
        _directory = Path.GetFullPath(directory);
        _files = new SegmentFiles(_directory);
        _maxBytes = maxBytes;
        _segmentBytes = segmentBytes;
        _memory = new MemoryTail(maxMemoryBytes);
        Open();
    }

    public string Directory => _directory;

    /// <summary>Events waiting, on disk and in memory.</summary>
    public long Count => Locked(() => _count);

    /// <summary>Bytes the segments take on disk.</summary>
    public long DiskBytes => Locked(() => _diskBytes);

    /// <summary>Partial lines found at the end of segments (a crash or a full disk cut a write short); skipped.</summary>
    public long TornLines { get; private set; }

    /// <summary>Queues one event at the tail. Never throws for a disk problem: the outcome says what happened.</summary>
    public SpoolAppend Append(byte[] body)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (body.Length > MaxEventBytes)
        {
            return SpoolAppend.Refused($"event of {body.Length} bytes is larger than Event Hubs accepts ({MaxEventBytes} bytes)");
        }

        if (body.AsSpan().Contains((byte)'\n'))
        {
            // One line per event: compact JSON never holds a raw newline, so this body is not one of ours.
            return SpoolAppend.Refused("event body contains a newline");
        }

        lock (_gate)
        {
            // While the memory tail holds events, new ones queue behind them so that order is kept.
            if (_memory.Count == 0 && TryAppendToDisk(body, out SpoolAppend? disk))
            {
                return disk!;
            }

            if (!_memory.TryEnqueue(body))
            {
                return SpoolAppend.Refused(
                    $"spool disk unavailable ({_diskError}) and the in-memory tail is full ({_memory.Count} events)"
                );
            }

            _count++;
            return SpoolAppend.InMemory(_diskError ?? "spool disk unavailable");
        }
    }

    /// <summary>
    /// The oldest events, up to <paramref name="maxEvents"/> and about <paramref name="maxBytes"/> (at least one event),
    /// all from disk or all from the memory tail. Nothing leaves the spool until <see cref="Acknowledge"/>.
    /// </summary>
    public SpoolRead Peek(int maxEvents, long maxBytes)
    {
        lock (_gate)
        {
            List<SpooledEvent> events = ReadDisk(maxEvents, maxBytes);
            if (events.Count > 0)
            {
                return new SpoolRead(events, FromDisk: true);
            }

            return new SpoolRead(_memory.Peek(maxEvents, maxBytes), FromDisk: false);
        }
    }

    /// <summary>Removes the first <paramref name="count"/> events of <paramref name="read"/>: they were sent (or given up on).</summary>
    public void Acknowledge(SpoolRead read, int count)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, read.Events.Count);
        if (count == 0)
        {
            return;
        }

        lock (_gate)
        {
            _count -= count;
            if (!read.FromDisk)
            {
                // Only the sender removes from the front, so these are the first `count` of the tail.
                _memory.Remove(count);

                return;
            }

            SpooledEvent last = read.Events[count - 1];
            MoveHead(last.Segment, last.End);
        }
    }

    private T Locked<T>(Func<T> read)
    {
        lock (_gate)
        {
            return read();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _writer?.Dispose();
            _writer = null;
        }
    }

    private void Open()
    {
        try
        {
            System.IO.Directory.CreateDirectory(_directory);
            foreach (long number in _files.Existing())
            {
                _segments.Add(number);
                _diskBytes += _files.Length(number);
            }

            // Always a fresh segment: the newest one may end in a line a crash cut short, and nothing may follow it.
            _writeSegment = (_segments.Count > 0 ? _segments.Max : 0) + 1;
            (_readSegment, _readOffset) = SpoolCursor.Load(
                _directory,
                _files,
                _segments,
                _segments.Count > 0 ? _segments.Min : _writeSegment
            );
            DropFinishedSegments();
            _count = CountDiskEvents();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // An unreadable spool directory is reported by the first append; the agent keeps sampling.
            _diskError = ex.Message;
            _writeSegment = Math.Max(_writeSegment, 1);
        }
    }

    private bool TryAppendToDisk(byte[] body, out SpoolAppend? outcome)
    {
        outcome = null;
        if (_diskBytes + body.Length + 1 > _maxBytes)
        {
            outcome = SpoolAppend.Refused($"spool full ({_diskBytes} of {_maxBytes} bytes)");
            return true;
        }

        try
        {
            FileStream writer = Writer();
            // One write of body and newline, flushed to the device: a crash leaves whole lines or one cut-short tail.
            byte[] line = new byte[body.Length + 1];
            body.CopyTo(line, 0);
            line[^1] = (byte)'\n';
            writer.Write(line);
            writer.Flush(flushToDisk: true);
            _diskBytes += line.Length;
            _count++;
            string? recovered = _diskError;
            _diskError = null;
            outcome = recovered is null ? SpoolAppend.OnDisk : SpoolAppend.DiskRecovered;
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            AbandonWriteSegment(ex.Message);
            return false;
        }
    }

    /// <summary>The newest segment, open for appending; a new one when none is open or the open one is full.</summary>
    private FileStream Writer()
    {
        if (_writer is not null && _writer.Length < _segmentBytes)
        {
            return _writer;
        }

        _writer?.Dispose();
        _writer = null;
        if (_segments.Contains(_writeSegment))
        {
            _writeSegment++;
        }

        System.IO.Directory.CreateDirectory(_directory);
        _writer = new FileStream(_files.PathOf(_writeSegment), FileMode.Append, FileAccess.Write, FileShare.Read);
        _segments.Add(_writeSegment);
        return _writer;
    }

    /// <summary>A write failed: the segment may now end in part of its line, so it is never written to again.</summary>
    private void AbandonWriteSegment(string error)
    {
        _diskError = error;
        try
        {
            _writer?.Dispose();
        }
        catch (IOException)
        {
            // Disposing flushes; on a full disk that fails too. The handle is released either way.
        }

        _writer = null;
        if (File.Exists(_files.PathOf(_writeSegment)))
        {
            _diskBytes = _segments.Sum(_files.Length);
            _writeSegment++;
        }
        else
        {
            _segments.Remove(_writeSegment);
        }
    }

    private List<SpooledEvent> ReadDisk(int maxEvents, long maxBytes)
    {
        var batch = new SpoolBatch(maxEvents, maxBytes, _readSegment, _readOffset);
        foreach (long number in _segments.GetViewBetween(_readSegment, long.MaxValue).ToArray())
        {
            if (!ReadSegment(number, batch))
            {
                return batch.Events;
            }
        }

        // Nothing to send but blank or damaged lines: step over them so that their segments can go.
        if (batch.Events.Count == 0 && batch.Scanned != (_readSegment, _readOffset))
        {
            MoveHead(batch.Scanned.Segment, batch.Scanned.Offset);
        }

        return batch.Events;
    }

    /// <summary>Reads one segment's whole lines from the head into the batch; false when the batch is full.</summary>
    private bool ReadSegment(long number, SpoolBatch batch)
    {
        long position = number == _readSegment ? _readOffset : 0;
        using FileStream? file = _files.OpenRead(number);
        if (file is null)
        {
            return true;
        }

        // Up to the length seen now: appends wait for the lock, and a device file would never end.
        long length = file.Length;
        file.Position = Math.Min(position, length);
        using var stream = new BufferedStream(file, 64 * 1024);
        using var line = new MemoryStream();
        int b;
        while (position < length && (b = stream.ReadByte()) >= 0)
        {
            position++;
            if (b != '\n')
            {
                // Lines we wrote are at most MaxEventBytes; anything longer is damage, skipped below.
                if (line.Length <= MaxEventBytes)
                {
                    line.WriteByte((byte)b);
                }

                continue;
            }

            if (line.Length is > 0 and <= MaxEventBytes)
            {
                if (batch.IsFullFor(line.Length))
                {
                    return false;
                }

                batch.Add(new SpooledEvent(line.ToArray(), number, position));
            }

            line.SetLength(0);
            batch.Scanned = (number, position);
        }

        // Writes are whole lines under the lock, so a tail without a newline was cut short by a crash or a full disk.
        // It is never completed (appends after a failure go to a new segment): skip it.
        if (line.Length > 0 && number != _writeSegment && _tornSegments.Add(number))
        {
            TornLines++;
        }

        if (number != _writeSegment)
        {
            batch.Scanned = (number, position);
        }

        return true;
    }

    /// <summary>Sets the head just after a sent line; deletes the segments wholly behind it and saves the cursor.</summary>
    private void MoveHead(long segment, long offset)
    {
        (_readSegment, _readOffset) = (segment, offset);
        DropFinishedSegments();
        if (SpoolCursor.Save(_directory, _readSegment, _readOffset) is { } error)
        {
            _diskError = error;
        }
    }

    private void DropFinishedSegments()
    {
        foreach (long number in _segments.Where(n => n < _readSegment).ToArray())
        {
            DeleteSegment(number);
        }

        // The head segment read to its end and no longer written: delete it and start the next one clean.
        string head = _files.PathOf(_readSegment);
        if (_segments.Contains(_readSegment) && File.Exists(head) && _readOffset >= _files.Length(_readSegment))
        {
            if (_readSegment == _writeSegment)
            {
                _writer?.Dispose();
                _writer = null;
                _writeSegment++;
            }

            DeleteSegment(_readSegment);
            _readSegment = _segments.Count > 0 ? _segments.Min : _writeSegment;
            _readOffset = 0;
        }
    }

    private void DeleteSegment(long number)
    {
        string path = _files.PathOf(number);
        if (File.Exists(path))
        {
            _diskBytes -= new FileInfo(path).Length;
            File.Delete(path);
        }

        _segments.Remove(number);
    }

    private long CountDiskEvents() => _segments.Sum(n => _files.CountLines(n, n == _readSegment ? _readOffset : 0));
}
