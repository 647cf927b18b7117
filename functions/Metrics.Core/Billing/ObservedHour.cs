using Apache.Arrow;

namespace Metrics.Core.Billing;

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

    /// <summary>The last row folded by <see cref="AddSorted"/>: its uuid's bytes, time, and lineage.</summary>
    private readonly byte[] _sortedUuid = new byte[256];
    private int _sortedUuidLength = -1;
    private long _sortedTicks;
    private (string Partition, long Sequence) _sortedLineage = (string.Empty, 0);

    /// <summary>What of the hour the current GPU's samples have covered: the sorted pass's, or one GPU's list's in Totals.</summary>
    private readonly GpuCoverage _coverage;

    /// <summary>Whether <see cref="AddSorted"/> has begun: the general samples must all be in by then.</summary>
    private bool _sortedBegun;

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

        UInt128 uuid = ParseUuid(sample.GpuUuid.AsSpan(), out bool mig);
        if (ShardOf(uuid) != _shard)
        {
            return;
        }

        int line = sample.Institution is null
            ? -1
            : LineId(new UsageKey(sample.Institution, sample.GpuModel, _accounts.Of(sample.Cluster, sample.JobId, sample.Institution)));
        Offer(
            new GpuKey(uuid, mig),
            new Candidate(sample.Ts.UtcTicks, sample.Sequence, sample.UtilPct, PartitionId(sample.Partition), line, sample.IntervalS)
        );
    }

    /// <summary>Folds in one landed <c>gpu/v1</c> record batch, column by column.</summary>
    public void Add(RecordBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ThrowIfSortedBegun();
        var rows = new BatchRows(batch, this);
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
                UInt128 uuid = ParseUuid(uuidText, out bool mig);
                samples =
                    ShardOf(uuid) == _shard ? SamplesOf(new GpuKey(uuid, mig), new Candidate(ticks, 0, 0, 0, 0, rows.Interval[i])) : null;
                _cache.Add(uuidText, samples);
            }

            if (samples is not null)
            {
                Offer(samples, new Candidate(ticks, rows.Sequence[i], rows.Util[i], rows.PartitionId(i), rows.LineAt(i), rows.Interval[i]));
            }
        }
    }

    /// <summary>
    /// Folds in a record batch of a compacted file, whose rows are sorted by (gpu_uuid, ts, partition, sequence): every
    /// copy of a sample follows the first, which is the winner, so each row is either counted at once or skipped, and
    /// nothing is held per sample. Call it for every batch of the file, in order. Copies of a sample are never in two
    /// files (a sample lands in its own hour's folder, and a folder read this way is one compacted file), so samples
    /// folded in by <see cref="Add(RecordBatch)"/> (the next hour's) never meet these; those must be folded in first, so
    /// that each GPU's are credited after its sorted rows, in time order. Throws <see cref="UnsortedInputException"/> on a
    /// row out of order, before anything of that row is counted: the caller reads the hour the general way instead.
    /// </summary>
    public void AddSorted(RecordBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        _sortedBegun = true;
        if (_shards != 1)
        {
            throw new InvalidOperationException("A sorted file is read whole, in one shard: it holds nothing per sample.");
        }

        var rows = new BatchRows(batch, this);
        for (int i = 0; i < batch.Length; i++)
        {
            long ticks = rows.Ticks(i);
            ReadOnlySpan<byte> uuid = rows.Uuid(i);
            ReadOnlySpan<byte> previous = _sortedUuidLength < 0 ? default : _sortedUuid.AsSpan(0, _sortedUuidLength);
            int order = _sortedUuidLength < 0 ? 1 : uuid.SequenceCompareTo(previous);
            (string Partition, long Sequence) lineage = (rows.PartitionName(i), rows.Sequence[i]);
            if (order == 0 && ticks == _sortedTicks)
            {
                // A copy of the sample before: the first copy won (lowest partition, then sequence), if the order holds.
                int byPartition = string.CompareOrdinal(lineage.Partition, _sortedLineage.Partition);
                if (byPartition < 0 || (byPartition == 0 && lineage.Sequence < _sortedLineage.Sequence))
                {
                    throw new UnsortedInputException("A copy of a sample comes before the copy it should follow (partition, sequence).");
                }

                continue;
            }

            if (order < 0 || (order == 0 && ticks < _sortedTicks))
            {
                throw new UnsortedInputException("A row comes before the row above it in (gpu_uuid, ts) order.");
            }

            if (order > 0)
            {
                FinishSortedGpu();
                _coverage.Clear();
            }

            if (uuid.Length > _sortedUuid.Length)
            {
                throw new UnsortedInputException("A gpu_uuid is longer than a sorted read keeps.");
            }

            if (order > 0 && !(Validation.ContractAscii.IsGpuUuid(uuid) && uuid[4..].IndexOfAnyInRange((byte)'A', (byte)'F') < 0))
            {
                // Billing compares uuids ignoring case, the sort does not: an upper-case copy of a sample would not sit
                // next to its lower-case twin. nvidia-smi prints the canonical lower-case form; anything else is read
                // the general way. Checked once per GPU, where its rows begin.
                throw new UnsortedInputException(
                    "A gpu_uuid is not in canonical lower case, so a byte-ordered read cannot pair its copies."
                );
            }

            uuid.CopyTo(_sortedUuid);
            _sortedUuidLength = uuid.Length;
            _sortedTicks = ticks;
            _sortedLineage = lineage;
            if (Overlaps(ticks, rows.Interval[i]))
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
        FinishSortedGpu();
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
        foreach (Candidate winner in samples.Held)
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
    private void FinishSortedGpu()
    {
        if (_sortedUuidLength < 0 || _gpus.Count == 0)
        {
            return;
        }

        UInt128 uuid = ParseUuid(_sortedUuid.AsSpan(0, _sortedUuidLength), out bool mig);
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
    private void Offer(GpuKey gpu, Candidate copy) => Offer(SamplesOf(gpu, copy), copy);

    /// <summary>The GPU's sorted samples, made on its first sample with room for a first stretch of the hour.</summary>
    private GpuSamples SamplesOf(GpuKey gpu, in Candidate first)
    {
        ref GpuSamples? samples = ref CollectionsMarshal.GetValueRefOrAddDefault(_gpus, gpu, out _);
        if (samples is null)
        {
            samples = new GpuSamples(Arrays.Rent(Math.Min(SizedForTheHourAfter, RoomToEndOfHour(first))));
            Room += samples.Items.Length;
        }

        return samples;
    }

    private static CandidateArrays<Candidate> Arrays => CandidateArrays<Candidate>.Shared;

    private void Offer(GpuSamples list, Candidate copy)
    {
        if (list.Count == list.Items.Length)
        {
            // Grow to what the rest of the hour can hold at the GPU's interval: at once for a GPU that has reported all
            // along, while the lists' room stays within its bound; otherwise double, so that a partly landed hour
            // wastes at most as much as it holds. Lists come in size classes (CandidateArrays), and the room counted
            // is theirs.
            int rest = RoomToEndOfHour(copy);
            int grown = list.Count * 2;
            int sizedForTheHour = CandidateArrays<Candidate>.SizeFor(list.Count + rest);
            if (list.Count >= SizedForTheHourAfter && sizedForTheHour > grown && Room + sizedForTheHour - list.Items.Length <= _maxRoom)
            {
                grown = sizedForTheHour;
            }

            Candidate[] bigger = Arrays.Rent(grown);
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

        Span<Candidate> held = list.Held;
        int at = BinarySearch(held, copy.Ticks);
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

    /// <summary>One GPU's distinct samples, sorted by time, in the first <see cref="Count"/> slots of a pooled array.</summary>
    private sealed class GpuSamples(Candidate[] items)
    {
        public Candidate[] Items = items;

        public int Count;

        public Span<Candidate> Held => Items.AsSpan(0, Count);
    }

    /// <summary>How many more samples at this copy's interval fit between it and the end of the hour, plus a spare.</summary>
    private int RoomToEndOfHour(in Candidate copy) =>
        (int)(Math.Max(0, _end - copy.Ticks) / (Math.Max(1, copy.IntervalS) * TimeSpan.TicksPerSecond)) + 2;

    private static int BinarySearch(ReadOnlySpan<Candidate> samples, long ticks)
    {
        int low = 0,
            high = samples.Length - 1;
        while (low <= high)
        {
            int middle = low + ((high - low) >> 1);
            long at = samples[middle].Ticks;
            if (at == ticks)
            {
                return middle;
            }

            if (at < ticks)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return ~low;
    }

    private bool Wins(in Candidate copy, in Candidate held)
    {
        int order = copy.Partition == held.Partition ? 0 : string.CompareOrdinal(_partitions[copy.Partition], _partitions[held.Partition]);
        return order < 0 || (order == 0 && copy.Sequence < held.Sequence);
    }

    private int PartitionId(string partition) => _partitions.IdOf(partition);

    private int LineId(UsageKey key) => _lines.IdOf(key);

    /// <summary>
    /// The 128 bits of a <c>GPU-</c> or <c>MIG-</c> uuid (the contract-v1 form, what ingest lands), case-insensitively,
    /// read straight from the column's UTF-8 bytes: this runs once per landed row. Any other identifier (older data,
    /// hand-made tests) maps to a hash of its upper-cased text: deterministic, so every copy of a sample lands in the
    /// same shard in every scan.
    /// </summary>
    private static UInt128 ParseUuid(ReadOnlySpan<byte> utf8, out bool mig) =>
        TryParseCanonical(utf8, out UInt128 value, out mig) ? value : HashOf(System.Text.Encoding.UTF8.GetString(utf8), out mig);

    private static UInt128 ParseUuid(ReadOnlySpan<char> text, out bool mig)
    {
        Span<byte> ascii = stackalloc byte[40];
        return
            text.Length == 40
            && System.Text.Ascii.FromUtf16(text, ascii, out _) == System.Buffers.OperationStatus.Done
            && TryParseCanonical(ascii, out UInt128 value, out mig)
            ? value
            : HashOf(text.ToString(), out mig);
    }

    private static UInt128 HashOf(string text, out bool mig)
    {
        mig = false;
        Span<byte> hash = stackalloc byte[32];
        System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text.ToUpperInvariant()), hash);
        return new UInt128(
            System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(hash),
            System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(hash[8..])
        );
    }

    /// <summary>The value of each byte as a hex digit, or -1.</summary>
    // csharpier-ignore - a lookup table reads best as rows of 32 bytes
    private static ReadOnlySpan<sbyte> HexDigits =>
    [
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, -1, -1, -1, -1, -1, -1,
        -1, 10, 11, 12, 13, 14, 15, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, 10, 11, 12, 13, 14, 15, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    ];

    /// <summary>Parses <c>GPU-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx</c> (or <c>MIG-</c>, any case): 4 + 36 bytes, 32 hex digits.</summary>
    private static bool TryParseCanonical(ReadOnlySpan<byte> text, out UInt128 value, out bool mig)
    {
        value = 0;
        mig = false;
        if (text.Length != 40 || text[3] != '-')
        {
            return false;
        }

        // ORing 0x20 lower-cases an ASCII letter and maps no other byte onto one.
        int p0 = text[0] | 0x20,
            p1 = text[1] | 0x20,
            p2 = text[2] | 0x20;
        mig = p0 == 'm' && p1 == 'i' && p2 == 'g';
        if (!mig && !(p0 == 'g' && p1 == 'p' && p2 == 'u'))
        {
            return false;
        }

        ulong high = 0,
            low = 0;
        int digits = 0;
        for (int i = 4; i < 40; i++)
        {
            int c = text[i];
            if (i is 12 or 17 or 22 or 27)
            {
                if (c != '-')
                {
                    return false;
                }

                continue;
            }

            int digit = HexDigits[c];
            if (digit < 0)
            {
                return false;
            }

            if (digits++ < 16)
            {
                high = (high << 4) | (uint)digit;
            }
            else
            {
                low = (low << 4) | (uint)digit;
            }
        }

        value = new UInt128(high, low);
        return true;
    }

    /// <summary>Numbers values 0, 1, 2... in the order they are first seen, and back: partitions and lines.</summary>
    private sealed class DenseIds<T>(IEqualityComparer<T> comparer)
        where T : notnull
    {
        private readonly Dictionary<T, int> _ids = new(comparer);
        private readonly List<T> _values = [];

        public int Count => _values.Count;

        public T this[int id] => _values[id];

        public int IdOf(T value)
        {
            if (!_ids.TryGetValue(value, out int id))
            {
                id = _values.Count;
                _values.Add(value);
                _ids.Add(value, id);
            }

            return id;
        }
    }

    /// <summary>One GPU: its uuid's 128 bits, and whether it is a MIG instance (whose uuid lives in another namespace).</summary>
    private readonly record struct GpuKey(UInt128 Uuid, bool Mig);

    /// <summary>
    /// The copy of one sample that counts so far (its time, lineage and what it contributes): 32 bytes. The interval
    /// is at most 3,600 s and an event hub has at most a few thousand partitions, so both fit 16 bits.
    /// </summary>
    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    private readonly struct Candidate(long ticks, long sequence, double utilPct, int partition, int line, int intervalS)
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

    /// <summary>
    /// One landed record batch's columns as the scan reads them: spans taken once per batch, and each dictionary entry
    /// resolved once per batch (to a partition id, and (institution, model, cluster, job) to a line), not once per row.
    /// </summary>
    private ref struct BatchRows
    {
        public ReadOnlySpan<int> Interval;
        public ReadOnlySpan<double> Util;
        public ReadOnlySpan<long> Sequence;
        private readonly ObservedHour _hour;
        private readonly ReadOnlySpan<long> _ts;
        private readonly ReadOnlySpan<int> _uuidOffsets;
        private readonly ReadOnlySpan<byte> _uuidBytes;
        private readonly DictionaryColumn _institutions;
        private readonly DictionaryColumn _models;
        private readonly DictionaryColumn _partitions;
        private readonly DictionaryColumn _clusters;
        private readonly DictionaryColumn _jobs;
        private readonly bool _byAccount;
        private readonly string?[] _institutionNames;
        private readonly string?[] _modelNames;
        private string?[]? _clusterNames;
        private string?[]? _jobNames;
        private readonly Dictionary<(int Institution, int Model, int Cluster, int Job), int> _lineOf = [];
        private int[]? _partitionIds;
        private string?[]? _partitionNames;
        private (int Institution, int Model, int Cluster, int Job, int Line) _last = (-1, -1, -1, -1, -1);

        public BatchRows(RecordBatch batch, ObservedHour hour)
        {
            _hour = hour;
            var uuids = (StringArray)LandedRowReader.Column(batch, GpuRowSchema.Columns.GpuUuid);
            if (uuids.NullCount > 0)
            {
                throw new InvalidDataException("A landed GPU row has no gpu_uuid.");
            }

            _ts = ((TimestampArray)LandedRowReader.Column(batch, GpuRowSchema.Columns.Ts)).Values;
            Interval = ((Int32Array)LandedRowReader.Column(batch, GpuRowSchema.Columns.IntervalS)).Values;
            Util = ((DoubleArray)LandedRowReader.Column(batch, GpuRowSchema.Columns.UtilPct)).Values;
            Sequence = ((Int64Array)LandedRowReader.Column(batch, LineageColumns.Sequence)).Values;
            _uuidOffsets = uuids.ValueOffsets;
            _uuidBytes = uuids.ValueBuffer.Span;
            _institutions = new DictionaryColumn(LandedRowReader.Column(batch, GpuRowSchema.Columns.Institution));
            _models = new DictionaryColumn(LandedRowReader.Column(batch, GpuRowSchema.Columns.GpuModel));
            _partitions = new DictionaryColumn(LandedRowReader.Column(batch, LineageColumns.Partition));
            _institutionNames = _institutions.Values();
            _modelNames = _models.Values();

            // Without jobs in the hour every sample's account is empty: the job columns are not even looked at.
            _byAccount = !hour._accounts.IsEmpty;
            _clusters = _byAccount ? new DictionaryColumn(LandedRowReader.Column(batch, GpuRowSchema.Columns.Cluster)) : default;
            _jobs = _byAccount ? new DictionaryColumn(LandedRowReader.Column(batch, GpuRowSchema.Columns.JobId)) : default;
        }

        public readonly long Ticks(int row) => DateTimeOffset.UnixEpoch.UtcTicks + (_ts[row] * TicksPerMicrosecond);

        public readonly ReadOnlySpan<byte> Uuid(int row) => _uuidBytes[_uuidOffsets[row].._uuidOffsets[row + 1]];

        public int PartitionId(int row) => (_partitionIds ??= _partitions.Map(_hour.PartitionId))[_partitions.IndexAt(row)];

        /// <summary>The row's partition id as landed (a string of the batch's dictionary: no allocation per row).</summary>
        public string PartitionName(int row) =>
            (_partitionNames ??= _partitions.Values())[_partitions.IndexAt(row)]
            ?? throw new InvalidDataException("A landed GPU row has no eh_partition.");

        /// <summary>The row's line id, or -1 for a GPU no job's institution holds.</summary>
        public int LineAt(int row)
        {
            int institution = _institutions.IndexAt(row),
                model = _models.IndexAt(row);
            int cluster = _byAccount ? _clusters.IndexAt(row) : -1,
                job = _byAccount ? _jobs.IndexAt(row) : -1;
            if (institution == _last.Institution && model == _last.Model && job == _last.Job && cluster == _last.Cluster)
            {
                // A node's GPUs are consecutive rows and usually run one job: the line of the row before.
                return _last.Line;
            }

            if (institution < 0 || _institutionNames[institution] is not { } name)
            {
                return -1;
            }

            if (!_lineOf.TryGetValue((institution, model, cluster, job), out int line))
            {
                string account = _byAccount
                    ? _hour._accounts.Of(
                        cluster < 0 ? null : (_clusterNames ??= _clusters.Values())[cluster],
                        job < 0 ? null : (_jobNames ??= _jobs.Values())[job],
                        name
                    )
                    : string.Empty;
                line = _hour.LineId(
                    new UsageKey(name, _modelNames[model] ?? throw new InvalidDataException("A landed GPU row has no gpu_model."), account)
                );
                _lineOf[(institution, model, cluster, job)] = line;
            }

            _last = (institution, model, cluster, job, line);
            return line;
        }
    }

    /// <summary>A dictionary-encoded (or plain) string column, read by index without a string per row.</summary>
    private readonly ref struct DictionaryColumn
    {
        private readonly Int32Array? _indices;
        private readonly ReadOnlySpan<int> _indexValues;
        private readonly bool _hasNulls;
        private readonly StringArray _values;
        private readonly bool _plain;

        public DictionaryColumn(IArrowArray array)
        {
            switch (array)
            {
                case DictionaryArray { Indices: Int32Array indices, Dictionary: StringArray values }:
                    _indices = indices;
                    _indexValues = indices.Values;
                    _hasNulls = indices.NullCount > 0;
                    _values = values;
                    break;
                case StringArray plain:
                    _values = plain;
                    _plain = true;
                    break;
                default:
                    throw new InvalidDataException($"Expected a dictionary string column, got {array.Data.DataType.Name}.");
            }
        }

        /// <summary>The row's dictionary index, or -1 for null. The index span is taken once per batch, not per row.</summary>
        public int IndexAt(int row) =>
            _plain ? (_values.IsNull(row) ? -1 : row) : (_hasNulls && _indices!.IsNull(row) ? -1 : _indexValues[row]);

        public string?[] Values()
        {
            var values = new string?[_values.Length];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = _values.IsNull(i) ? null : _values.GetString(i);
            }

            return values;
        }

        public int[] Map(Func<string, int> id)
        {
            var ids = new int[_values.Length];
            for (int i = 0; i < ids.Length; i++)
            {
                ids[i] = _values.IsNull(i) ? -1 : id(_values.GetString(i));
            }

            return ids;
        }
    }
}
