using System.Text.Unicode;

namespace Metrics.Contract;

/// <summary>
/// The fast path of <see cref="GpuTelemetryDecoder"/>: one forward pass of <see cref="Utf8JsonReader"/> over the body
/// that checks every rule of the contract as it reads (types, ranges, patterns on raw bytes, duplicate and unknown
/// keys, the timestamp) and builds the sample with pooled strings. It answers only "valid, here is the sample" or "not
/// sure": anything unusual (an escape, a quoted or fractional integer, a nested unknown field, any broken rule) returns
/// null, and the reference decoder, which parses a <see cref="JsonDocument"/>, decides and words the rejection. So the
/// fast path can never reject what the contract accepts nor word a rejection differently; a property test checks it
/// never accepts what the reference refuses, nor reads a value differently.
/// </summary>
internal static class GpuTelemetryReader
{
    private static readonly JsonReaderOptions s_options = new() { MaxDepth = 16 };

    /// <summary>The sample's fields; a field's bit is 1 shifted by its place here.</summary>
    private static readonly byte[][] s_sampleFields =
    [
        .. new[] { "schema", "cluster", "node", "ts", "intervalS", "gpus" }.Select(System.Text.Encoding.ASCII.GetBytes),
    ];

    /// <summary>A GPU's fields: the six required ones first (bits 1 to 32), then the four optional ones.</summary>
    private static readonly byte[][] s_gpuFields =
    [
        .. new[] { "uuid", "index", "model", "utilPct", "memUsedMiB", "memTotalMiB", "jobId", "institution", "powerW", "tempC" }.Select(
            System.Text.Encoding.ASCII.GetBytes
        ),
    ];

    public static GpuSample? TryRead(ReadOnlySpan<byte> body, DateTimeOffset enqueuedTime, IngestLimits limits)
    {
        if (body.Length > ContractLimits.MaxBodyBytes || !Utf8.IsValid(body))
        {
            return null;
        }

        try
        {
            var reader = new Utf8JsonReader(body, s_options);
            return Read(ref reader, enqueuedTime, limits, Utf8StringPool.Current);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static GpuSample? Read(ref Utf8JsonReader reader, DateTimeOffset enqueuedTime, IngestLimits limits, Utf8StringPool pool)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        string? cluster = null,
            node = null;
        DateTimeOffset? ts = null;
        long intervalS = 0;
        GpuReading[]? gpus = null;
        int seen = 0;
        UnknownKeys unknown = default;
        while (NextField(ref reader, s_sampleFields, ref seen, ref unknown) is { } field)
        {
            if (field < 0)
            {
                return null;
            }

            bool ok = field switch
            {
                1 => PlainString(ref reader) && reader.ValueSpan.SequenceEqual("gpu-telemetry/1"u8),
                2 => Key(ref reader, pool, out cluster),
                4 => Key(ref reader, pool, out node),
                8 => Timestamp(ref reader, out ts) && EventBody.IsPlausible(ts!.Value, enqueuedTime, limits),
                16 => Integer(ref reader, ContractLimits.MinIntervalS, ContractLimits.MaxIntervalS, out intervalS),
                32 => Gpus(ref reader, pool, out gpus),
                _ => reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray),
            };
            if (!ok)
            {
                return null;
            }
        }

        // Every field present, the root closed, and nothing after it (Read throws on trailing content).
        if (seen != 63 || reader.TokenType != JsonTokenType.EndObject || reader.Read())
        {
            return null;
        }

        // Another cluster's sample: the reference decoder words the rejection.
        if (limits.AllowedClusters is { } allowed && !allowed.Contains(cluster!))
        {
            return null;
        }

        return new GpuSample(cluster!, node!, ts!.Value, (int)intervalS, gpus!);
    }

    [ThreadStatic]
    private static List<GpuReading>? s_scratch;

    private static bool Gpus(ref Utf8JsonReader reader, Utf8StringPool pool, out GpuReading[]? gpus)
    {
        gpus = null;
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return false;
        }

        // Read into a scratch list of this thread's, so that the sample's array is the only allocation.
        List<GpuReading> read = s_scratch ??= new List<GpuReading>(ContractLimits.MaxGpusPerSample);
        read.Clear();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (read.Count == ContractLimits.MaxGpusPerSample || Gpu(ref reader, pool) is not { } gpu)
            {
                return false;
            }

            for (int i = 0; i < read.Count; i++)
            {
                if (read[i].Index == gpu.Index || string.Equals(read[i].Uuid, gpu.Uuid, StringComparison.OrdinalIgnoreCase))
                {
                    return false;
                }
            }

            read.Add(gpu);
        }

        gpus = read.ToArray();
        return gpus.Length >= ContractLimits.MinGpusPerSample;
    }

    private static GpuReading? Gpu(ref Utf8JsonReader reader, Utf8StringPool pool)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        string? uuid = null,
            model = null,
            jobId = null,
            institution = null;
        long index = 0,
            memUsed = 0,
            memTotal = 0;
        double util = 0;
        double? power = null,
            temp = null;
        int seen = 0;
        UnknownKeys unknown = default;
        while (NextField(ref reader, s_gpuFields, ref seen, ref unknown) is { } field)
        {
            if (field < 0)
            {
                return null;
            }

            bool isNull = reader.TokenType == JsonTokenType.Null;
            bool ok = field switch
            {
                1 => PlainString(ref reader) && ContractAscii.IsGpuUuid(reader.ValueSpan) && Pooled(ref reader, pool, out uuid),
                2 => Integer(ref reader, 0, ContractLimits.MaxGpuIndex, out index),
                4 => PlainString(ref reader) && ContractAscii.IsGpuModel(reader.ValueSpan) && Pooled(ref reader, pool, out model),
                8 => Number(ref reader, 0, 100, out util),
                16 => Integer(ref reader, 0, ContractLimits.MaxMemMiB, out memUsed),
                32 => Integer(ref reader, 1, ContractLimits.MaxMemMiB, out memTotal),
                64 => isNull || (PlainString(ref reader) && ContractAscii.IsJobId(reader.ValueSpan) && Pooled(ref reader, pool, out jobId)),
                128 => isNull || Key(ref reader, pool, out institution),
                256 => isNull || Optional(ref reader, 0, ContractLimits.MaxPowerW, out power),
                512 => isNull || Optional(ref reader, ContractLimits.MinTempC, ContractLimits.MaxTempC, out temp),
                _ => reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray),
            };
            if (!ok)
            {
                return null;
            }
        }

        // The six required fields, a job and its institution together, memory used within the total.
        if ((seen & 63) != 63 || (jobId is null) != (institution is null) || memUsed > memTotal)
        {
            return null;
        }

        return new GpuReading(uuid!, (int)index, model!, jobId, institution, util, memUsed, memTotal, power, temp);
    }

    /// <summary>
    /// Reads the object's next property name and moves to its value. Returns the field's bit (1 shifted by its place in
    /// <paramref name="names"/>; 0 for a field the contract does not know), null at the end of the object, or -1 when
    /// only the reference decoder can tell: an escaped name, a repeated one, or a repeated unknown one.
    /// </summary>
    private static int? NextField(ref Utf8JsonReader reader, byte[][] names, ref int seen, ref UnknownKeys unknown)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.PropertyName)
        {
            return null;
        }

        if (reader.ValueIsEscaped)
        {
            return -1;
        }

        ReadOnlySpan<byte> name = reader.ValueSpan;
        int field = 0;
        for (int i = 0; i < names.Length && field == 0; i++)
        {
            field = name.SequenceEqual(names[i]) ? 1 << i : 0;
        }

        if ((seen & field) != 0 || (field == 0 && !unknown.Add(name)))
        {
            return -1;
        }

        seen |= field;
        reader.Read();
        return field;
    }

    /// <summary>A string whose bytes are its value: an escaped one goes to the reference decoder.</summary>
    private static bool PlainString(ref Utf8JsonReader reader) => reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped;

    private static bool Pooled(ref Utf8JsonReader reader, Utf8StringPool pool, out string value)
    {
        value = pool.Get(reader.ValueSpan);
        return true;
    }

    /// <summary>cluster, node, institution: <see cref="ContractPatterns.Id"/>, which already keeps to the table-key rules.</summary>
    private static bool Key(ref Utf8JsonReader reader, Utf8StringPool pool, out string? value)
    {
        value = null;
        return PlainString(ref reader) && ContractAscii.IsId(reader.ValueSpan) && Pooled(ref reader, pool, out value!);
    }

    private static bool Integer(ref Utf8JsonReader reader, long min, long max, out long value)
    {
        value = 0;
        return reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out value) && value >= min && value <= max;
    }

    private static bool Number(ref Utf8JsonReader reader, double min, double max, out double value)
    {
        value = 0;
        return reader.TokenType == JsonTokenType.Number
            && (TryParseShortDecimal(reader.ValueSpan, out value) || reader.TryGetDouble(out value))
            && double.IsFinite(value)
            && value >= min
            && value <= max;
    }

    /// <summary>
    /// The common shapes of a reading (<c>87</c>, <c>87.5</c>, <c>612.25</c>) without the general parser: at most 15
    /// digits with an optional fraction, no sign and no exponent. Such a number is an integer below 2^53 divided by a
    /// power of ten up to 10^15, both exact in a double, and IEEE division rounds correctly, so the result is the
    /// correctly rounded value the general parser gives (the reader tests compare them on the fuzz suite's numbers).
    /// Anything else falls through to it.
    /// </summary>
    private static bool TryParseShortDecimal(ReadOnlySpan<byte> text, out double value)
    {
        value = 0;
        if (text.Length is 0 or > 16)
        {
            return false;
        }

        long mantissa = 0;
        int digits = 0,
            scale = -1;
        for (int i = 0; i < text.Length; i++)
        {
            byte c = text[i];
            if (c == '.' && scale < 0 && i > 0)
            {
                scale = 0;
                continue;
            }

            if (c is < (byte)'0' or > (byte)'9')
            {
                return false;
            }

            mantissa = (mantissa * 10) + (c - '0');
            digits++;
            if (scale >= 0)
            {
                scale++;
            }
        }

        if (digits > 15 || scale == 0)
        {
            return false;
        }

        value = scale <= 0 ? mantissa : mantissa / s_powersOfTen[scale];
        return true;
    }

    private static readonly double[] s_powersOfTen = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

    private static bool Optional(ref Utf8JsonReader reader, double min, double max, out double? value)
    {
        bool ok = Number(ref reader, min, max, out double number);
        value = number;
        return ok;
    }

    /// <summary>
    /// A timestamp exactly as the contract writes it (<see cref="Utf8Timestamps"/>); anything else is left to the reference.
    /// </summary>
    private static bool Timestamp(ref Utf8JsonReader reader, out DateTimeOffset? value)
    {
        value = null;
        return PlainString(ref reader) && Utf8Timestamps.TryParse(reader.ValueSpan, out value);
    }

    /// <summary>
    /// The names of fields the contract does not know, to refuse a repeated one as the reference does. Events rarely
    /// carry any, so the list is made only when one appears, and names are compared byte for byte (none is escaped here).
    /// </summary>
    private struct UnknownKeys
    {
        private List<byte[]>? _names;

        public bool Add(ReadOnlySpan<byte> name)
        {
            _names ??= [];
            foreach (byte[] earlier in _names)
            {
                if (name.SequenceEqual(earlier))
                {
                    return false;
                }
            }

            _names.Add(name.ToArray());
            return true;
        }
    }
}
