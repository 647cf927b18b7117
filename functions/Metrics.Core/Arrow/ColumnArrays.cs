using System.Runtime.InteropServices;
using Apache.Arrow;

namespace Metrics.Core.Arrow;

/// <summary>
/// Arrow arrays made from plain .NET arrays filled in one loop. Arrow's builders check capacity and set a validity bit
/// on every append; for the 8,000 rows of a batch that cost more than decoding them (IngestBenchmarks), so the
/// encoders fill arrays and wrap them here, one copy per column.
/// </summary>
internal static class ColumnArrays
{
    public static Int32Array Int32(ReadOnlySpan<int> values) => new(Buffer(values), ArrowBuffer.Empty, values.Length, 0, 0);

    public static Int64Array Int64(ReadOnlySpan<long> values) => new(Buffer(values), ArrowBuffer.Empty, values.Length, 0, 0);

    public static DoubleArray Double(ReadOnlySpan<double> values) => new(Buffer(values), ArrowBuffer.Empty, values.Length, 0, 0);

    /// <summary>A nullable double column: <paramref name="valid"/> says which rows hold a value.</summary>
    public static DoubleArray Double(ReadOnlySpan<double> values, Validity valid) => new(Buffer(values), valid.Buffer, values.Length, valid.NullCount, 0);

    /// <summary>Microseconds since the epoch, UTC (<see cref="ArrowColumns.UtcTimestamp"/>).</summary>
    public static TimestampArray Timestamps(ReadOnlySpan<long> micros) =>
        new(ArrowColumns.UtcTimestamp, Buffer(micros), ArrowBuffer.Empty, micros.Length, 0, 0);

    /// <summary>An instant as the timestamp columns hold it: whole microseconds since the epoch (as Arrow's builder truncates).</summary>
    public static long Micros(DateTimeOffset instant) => (instant.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    private static ArrowBuffer Buffer<T>(ReadOnlySpan<T> values)
        where T : struct => new(MemoryMarshal.AsBytes(values).ToArray());

    /// <summary>A validity bitmap filled row by row; rows are valid until marked null.</summary>
    internal sealed class Validity(int rows)
    {
        private readonly byte[] _bits = CreateAllValid(rows);

        public int NullCount { get; private set; }

        public ArrowBuffer Buffer => NullCount == 0 ? ArrowBuffer.Empty : new ArrowBuffer(_bits);

        public void SetNull(int row)
        {
            _bits[row >> 3] &= (byte)~(1 << (row & 7));
            NullCount++;
        }

        private static byte[] CreateAllValid(int rows)
        {
            var bits = new byte[(rows + 7) / 8];
            bits.AsSpan().Fill(0xFF);
            return bits;
        }
    }
}
