using System.Buffers.Binary;

namespace Metrics.Contract;

/// <summary>
/// A 64-bit hash of a short byte string (an id, a uuid) for the fixed-size caches on the ingest and rollup paths
/// (<see cref="Utf8StringPool"/>, the observed-time scan's uuid cache): the length and up to 24 of the bytes
/// (first, middle and last 8), multiplied apart. A tenth of the cost of hashing every byte, on values that differ at
/// one end (a node's uuids) or the other (institutions). Values that share those bytes share a hash; every cache
/// compares the bytes themselves. Take the high bits: they are the best mixed.
/// </summary>
public static class ShortBytesHash
{
    public static ulong Of(ReadOnlySpan<byte> bytes)
    {
        ulong mixed;
        if (bytes.Length >= 8)
        {
            mixed =
                (BinaryPrimitives.ReadUInt64LittleEndian(bytes) * 0x9E3779B97F4A7C15UL)
                ^ (BinaryPrimitives.ReadUInt64LittleEndian(bytes[((bytes.Length - 8) / 2)..]) * 0xC2B2AE3D27D4EB4FUL)
                ^ (BinaryPrimitives.ReadUInt64LittleEndian(bytes[^8..]) * 0x165667B19E3779F9UL);
        }
        else if (bytes.Length >= 4)
        {
            // 4 to 7 bytes: the first and last four, overlapping.
            mixed =
                (((ulong)BinaryPrimitives.ReadUInt32LittleEndian(bytes) << 32) | BinaryPrimitives.ReadUInt32LittleEndian(bytes[^4..]))
                * 0x9E3779B97F4A7C15UL;
        }
        else
        {
            mixed = 0;
            foreach (byte b in bytes)
            {
                mixed = (mixed << 8) | b;
            }

            mixed *= 0x9E3779B97F4A7C15UL;
        }

        mixed ^= (ulong)bytes.Length * 0xD6E8FEB86659FD93UL;
        return (mixed ^ (mixed >> 29)) * 0x9E3779B97F4A7C15UL;
    }
}
