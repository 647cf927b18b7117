using Apache.Arrow;
using Metrics.Core.Landing;
using Metrics.Core.Usage;

namespace Metrics.Core.Scan;

/// <summary>
/// The observed GPU time of one UTC hour, per (institution, model, account), from GPU samples streamed in any order and any
/// number of files: each landed record batch is folded in as it is read, and no row is ever materialised.
/// <para>
/// A resent sample carries new sequence numbers but the same (GPU uuid, ts): it counts once, and of its copies the one
/// with the lowest (partition, sequence) wins, so the result never depends on reading order. Copies are one sample
/// resent, so they share its interval: a sample whose interval does not reach into the hour is dropped before it is
/// deduplicated (this is what keeps the next hour's files from filling the table).
/// </para>
/// <para>
/// A GPU's time counts once however its samples overlap: each distinct sample, in time order, is credited with the part
/// of <c>[ts - interval, ts)</c> inside the hour that no earlier sample of the GPU covered (<see cref="GpuCoverage"/>).
/// Samples a steady interval apart are untouched; after a node's clock is stepped back, the seconds a later sample
/// covers again are credited to the earlier one only, never twice, in observed and active time alike.
/// </para>
/// <para>
/// The deduplication state is the only thing that grows with the hour, and it is laid out for the way samples arrive:
/// one entry per GPU (its uuid as 128 bits), holding that GPU's distinct samples sorted by time (32 bytes each: ts as
/// ticks, the winner's lineage, line and figures; never a string or an object per row). A node's samples travel on one
/// partition in order, so nearly every sample is appended after its GPU's last one and a resent copy is found by a
/// binary search within one GPU, where a table keyed by (uuid, ts) would miss the CPU cache on every row. To bound it
/// whatever the hour's size, an hour is scanned in shards: shard <c>s</c> of <c>n</c> keeps only the GPUs whose uuid
/// hashes to <c>s</c>, so each GPU's copies meet in one shard and the shards' totals simply add up.
/// </para>
/// </summary>
public sealed class ObservedHour : IDisposable
{
    private const long TicksPerMicrosecond = 10;

    private readonly long _start;
    private readonly long _end;
    private readonly int _shard;
    private readonly int _shards;
    private readonly Dictionary<GpuKey, GpuSamples> _gpus = [];

    /// <summary>uuid bytes to the GPU's list (null: another shard's GPU).</summary>
    private readonly UuidCache<GpuSamples> _cache = new();
    private readonly DenseIds<string> _partitions = new(StringComparer.Ordinal);
    private readonly DenseIds<UsageKey> _lines = new(EqualityComparer<UsageKey>.Default);
    private readonly ObservedLineSums _sums;
    private readonly long _maxRoom;
    private readonly JobAccounts _accounts;

    /// <summary>The accounts of the hour's jobs, which a sample's line names.</summary>
    internal JobAccounts Accounts => _accounts;

    /// <summary>Where <see cref="AddSorted"/> is in the sorted file: the last row's uuid, time and lineage.</summary>
    private readonly SortedRowOrder _order = new();

    /// <summary>What of the hour the current GPU's samples have covered: the sorted pass's, or one GPU's list's in Totals.</summary>
    private readonly GpuCoverage _coverage;

    /// <summary>Whether <see cref="AddSorted"/> has begun: the general samples must all be in by then.</summary>
    private bool _sortedBegun;

    /// <summary>Whether the sorted pass's current GPU is of this scan's shard (a shard's file holds no other).</summary>
    private bool _sortedInShard;

    /// <param name="hour">The UTC hour (floored).</param>
    /// <param name="shard">Which shard of the GPUs this scan keeps, 0-based.</param>
    /// <param name="shards">How many shards the hour is split into.</param>
    /// <param name="accounts">The accounts of the jobs billed in the hour, which samples' time goes to (none: the empty account).</param>
    /// <param name="maxRoom">
    /// How many samples the GPUs' lists may have room for in all: the reader passes twice its bound on samples held, so
    /// the lists' memory is bounded whatever the hour holds.
    /// </param>
    public ObservedHour(DateTimeOffset hour, int shard = 0, int shards = 1, JobAccounts? accounts = null, long maxRoom = long.MaxValue)
    {
        _maxRoom = maxRoom;
        _accounts = accounts ?? JobAccounts.None;
        ArgumentOutOfRangeException.ThrowIfLessThan(shards, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(shard);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(shard, shards);
        _start = UtcHours.Floor(hour).UtcTicks;
        _end = _start + TimeSpan.TicksPerHour;
        _shard = shard;
        _shards = shards;
        _sums = new ObservedLineSums();
        _coverage = new GpuCoverage(_start, _end);
    }

    /// <summary>Distinct samples held: what the memory bound is about.</summary>
    public int Count { get; private set; }

    /// <summary>The room of every GPU's list, held samples included: what the lists' memory is, at 32 bytes a sample.</summary>
    public long Room { get; private set; }

    /// <summary>
    /// Samples a GPU's list holds before it is sized for the rest of the hour: by then the GPU has shown it reports all
    /// through the hour (as every GPU of a national hour does), so its list is grown once, to what the hour can hold at
    /// its interval, instead of doubling five times (16 to 384 slots at 10 s, for the hour's 360 samples).
    /// </summary>
    private const int SizedForTheHourAfter = 16;

    /// <summary>Folds in one sample given as a record (small inputs and tests).</summary>
    public void Add(GpuSampleRow sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ThrowIfSortedBegun();
        if (!Overlaps(sample.Ts.UtcTicks, sample.IntervalS))
        {
            return;
        }

        UInt128 uuid = GpuUuidBits.Parse(sample.GpuUuid.AsSpan(), out bool mig);
        if (ShardOf(uuid) != _shard)
        {
            return;
        }

        int line = sample.Institution is null
            ? -1
            : LineId(new UsageKey(sample.Institution, sample.GpuModel, _accounts.Of(sample.Cluster, sample.JobId, sample.Institution)));
        Offer(
            new GpuKey(uuid, mig),
            new SampleCandidate(sample.Ts.UtcTicks, sample.Sequence, sample.UtilPct, PartitionId(sample.Partition), line, sample.IntervalS)
        );
    }

    /// <summary>Folds in one landed <c>gpu/v1</c> record batch, column by column.</summary>
    public void Add(RecordBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ThrowIfSortedBegun();
        var rows = new GpuBatchRows(batch, this);
        for (int i = 0; i < batch.Length; i++)
        {
            long ticks = rows.Ticks(i);
            if (!Overlaps(ticks, rows.Interval[i]))
            {
                continue;
            }

            // A batch holds each GPU about 16 times: the uuid's bytes find its list in a small cache, parsed only on a miss.
            ReadOnlySpan<byte> uuidText = rows.Uuid(i);
            if (!_cache.TryGet(uuidText, out GpuSamples? samples))
            {
                UInt128 uuid = GpuUuidBits.Parse(uuidText, out bool mig);
                samples =
                    ShardOf(uuid) == _shard
                        ? SamplesOf(new GpuKey(uuid, mig), new SampleCandidate(ticks, 0, 0, 0, 0, rows.Interval[i]))
                        : null;
                _cache.Add(uuidText, samples);
            }

            if (samples is not null)
            {
                Offer(
                    samples,
                    new SampleCandidate(ticks, rows.Sequence[i], rows.Util[i], rows.PartitionId(i), rows.LineAt(i), rows.Interval[i])
                );
            }
        }
    }

    /// <summary>
    /// Folds in a record batch of a compacted file, whose rows are sorted by (gpu_uuid, ts, partition, sequence): every
    /// copy of a sample follows the first, which is the winner, so each row is either counted at once or skipped, and
    /// nothing is held per sample. Call it for every batch of the file, in order. Copies of a sample are never in two
    /// files (a sample lands in its own hour's folder, and a compaction writes each GPU into one file), so samples
    /// folded in by <see cref="Add(RecordBatch)"/> (the next hour's) never meet these; those must be folded in first, so
    /// that each GPU's are credited after its sorted rows, in time order. Rows of GPUs of other shards are skipped (a file
    /// of one shard holds none). Throws <see cref="UnsortedInputException"/> on a
    /// row out of order, before anything of that row is counted: the caller reads the hour the general way instead.
    /// </summary>
    public void AddSorted(RecordBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        _sortedBegun = true;
        var rows = new GpuBatchRows(batch, this);
        for (int i = 0; i < batch.Length; i++)
        {
            long ticks = rows.Ticks(i);
            SortedStep step = _order.Next(rows.Uuid(i), ticks, (rows.PartitionName(i), rows.Sequence[i]));
            if (step == SortedStep.Copy)
            {
                continue;
            }

            if (step == SortedStep.NextGpu)
            {
                FinishSortedGpu(_order.EndedGpu);
                _coverage.Clear();
                _sortedInShard = _shards == 1 || ShardOf(GpuUuidBits.Parse(rows.Uuid(i), out _)) == _shard;
            }

            if (_sortedInShard && Overlaps(ticks, rows.Interval[i]))
            {
                long inside = _coverage.Count(ticks, rows.Interval[i]);
                if (rows.LineAt(i) is var line && line >= 0)
                {
                    _sums.Add(line, inside, rows.Util[i]);
                }
            }
        }
    }

    /// <summary>Observed and active GPU-seconds per line, from the winning copy of every sample.</summary>
    /// <remarks>
    /// Sums are kept in ticks, so that a sample costs one exact integer addition and one decimal multiplication
    /// (utilisation x ticks); each line's seconds are divided out once at the end. Decimal keeps it exact, as billing
    /// needs, where a double would drift over millions of samples.
    /// </remarks>
    public IReadOnlyDictionary<UsageKey, ObservedSeconds> Totals()
    {
        FinishSortedGpu(_order.Uuid);
        ObservedLineSums sums = _sums.Copy();
        var coverage = new GpuCoverage(_start, _end);
        foreach (GpuSamples samples in _gpus.Values)
        {
            coverage.Clear();
            Credit(samples, coverage, sums);
        }

        var totals = new Dictionary<UsageKey, ObservedSeconds>(_lines.Count);
        for (int line = 0; line < _lines.Count; line++)
        {
            if (sums.Seconds(line) is { } seconds)
            {
                totals[_lines[line]] = seconds;
            }
        }

        return totals;
    }

    /// <summary>Which of <paramref name="shards"/> shards a GPU belongs to; the same for every copy of its samples.</summary>
    public static int ShardOf(UInt128 uuid, int shards)
    {
        // UUIDs are random, but mix anyway so that hand-made test uuids spread too.
        ulong mixed = ((ulong)uuid ^ (ulong)(uuid >> 64)) * 0x9E3779B97F4A7C15UL;
        return (int)((mixed >> 32) % (uint)shards);
    }

    private int ShardOf(UInt128 uuid) => _shards == 1 ? 0 : ShardOf(uuid, _shards);

    /// <summary>Credits a GPU's held samples, in time order, with what of the hour each adds to <paramref name="coverage"/>.</summary>
    private static void Credit(GpuSamples samples, GpuCoverage coverage, ObservedLineSums sums)
    {
        foreach (SampleCandidate winner in samples.Held)
        {
            long inside = coverage.Count(winner.Ticks, winner.IntervalS);
            if (winner.Line >= 0)
            {
                sums.Add(winner.Line, inside, winner.UtilPct);
            }
        }
    }

    /// <summary>
    /// At the end of a GPU's rows in a sorted file: its samples of the next hour's files (held since they were folded in,
    /// all later than its rows here) are credited now, after its rows, with the same coverage, and their list goes.
    /// </summary>
    private void FinishSortedGpu(ReadOnlySpan<byte> gpu)
    {
        if (gpu.IsEmpty || _gpus.Count == 0)
        {
            return;
        }

        UInt128 uuid = GpuUuidBits.Parse(gpu, out bool mig);
        if (_gpus.Remove(new GpuKey(uuid, mig), out GpuSamples? samples))
        {
            Credit(samples, _coverage, _sums);
            Count -= samples.Count;
            Room -= samples.Items.Length;
            Arrays.Return(samples.Items);
        }
    }

    private void ThrowIfSortedBegun()
    {
        if (_sortedBegun)
        {
            throw new InvalidOperationException("A sorted file's rows are folded in last: the general samples must all come before.");
        }
    }

    /// <summary>Whether <c>[ts - interval, ts)</c> reaches into the hour: only such samples can count.</summary>
    private bool Overlaps(long ticks, int intervalS) => ticks > _start && ticks - (intervalS * TimeSpan.TicksPerSecond) < _end;

    /// <summary>
    /// Keeps <paramref name="copy"/> if it is the GPU's first sample at its time, or beats the copy held. The GPU's
    /// samples stay sorted by time; the usual case, a sample later than the GPU's last, is an append.
    /// </summary>
    private void Offer(GpuKey gpu, SampleCandidate copy) => Offer(SamplesOf(gpu, copy), copy);

    /// <summary>The GPU's sorted samples, made on its first sample with room for a first stretch of the hour.</summary>
    private GpuSamples SamplesOf(GpuKey gpu, in SampleCandidate first)
    {
        ref GpuSamples? samples = ref CollectionsMarshal.GetValueRefOrAddDefault(_gpus, gpu, out _);
        if (samples is null)
        {
            samples = new GpuSamples(Arrays.Rent(Math.Min(SizedForTheHourAfter, RoomToEndOfHour(first))));
            Room += samples.Items.Length;
        }

        return samples;
    }

    private static CandidateArrays<SampleCandidate> Arrays => CandidateArrays<SampleCandidate>.Shared;

    private void Offer(GpuSamples list, SampleCandidate copy)
    {
        if (list.Count == list.Items.Length)
        {
            // Grow to what the rest of the hour can hold at the GPU's interval: at once for a GPU that has reported all
            // along, while the lists' room stays within its bound; otherwise double, so that a partly landed hour
            // wastes at most as much as it holds. Lists come in size classes (CandidateArrays), and the room counted
            // is theirs.
            int rest = RoomToEndOfHour(copy);
            int grown = list.Count * 2;
            int sizedForTheHour = CandidateArrays<SampleCandidate>.SizeFor(list.Count + rest);
            if (list.Count >= SizedForTheHourAfter && sizedForTheHour > grown && Room + sizedForTheHour - list.Items.Length <= _maxRoom)
            {
                grown = sizedForTheHour;
            }

            SampleCandidate[] bigger = Arrays.Rent(grown);
            list.Held.CopyTo(bigger);
            Arrays.Return(list.Items);
            Room += bigger.Length - list.Items.Length;
            list.Items = bigger;
        }

        if (list.Count == 0 || copy.Ticks > list.Items[list.Count - 1].Ticks)
        {
            list.Items[list.Count++] = copy;
            Count++;
            return;
        }

        Span<SampleCandidate> held = list.Held;
        int at = GpuSamples.IndexOf(held, copy.Ticks);
        if (at >= 0)
        {
            if (Wins(copy, held[at]))
            {
                held[at] = copy;
            }

            return;
        }

        int insert = ~at;
        System.Array.Copy(list.Items, insert, list.Items, insert + 1, list.Count - insert);
        list.Items[insert] = copy;
        list.Count++;
        Count++;
    }

    /// <summary>
    /// Gives the GPUs' lists back for the next hour's scan to reuse (<see cref="CandidateArrays{T}"/>). The scan is empty
    /// afterwards; a scan never disposed simply leaves its lists to the GC.
    /// </summary>
    public void Dispose()
    {
        foreach (GpuSamples samples in _gpus.Values)
        {
            Arrays.Return(samples.Items);
            samples.Items = [];
            samples.Count = 0;
        }

        _gpus.Clear();
        _cache.Clear();
        _coverage.Clear();
        Count = 0;
        Room = 0;
    }

    /// <summary>How many more samples at this copy's interval fit between it and the end of the hour, plus a spare.</summary>
    private int RoomToEndOfHour(in SampleCandidate copy) =>
        (int)(Math.Max(0, _end - copy.Ticks) / (Math.Max(1, copy.IntervalS) * TimeSpan.TicksPerSecond)) + 2;

    private bool Wins(in SampleCandidate copy, in SampleCandidate held)
    {
        int order = copy.Partition == held.Partition ? 0 : string.CompareOrdinal(_partitions[copy.Partition], _partitions[held.Partition]);
        return order < 0 || (order == 0 && copy.Sequence < held.Sequence);
    }

    internal int PartitionId(string partition) => _partitions.IdOf(partition);

    internal int LineId(UsageKey key) => _lines.IdOf(key);
}
