using Apache.Arrow;
using Apache.Arrow.Types;

namespace Metrics.Core.Compaction;

/// <summary>
/// Collects chosen rows of one column from record batches of one schema, then writes them out in any order: the
/// compactor's only way to move data, so every column of a landed file (lineage included) survives compaction
/// unchanged, whatever the schema holds. Three layouts cover the landing schemas: fixed-width values, UTF-8 strings and
/// dictionary-encoded strings (these against one dictionary for the whole output file, see
/// <see cref="DictionaryCollector"/>).
/// </summary>
internal abstract class ColumnCollector
{
    public abstract int Count { get; }

    /// <summary>Appends the rows <paramref name="rows"/> of <paramref name="array"/>, in that order.</summary>
    public abstract void Add(IArrowArray array, ReadOnlySpan<int> rows);

    /// <summary>
    /// The collected rows <paramref name="order"/> (indices into what was added), as one array. The array's buffers are
    /// the collector's scratch, reused by the next call: write the batch before building the next. A compaction builds
    /// dozens of batches a pass, and fresh buffers for each were hundreds of MB of large-object garbage.
    /// </summary>
    public abstract IArrowArray Build(ReadOnlySpan<int> order);

    /// <summary>
    /// A value that orders the collected row as the column's values order: the value itself for fixed-width columns,
    /// the position in the (sorted) file dictionary for dictionary columns. Nulls order first.
    /// </summary>
    public abstract long SortKey(int row);

    /// <summary>Empties the collector and makes room for <paramref name="rows"/> rows: the compactor knows a shard's exact size.</summary>
    public abstract void Reset(int rows);

    /// <param name="dictionary">For a dictionary column, the file's dictionary (every value of the column in every source, sorted
    /// ordinally).</param>
    public static ColumnCollector For(Field field, IReadOnlyList<string>? dictionary)
    {
        ArgumentNullException.ThrowIfNull(field);
        return field.DataType switch
        {
            TimestampType type => new FixedCollector<long>(
                (values, validity, count, nulls) => new TimestampArray(type, values, validity, count, nulls, 0)
            ),
            Int64Type => new FixedCollector<long>((values, validity, count, nulls) => new Int64Array(values, validity, count, nulls, 0)),
            Int32Type => new FixedCollector<int>((values, validity, count, nulls) => new Int32Array(values, validity, count, nulls, 0)),
            DoubleType => new FixedCollector<double>(
                (values, validity, count, nulls) => new DoubleArray(values, validity, count, nulls, 0)
            ),
            StringType => new Utf8Collector(),
            DictionaryType { IndexType: Int32Type, ValueType: StringType } type => new DictionaryCollector(
                type,
                dictionary
                    ?? throw new ArgumentException(
                        $"Column '{field.Name}' is dictionary-encoded: its file dictionary is needed.",
                        nameof(dictionary)
                    )
            ),
            _ => throw new NotSupportedException(
                $"Column '{field.Name}' has type {field.DataType.Name}, which compaction does not know how to copy."
            ),
        };
    }

    /// <summary>A validity bitmap for <paramref name="order"/> of <paramref name="valid"/>, or empty when every row is valid.</summary>
    private byte[] _validityScratch = [];

    /// <summary>A scratch array of at least <paramref name="length"/> bytes, kept for the next call.</summary>
    protected static byte[] Scratch(ref byte[] scratch, int length)
    {
        if (scratch.Length < length)
        {
            scratch = new byte[Math.Max(length, scratch.Length * 2)];
        }

        return scratch;
    }

    protected ArrowBuffer Validity(List<bool> valid, int nulls, ReadOnlySpan<int> order, out int nullCount)
    {
        nullCount = 0;
        if (nulls == 0)
        {
            return ArrowBuffer.Empty;
        }

        int length = (order.Length + 7) / 8;
        byte[] bits = Scratch(ref _validityScratch, length);
        bits.AsSpan(0, length).Clear();
        for (int i = 0; i < order.Length; i++)
        {
            if (valid[order[i]])
            {
                bits[i >> 3] |= (byte)(1 << (i & 7));
            }
            else
            {
                nullCount++;
            }
        }

        return nullCount == 0 ? ArrowBuffer.Empty : new ArrowBuffer(bits.AsMemory(0, length));
    }
}
