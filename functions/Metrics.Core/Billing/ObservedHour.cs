using System.Runtime.InteropServices;
using Apache.Arrow;
using Metrics.Core.Arrow;

namespace Metrics.Core.Billing;

/// <summary>
/// The observed GPU time of one UTC hour, per (institution, model), from GPU samples streamed in any order and any
/// number of files: each landed record batch is folded in as it is read, and no row is ever materialised.
/// <para>
/// A resent sample carries new sequence numbers but the same (GPU uuid, ts): it counts once, and of its copies the one
/// with the lowest (partition, sequence) wins, so the result never depends on reading order. Copies are one sample
/// resent, so they share its interval: a sample whose interval does not reach into the hour is dropped before it is
/// deduplicated (this is what keeps the next hour's files from filling the table). The deduplication table is
/// the only state that grows with the hour: one compact entry per distinct sample that overlaps the hour (the uuid as
/// 128 bits, ts as ticks, the winner's lineage, line and figures: about 64 bytes), never a string or an object per row.
/// To bound it whatever the hour's size, an hour is scanned in shards: shard <c>s</c> of <c>n</c> keeps only the GPUs
/// whose uuid hashes to <c>s</c>, so each GPU's copies meet in one shard and the shards' totals simply add up.
/// </para>
/// </summary>
public sealed class ObservedHour
{
    private const long TicksPerMicrosecond = 10;
    private const long MigFlag = 1L << 62;

    private readonly long _start;
    private readonly long _end;
    private readonly int _shard;
    private readonly int _shards;
    private readonly Dictionary<SampleKey, Candidate> _winners;
    private readonly Dictionary<string, int> _partitionIds = new(StringComparer.Ordinal);
    private readonly List<string> _partitions = [];
    private readonly Dictionary<UsageKey, int> _lineIds = [];
    private readonly List<UsageKey> _lines = [];

    /// <param name="hour">The UTC hour (floored).</param>
    /// <param name="shard">Which shard of the GPUs this scan keeps, 0-based.</param>
    /// <param name="shards">How many shards the hour is split into.</param>
    /// <param name="capacity">Expected distinct samples in this shard: the table is sized once, never regrown.</param>
    public ObservedHour(DateTimeOffset hour, int shard = 0, int shards = 1, int capacity = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shards, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(shard);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(shard, shards);
        _start = UtcHours.Floor(hour).UtcTicks;
        _end = _start + TimeSpan.TicksPerHour;
        _shard = shard;
        _shards = shards;
        _winners = new Dictionary<SampleKey, Candidate>(capacity);
    }

    /// <summary>Distinct samples held: what the memory bound is about.</summary>
    public int Count => _winners.Count;

    /// <summary>Folds in one sample given as a record (small inputs and tests).</summary>
    public void Add(GpuSampleRow sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        if (!Overlaps(sample.Ts.UtcTicks, sample.IntervalS))
        {
            return;
        }

        UInt128 uuid = ParseUuid(sample.GpuUuid.AsSpan(), out bool mig);
        if (ShardOf(uuid) != _shard)
        {
            return;
        }

        int line = sample.Institution is null ? -1 : LineId(new UsageKey(sample.Institution, sample.GpuModel));
        Offer(new SampleKey(uuid, sample.Ts.UtcTicks | (mig ? MigFlag : 0)), PartitionId(sample.Partition), sample.Sequence, line, sample.UtilPct, sample.IntervalS);
    }

    /// <summary>Folds in one landed <c>gpu/v1</c> record batch, column by column.</summary>
    public void Add(RecordBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var ts = (TimestampArray)LandedRowReader.Column(batch, "ts");
        var uuids = (StringArray)LandedRowReader.Column(batch, "gpu_uuid");
        var util = (DoubleArray)LandedRowReader.Column(batch, "util_pct");
        var interval = (Int32Array)LandedRowReader.Column(batch, "interval_s");
        var sequence = (Int64Array)LandedRowReader.Column(batch, LineageColumns.Sequence);
        var institutions = new DictionaryColumn(LandedRowReader.Column(batch, "institution"));
        var models = new DictionaryColumn(LandedRowReader.Column(batch, "gpu_model"));
        var partitions = new DictionaryColumn(LandedRowReader.Column(batch, LineageColumns.Partition));
        ReadOnlySpan<long> tsValues = ts.Values;
        ReadOnlySpan<int> intervalValues = interval.Values;
        ReadOnlySpan<double> utilValues = util.Values;
        ReadOnlySpan<long> sequenceValues = sequence.Values;

        // Per batch, each dictionary entry is resolved once: to a partition id, and (institution, model) to a line.
        int[] partitionIds = partitions.Map(PartitionId);
        string?[] institutionNames = institutions.Values();
        string?[] modelNames = models.Values();
        var lineOf = new Dictionary<(int Institution, int Model), int>();

        long epoch = DateTimeOffset.UnixEpoch.UtcTicks;
        for (int i = 0; i < batch.Length; i++)
        {
            long ticks = epoch + (tsValues[i] * TicksPerMicrosecond);
            if (!Overlaps(ticks, intervalValues[i]))
            {
                continue;
            }

            UInt128 uuid = ParseUuid(uuids.GetBytes(i), out bool mig);
            if (ShardOf(uuid) != _shard)
            {
                continue;
            }

            int institution = institutions.IndexAt(i), model = models.IndexAt(i);
            int line = -1;
            if (institution >= 0 && institutionNames[institution] is { } name)
            {
                if (!lineOf.TryGetValue((institution, model), out line))
                {
                    line = LineId(new UsageKey(name, modelNames[model] ?? throw new InvalidDataException("A landed GPU row has no gpu_model.")));
                    lineOf[(institution, model)] = line;
                }
            }

            Offer(new SampleKey(uuid, ticks | (mig ? MigFlag : 0)), partitionIds[partitions.IndexAt(i)], sequenceValues[i], line, utilValues[i], intervalValues[i]);
        }
    }

    /// <summary>Observed and active GPU-seconds per line, from the winning copy of every sample.</summary>
    public IReadOnlyDictionary<UsageKey, ObservedSeconds> Totals()
    {
        var active = new decimal[_lines.Count];
        var observed = new decimal[_lines.Count];
        foreach ((SampleKey key, Candidate winner) in _winners)
        {
            if (winner.Line < 0)
            {
                continue;
            }

            long ts = key.Ticks & ~MigFlag;
            decimal seconds = (decimal)(Math.Min(ts, _end) - Math.Max(ts - (winner.IntervalS * TimeSpan.TicksPerSecond), _start)) / TimeSpan.TicksPerSecond;
            observed[winner.Line] += seconds;
            active[winner.Line] += (decimal)winner.UtilPct / 100m * seconds;
        }

        var totals = new Dictionary<UsageKey, ObservedSeconds>(_lines.Count);
        for (int line = 0; line < _lines.Count; line++)
        {
            if (observed[line] > 0)
            {
                totals[_lines[line]] = new ObservedSeconds(active[line], observed[line]);
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

    /// <summary>Whether <c>[ts - interval, ts)</c> reaches into the hour: only such samples can count.</summary>
    private bool Overlaps(long ticks, int intervalS) => ticks > _start && ticks - (intervalS * TimeSpan.TicksPerSecond) < _end;

    private void Offer(SampleKey key, int partition, long sequence, int line, double utilPct, int intervalS)
    {
        ref Candidate existing = ref CollectionsMarshal.GetValueRefOrAddDefault(_winners, key, out bool found);
        if (!found || Wins(partition, sequence, existing))
        {
            existing = new Candidate(sequence, utilPct, partition, line, intervalS);
        }
    }

    private bool Wins(int partition, long sequence, in Candidate existing)
    {
        int order = partition == existing.Partition ? 0 : string.CompareOrdinal(_partitions[partition], _partitions[existing.Partition]);
        return order < 0 || (order == 0 && sequence < existing.Sequence);
    }

    private int PartitionId(string partition)
    {
        if (!_partitionIds.TryGetValue(partition, out int id))
        {
            id = _partitions.Count;
            _partitions.Add(partition);
            _partitionIds.Add(partition, id);
        }

        return id;
    }

    private int LineId(UsageKey key)
    {
        if (!_lineIds.TryGetValue(key, out int id))
        {
            id = _lines.Count;
            _lines.Add(key);
            _lineIds.Add(key, id);
        }

        return id;
    }

    /// <summary>
    /// The 128 bits of a <c>GPU-</c> or <c>MIG-</c> uuid (the contract-v1 form, what ingest lands), case-insensitively.
    /// Any other identifier (older data, hand-made tests) maps to a hash of its upper-cased text: deterministic, so
    /// every copy of a sample lands in the same shard in every scan.
    /// </summary>
    private static UInt128 ParseUuid(ReadOnlySpan<byte> utf8, out bool mig)
    {
        if (utf8.Length == 40)
        {
            Span<char> chars = stackalloc char[40];
            if (System.Text.Encoding.ASCII.GetChars(utf8, chars) == 40 && TryParseCanonical(chars, out UInt128 value, out mig))
            {
                return value;
            }
        }

        return ParseUuid(System.Text.Encoding.UTF8.GetString(utf8).AsSpan(), out mig);
    }

    private static UInt128 ParseUuid(ReadOnlySpan<char> text, out bool mig)
    {
        if (TryParseCanonical(text, out UInt128 value, out mig))
        {
            return value;
        }

        mig = false;
        Span<byte> hash = stackalloc byte[32];
        System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text.ToString().ToUpperInvariant()), hash);
        return new UInt128(System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(hash), System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(hash[8..]));
    }

    /// <summary>Parses <c>GPU-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx</c> (or <c>MIG-</c>): 4 + 36 characters.</summary>
    private static bool TryParseCanonical(ReadOnlySpan<char> text, out UInt128 value, out bool mig)
    {
        value = 0;
        mig = text.StartsWith("MIG-", StringComparison.OrdinalIgnoreCase);
        if (text.Length != 40 || !(mig || text.StartsWith("GPU-", StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }

        for (int i = 4; i < 40; i++)
        {
            char c = text[i];
            bool dash = i is 12 or 17 or 22 or 27;
            if (dash != (c == '-'))
            {
                return false;
            }

            if (dash)
            {
                continue;
            }

            int digit = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= 'a' and <= 'f' => c - 'a' + 10,
                >= 'A' and <= 'F' => c - 'A' + 10,
                _ => -1,
            };
            if (digit < 0)
            {
                return false;
            }

            value = (value << 4) | (uint)digit;
        }

        return true;
    }

    /// <summary>One distinct sample: the GPU (MIG flag in the top bit of the ticks) and its timestamp.</summary>
    private readonly record struct SampleKey(UInt128 Uuid, long Ticks);

    /// <summary>The copy of a sample that counts so far, and what it contributes.</summary>
    private readonly record struct Candidate(long Sequence, double UtilPct, int Partition, int Line, int IntervalS);

    /// <summary>A dictionary-encoded (or plain) string column, read by index without a string per row.</summary>
    private readonly struct DictionaryColumn
    {
        private readonly Int32Array? _indices;
        private readonly StringArray _values;
        private readonly bool _plain;

        public DictionaryColumn(IArrowArray array)
        {
            switch (array)
            {
                case DictionaryArray { Indices: Int32Array indices, Dictionary: StringArray values }:
                    _indices = indices;
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

        /// <summary>The row's dictionary index, or -1 for null.</summary>
        public int IndexAt(int row) => _plain
            ? (_values.IsNull(row) ? -1 : row)
            : (_indices!.IsNull(row) ? -1 : _indices.Values[row]);

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
