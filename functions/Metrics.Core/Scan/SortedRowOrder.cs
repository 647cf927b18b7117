namespace Metrics.Core.Scan;

/// <summary>What a row of a compacted (sorted) file is to the one before it.</summary>
internal enum SortedStep
{
    /// <summary>A copy of the sample before, which won: skip it.</summary>
    Copy,

    /// <summary>A later sample of the same GPU.</summary>
    SameGpu,

    /// <summary>The first row of the next GPU.</summary>
    NextGpu,
}

/// <summary>
/// Checks that a compacted file's rows come in its order, (gpu_uuid, ts, partition, sequence), as the sorted scan reads
/// them, and says what each row is to the one before. Throws <see cref="UnsortedInputException"/> on a row out of order,
/// before anything of it is counted: the caller then reads the hour the general way.
/// </summary>
internal sealed class SortedRowOrder
{
    private readonly byte[] _uuid = new byte[256];
    private readonly byte[] _ended = new byte[256];
    private int _uuidLength = -1;
    private int _endedLength = -1;
    private long _ticks;
    private (string Partition, long Sequence) _lineage = (string.Empty, 0);

    /// <summary>The last row's uuid, as landed; empty before the first row.</summary>
    public ReadOnlySpan<byte> Uuid => _uuidLength < 0 ? default : _uuid.AsSpan(0, _uuidLength);

    /// <summary>After <see cref="SortedStep.NextGpu"/>: the uuid of the GPU whose rows just ended; empty before.</summary>
    public ReadOnlySpan<byte> EndedGpu => _endedLength < 0 ? default : _ended.AsSpan(0, _endedLength);

    public SortedStep Next(ReadOnlySpan<byte> uuid, long ticks, (string Partition, long Sequence) lineage)
    {
        int order = _uuidLength < 0 ? 1 : uuid.SequenceCompareTo(Uuid);
        if (order == 0 && ticks == _ticks)
        {
            // A copy of the sample before: the first copy won (lowest partition, then sequence), if the order holds.
            int byPartition = string.CompareOrdinal(lineage.Partition, _lineage.Partition);
            if (byPartition < 0 || (byPartition == 0 && lineage.Sequence < _lineage.Sequence))
            {
                throw new UnsortedInputException("A copy of a sample comes before the copy it should follow (partition, sequence).");
            }

            return SortedStep.Copy;
        }

        if (order < 0 || (order == 0 && ticks < _ticks))
        {
            throw new UnsortedInputException("A row comes before the row above it in (gpu_uuid, ts) order.");
        }

        if (uuid.Length > _uuid.Length)
        {
            throw new UnsortedInputException("A gpu_uuid is longer than a sorted read keeps.");
        }

        if (order > 0 && !(Metrics.Contract.ContractAscii.IsGpuUuid(uuid) && uuid[4..].IndexOfAnyInRange((byte)'A', (byte)'F') < 0))
        {
            // Billing compares uuids ignoring case, the sort does not: an upper-case copy of a sample would not sit next
            // to its lower-case twin. nvidia-smi prints the canonical lower-case form; anything else is read the general
            // way. Checked once per GPU, where its rows begin.
            throw new UnsortedInputException("A gpu_uuid is not in canonical lower case, so a byte-ordered read cannot pair its copies.");
        }

        if (order > 0)
        {
            Uuid.CopyTo(_ended);
            _endedLength = _uuidLength;
        }

        uuid.CopyTo(_uuid);
        _uuidLength = uuid.Length;
        _ticks = ticks;
        _lineage = lineage;
        return order > 0 ? SortedStep.NextGpu : SortedStep.SameGpu;
    }
}
