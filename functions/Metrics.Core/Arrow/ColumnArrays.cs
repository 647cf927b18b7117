using System.Runtime.InteropServices;
using Apache.Arrow;

namespace Metrics.Core.Arrow;

/// <summary>
/// Column buffers the encoders fill in one loop and hand to Arrow as they are. Arrow's builders check capacity and set a
/// validity bit on every append, and grow their buffers by copying; for the 8,000 rows of a batch that cost more than
/// decoding them (IngestBenchmarks). These are sized once from the row count and never copied.
/// </summary>
internal static class ColumnArrays
{
    /// <summary>An instant as the timestamp columns hold it: whole microseconds since the epoch (as Arrow's builder truncates).</summary>
    public static long Micros(DateTimeOffset instant) => (instant.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    /// <summary>
    /// A fixed-width column written in place: the values live in the byte array that becomes the Arrow buffer, so
    /// building the array copies nothing.
    /// </summary>
    internal sealed class Fixed<T>(int rows)
        where T : unmanaged
    {
        private readonly byte[] _bytes = new byte[rows * System.Runtime.CompilerServices.Unsafe.SizeOf<T>()];

        public Span<T> Values => MemoryMarshal.Cast<byte, T>(_bytes.AsSpan());

        public ArrowBuffer Buffer => new(_bytes);
    }

    /// <summary>A UTF-8 string column of known rows, its data buffer sized once from the values' byte count.</summary>
    internal sealed class Utf8(int rows, int dataBytes)
    {
        private readonly byte[] _offsets = new byte[(rows + 1) * sizeof(int)];
        private readonly byte[] _data = new byte[dataBytes];
        private int _rows;
        private int _end;

        public void Append(string value)
        {
            _end += System.Text.Encoding.UTF8.GetBytes(value, _data.AsSpan(_end));
            MemoryMarshal.Cast<byte, int>(_offsets.AsSpan())[++_rows] = _end;
        }

        public StringArray Build() => new(_rows, new ArrowBuffer(_offsets), new ArrowBuffer(_data.AsMemory(0, _end)), ArrowBuffer.Empty, 0, 0);
    }

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
