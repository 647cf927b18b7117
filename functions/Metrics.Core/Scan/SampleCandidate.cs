namespace Metrics.Core.Scan;

/// <summary>
/// The copy of one sample that counts so far (its time, lineage and what it contributes): 32 bytes. The interval
/// is at most 3,600 s and an event hub has at most a few thousand partitions, so both fit 16 bits.
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
internal readonly struct SampleCandidate(long ticks, long sequence, double utilPct, int partition, int line, int intervalS)
{
    public long Ticks { get; } = ticks;

    public long Sequence { get; } = sequence;

    public double UtilPct { get; } = utilPct;

    public int Line { get; } = line;

    private readonly ushort _partition = checked((ushort)partition);

    private readonly ushort _intervalS = checked((ushort)intervalS);

    public int Partition => _partition;

    public int IntervalS => _intervalS;
}
