namespace Metrics.Core.Tests.Fuzz;

/// <summary>
/// Generators of event bodies as a hostile or broken producer would send them: valid events of both streams, and
/// mutations of them (random bytes, truncation, invalid UTF-8, every kind of escape, extreme and non-finite numbers,
/// extreme dates, huge arrays and strings, deep nesting, duplicate keys, every field replaced by every JSON type).
/// </summary>
internal static class HostileBodies
{
    /// <summary>Every generated timestamp is near this instant, the enqueued time of every fuzzed batch.</summary>
    public static readonly DateTimeOffset Enqueued = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A body and how it was made (printed with a failing case).</summary>
    public sealed record Body(byte[] Bytes, string Mutation, bool IsPristine)
    {
        public override string ToString()
        {
            string text = Encoding.UTF8.GetString(Bytes);
            return $"[{Mutation}] {(text.Length > 600 ? text[..600] + $"... ({Bytes.Length} bytes)" : text)}";
        }
    }

    private static readonly string[] s_escapes =
    [
        "\\ud800",
        "\\udc00",
        "\\ud83d\\ude00",
        "\\ud800\\ud800",
        "\\u0000",
        "\\n",
        "\\r",
        "\\t",
        "\\\\",
        "\\\"",
        "\\/",
        "\\u00e9",
        "\\u2028",
        "\\uffff",
        "\\ufeff",
        "\\u001f",
        "\\u007f",
        "\\u0085",
        "%2F",
        "/",
        "#",
        "?",
        "\\u0041",
    ];

    private static readonly string[] s_numbers =
    [
        "1e400",
        "-1e400",
        "1e-400",
        "-0",
        "0",
        "-0.0",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775809",
        "1.7976931348623157e308",
        "4.9e-324",
        "1E2",
        "64.0",
        "64.5",
        "0.1e1",
        "100.0000000000000001",
        "1e18",
        "123456789012345678901234567890",
    ];

    private static readonly string[] s_dates =
    [
        "0001-01-01T00:00:00Z",
        "0001-01-01T00:00:00+01:00",
        "9999-12-31T23:59:59.9999999Z",
        "9999-12-31T23:59:59-01:00",
        "1970-01-01T00:00:00Z",
        "1999-12-31T23:59:59Z",
        "2000-01-01T00:00:00Z",
        "2026-02-30T00:00:00Z",
        "2026-11-27T24:00:00Z",
        "2026-11-27T11:59:60Z",
        "2026-11-27T11:00:00+14:00",
        "2026-11-27T11:00:00-14:00",
        "2026-11-27T11:00:00+23:59",
        "2026-11-27T11:00:00.12345678Z",
        "2026-11-27T11:00:00",
        "2026-11-27 11:00:00Z",
        "+02026-11-27T11:00:00Z",
        "2026-11-12T11:59:59Z",
        "2026-11-13T12:00:00Z",
        "2026-11-27T12:05:00Z",
        "2026-11-27T12:05:01Z",
        "2026-10-27T11:00:00Z",
        "٢٠٢٦-11-27T11:00:00Z",
        "2026-11-27T11:00:00.0000001Z",
        "2026-11-27T11:00:00.9999999+08:00",
    ];

    private static readonly JsonNode?[] s_jsonValues =
    [
        null,
        true,
        false,
        0,
        -1,
        1.5,
        "",
        "x",
        new JsonArray(),
        new JsonObject(),
        new JsonArray(1),
        new JsonObject { ["a"] = 1 },
    ];

    private static readonly string[] s_gpuFields = ["schema", "cluster", "node", "ts", "intervalS", "gpus"];
    private static readonly string[] s_gpuItemFields =
    [
        "uuid",
        "index",
        "model",
        "jobId",
        "institution",
        "utilPct",
        "memUsedMiB",
        "memTotalMiB",
        "powerW",
        "tempC",
    ];
    private static readonly string[] s_jobFields =
    [
        "schema",
        "eventId",
        "cluster",
        "jobId",
        "state",
        "ts",
        "institution",
        "account",
        "user",
        "queue",
        "submitTime",
        "startTime",
        "endTime",
        "gpus",
        "gpuModel",
        "cpus",
        "memGiB",
        "exitState",
    ];

    /// <summary>A valid GPU sample within the last hour before <see cref="Enqueued"/>.</summary>
    public static readonly Gen<JsonObject> ValidGpu = Gen.Select(
        Gen.Int[0, 3999],
        Gen.Int[0, 3599],
        Gen.Int[1, 8],
        Gen.Double[0, 100],
        Gen.Bool,
        (node, second, gpus, util, busy) =>
            EventJson.Gpu(
                node: $"gn{node:D4}",
                ts: EventJson.Ts(Enqueued.AddSeconds(-1 - second)),
                gpus: gpus,
                jobId: busy ? $"{100000 + node}" : null,
                institution: busy ? $"inst-{node % 50:D5}" : null,
                utilPct: Math.Round(util, 2),
                intervalS: 10
            )
    );

    /// <summary>A valid job event: a run of up to 3 days ending (or heartbeating) within the last hour.</summary>
    public static readonly Gen<JsonObject> ValidJob = Gen.Select(
        Gen.Int[0, 9999],
        Gen.Int[0, 3599],
        Gen.Int[60, 3 * 86400],
        Gen.Int[0, 2],
        Gen.Int[1, 8],
        (job, second, length, state, gpus) =>
        {
            DateTimeOffset ts = Enqueued.AddSeconds(-1 - second);
            string name = state switch
            {
                0 => "started",
                1 => "running",
                _ => "ended",
            };
            JsonObject e = EventJson.Job(
                jobId: $"{500000 + job}",
                state: name,
                ts: EventJson.Ts(ts),
                start: EventJson.Ts(ts.AddSeconds(-length)),
                gpus: gpus,
                institution: $"inst-{job % 50:D5}"
            );
            e["submitTime"] = EventJson.Ts(ts.AddSeconds(-length - 60));
            return e;
        }
    );

    /// <summary>A body for <paramref name="valid"/>'s stream: pristine about a third of the time, otherwise mutated.</summary>
    public static Gen<Body> For(Gen<JsonObject> valid, bool gpu) =>
        Gen.Frequency(
            (35, valid.Select(v => new Body(EventJson.Bytes(v), "pristine", true))),
            (65, Gen.Select(valid, Mutation(gpu), (v, m) => m(v)))
        );

    private static Gen<Func<JsonObject, Body>> Mutation(bool gpu)
    {
        string[] fields = gpu ? s_gpuFields : s_jobFields;
        return Gen.OneOf(
            // Random bytes, of any length up to 4 KiB.
            Gen.Byte.Array[0, 4096].Select<byte[], Func<JsonObject, Body>>(bytes => _ => new Body(bytes, "random-bytes", false)),
            // Truncated anywhere.
            Gen.Double[0, 1]
                .Select<double, Func<JsonObject, Body>>(at =>
                    v =>
                    {
                        byte[] b = EventJson.Bytes(v);
                        return new Body(b[..(int)(at * b.Length)], "truncated", false);
                    }
                ),
            // An invalid UTF-8 byte (or an overlong or surrogate encoding) spliced in.
            Gen.Select(
                    Gen.Double[0, 1],
                    Gen.OneOf<byte[]>([0x80], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xFF], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82])
                )
                .Select<(double, byte[]), Func<JsonObject, Body>>(t =>
                    v =>
                    {
                        byte[] b = EventJson.Bytes(v);
                        int at = (int)(t.Item1 * b.Length);
                        return new Body([.. b[..at], .. t.Item2, .. b[at..]], "invalid-utf8", false);
                    }
                ),
            // An escape inside a string field's value.
            Gen.Select(Gen.OneOf(fields), Gen.OneOf(s_escapes), Gen.Bool)
                .Select<(string, string, bool), Func<JsonObject, Body>>(t =>
                    v =>
                        WithRaw(
                            v,
                            t.Item1,
                            $"\"{(t.Item3 ? "a" : string.Empty)}{t.Item2}{(t.Item3 ? "b" : string.Empty)}\"",
                            $"escape {t.Item1}={t.Item2}"
                        )
                ),
            // An escape inside a GPU entry's string field (model, uuid, institution...).
            Gen.Select(Gen.OneOf(s_gpuItemFields), Gen.OneOf(s_escapes))
                .Select<(string, string), Func<JsonObject, Body>>(t =>
                    v =>
                        gpu
                            ? WithRawInGpu(v, t.Item1, $"\"H100{t.Item2}\"", $"escape gpus[0].{t.Item1}")
                            : WithRaw(v, "gpuModel", $"\"H100{t.Item2}\"", "escape gpuModel")
                ),
            // An extreme or odd number in any field, top level or in a GPU entry.
            Gen.Select(Gen.OneOf(fields), Gen.OneOf(s_numbers))
                .Select<(string, string), Func<JsonObject, Body>>(t => v => WithRaw(v, t.Item1, t.Item2, $"number {t.Item1}={t.Item2}")),
            Gen.Select(Gen.OneOf(s_gpuItemFields), Gen.OneOf(s_numbers))
                .Select<(string, string), Func<JsonObject, Body>>(t =>
                    v =>
                        gpu
                            ? WithRawInGpu(v, t.Item1, t.Item2, $"number gpus[0].{t.Item1}={t.Item2}")
                            : WithRaw(v, "cpus", t.Item2, $"number cpus={t.Item2}")
                ),
            // Non-finite literals are not JSON at all.
            Gen.Select(Gen.OneOf(fields), Gen.OneOf("NaN", "Infinity", "-Infinity", "+1", "01", ".5", "1."))
                .Select<(string, string), Func<JsonObject, Body>>(t =>
                    v => WithRaw(v, t.Item1, t.Item2, $"non-json-number {t.Item1}={t.Item2}")
                ),
            // An extreme, impossible or badly formatted date in any time field.
            Gen.Select(Gen.OneOf(gpu ? ["ts"] : new[] { "ts", "startTime", "endTime", "submitTime" }), Gen.OneOf(s_dates))
                .Select<(string, string), Func<JsonObject, Body>>(t =>
                    v =>
                    {
                        v[t.Item1] = t.Item2;
                        return new Body(EventJson.Bytes(v), $"date {t.Item1}={t.Item2}", false);
                    }
                ),
            // Huge arrays and strings.
            Gen.Int[65, 3000]
                .Select<int, Func<JsonObject, Body>>(n =>
                    v =>
                    {
                        if (gpu)
                        {
                            v["gpus"] = new JsonArray(Enumerable.Range(0, n).Select(_ => v["gpus"]![0]!.DeepClone()).ToArray());
                        }
                        else
                        {
                            v["account"] = new JsonArray(Enumerable.Range(0, n).Select(i => (JsonNode)i).ToArray());
                        }

                        return new Body(EventJson.Bytes(v), $"huge-array {n}", false);
                    }
                ),
            Gen.OneOf(65, 1000, 100_000, 1_100_000)
                .Select<int, Func<JsonObject, Body>>(n =>
                    v =>
                    {
                        v[gpu ? "node" : "institution"] = new string('a', n);
                        return new Body(EventJson.Bytes(v), $"huge-string {n}", false);
                    }
                ),
            // Deep nesting, inside the limit and far beyond it.
            Gen.Select(Gen.OneOf(fields), Gen.Int[2, 2000])
                .Select<(string, int), Func<JsonObject, Body>>(t =>
                    v => WithRaw(v, t.Item1, new string('[', t.Item2) + new string(']', t.Item2), $"nesting {t.Item1} depth {t.Item2}")
                ),
            // A duplicated key, with the same or another value.
            Gen.Select(Gen.OneOf(fields), Gen.Bool)
                .Select<(string, bool), Func<JsonObject, Body>>(t =>
                    v =>
                    {
                        // Only a key the event holds can be duplicated (exitState is absent from a running job).
                        string key = v.ContainsKey(t.Item1) ? t.Item1 : "schema";
                        string json = v.ToJsonString();
                        string extra = $"\"{key}\":{(t.Item2 ? (v[key]?.ToJsonString() ?? "null") : "\"other\"")},";
                        return new Body(Encoding.UTF8.GetBytes("{" + extra + json[1..]), $"duplicate-key {key}", false);
                    }
                ),
            // Every field replaced by every JSON type, or removed.
            Gen.Select(Gen.OneOf(fields), Gen.Int[0, s_jsonValues.Length])
                .Select<(string, int), Func<JsonObject, Body>>(t =>
                    v =>
                    {
                        if (t.Item2 == s_jsonValues.Length)
                        {
                            v.Remove(t.Item1);
                            return new Body(EventJson.Bytes(v), $"removed {t.Item1}", false);
                        }

                        v[t.Item1] = s_jsonValues[t.Item2]?.DeepClone();
                        return new Body(EventJson.Bytes(v), $"type {t.Item1}={s_jsonValues[t.Item2]?.ToJsonString() ?? "null"}", false);
                    }
                ),
            Gen.Select(Gen.OneOf(s_gpuItemFields), Gen.Int[0, s_jsonValues.Length - 1])
                .Select<(string, int), Func<JsonObject, Body>>(t =>
                    v =>
                    {
                        if (gpu)
                        {
                            v["gpus"]![0]![t.Item1] = s_jsonValues[t.Item2]?.DeepClone();
                        }
                        else
                        {
                            v["gpus"] = s_jsonValues[t.Item2]?.DeepClone();
                        }

                        return new Body(
                            EventJson.Bytes(v),
                            $"type gpus[0].{t.Item1}={s_jsonValues[t.Item2]?.ToJsonString() ?? "null"}",
                            false
                        );
                    }
                ),
            // A root that is not an object, or JSON with trailing content.
            Gen.OneOf(
                    "[]",
                    "null",
                    "1",
                    "\"x\"",
                    "{}",
                    "{\"schema\":\"gpu-telemetry/1\"}",
                    "{\"schema\":\"job-event/1\"}",
                    " ",
                    "{\"a\":1}{\"a\":1}",
                    "{\"a\":1} x"
                )
                .Select<string, Func<JsonObject, Body>>(text => v => new Body(Encoding.UTF8.GetBytes(text), $"root {text}", false)),
            // Trailing newline or control character in an id, and the other stream's schema tag.
            Gen.Select(
                    Gen.OneOf(gpu ? new[] { "cluster", "node" } : new[] { "cluster", "jobId", "institution", "eventId" }),
                    Gen.OneOf("\n", "\r\n", "\t", "\u0000", "\u007f", "\u0085")
                )
                .Select<(string, string), Func<JsonObject, Body>>(t =>
                    v =>
                    {
                        v[t.Item1] = v[t.Item1]!.GetValue<string>() + t.Item2;
                        return new Body(EventJson.Bytes(v), $"control {t.Item1}", false);
                    }
                )
        );
    }

    /// <summary>Sets a top-level field to raw JSON text (which may not be valid JSON) by splicing the serialized object.</summary>
    private static Body WithRaw(JsonObject v, string field, string raw, string mutation)
    {
        v[field] = "\u0001PLACEHOLDER\u0001";
        string json = v.ToJsonString().Replace("\"\\u0001PLACEHOLDER\\u0001\"", raw, StringComparison.Ordinal);
        return new Body(Encoding.UTF8.GetBytes(json), mutation, false);
    }

    private static Body WithRawInGpu(JsonObject v, string field, string raw, string mutation)
    {
        v["gpus"]![0]![field] = "\u0001PLACEHOLDER\u0001";
        string json = v.ToJsonString().Replace("\"\\u0001PLACEHOLDER\\u0001\"", raw, StringComparison.Ordinal);
        return new Body(Encoding.UTF8.GetBytes(json), mutation, false);
    }
}
