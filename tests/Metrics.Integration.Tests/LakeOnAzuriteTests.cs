using DuckDB.NET.Data;
using Metrics.Core.Lake;
using Microsoft.Extensions.Time.Testing;

namespace Metrics.Integration.Tests;

/// <summary>
/// The lake end to end on Azurite: a simulated scenario (resends, late and bad events, silent nodes, crossing the
/// October boundary of Asia/Shanghai) ingested with every GPU event and job event sent twice and some GPU events
/// redelivered by the hub (exact replays), rolled up, compacted;
/// <c>metrics lake pull</c> brings its Parquet, <c>metrics sql</c> counts each distinct sample and event once, and the
/// bill-in-SQL query of docs/lake.md finds every line of the usage CSV (billed, active and observed GPU-hours, 0.001 h).
/// DuckDB, a reader independent of the writer, reads the files' statistics.
/// </summary>
public sealed class LakeOnAzuriteTests : IDisposable
{
    private readonly AzuriteStore _azurite = new();

    private readonly string _dir = Directory.CreateTempSubdirectory("metrics-lake-").FullName;

    // Every event is received an hour after the scenario ends: job events land in hour 2026-10-01T01.
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 10, 1, 1, 30, 0, TimeSpan.Zero));

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private Task<string> RunAsync(params string[] args) => _azurite.RunOkAsync(_time, args);

    private string Lake => Path.Combine(_dir, "lake");

    /// <summary>The query under "The bill in SQL" in docs/lake.md, as the reader copies it.</summary>
    private static string BillSql()
    {
        string doc = File.ReadAllText(RepoPaths.Combine("docs", "lake.md"));
        int marker = doc.IndexOf("<!-- the bill in SQL", StringComparison.Ordinal);
        int start = doc.IndexOf("```sql\n", marker, StringComparison.Ordinal) + "```sql\n".Length;
        return doc[start..doc.IndexOf("```", start, StringComparison.Ordinal)];
    }

    private static Dictionary<(string Month, string Institution, string Model), decimal[]> Lines(string csv, params string[] columns) =>
        CsvRows
            .Parse(csv)
            .Where(r => !r.TryGetValue("line_type", out string? type) || type == "usage")
            .ToDictionary(
                r => (r["month"], r["institution"], r["gpu_model"]),
                r => columns.Select(c => decimal.Parse(r[c], NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray()
            );

    /// <summary>The scenario ingested twice, rolled up, compacted and pulled into <see cref="Lake"/>; the compaction's line.</summary>
    private async Task<string> PullScenarioAsync()
    {
        string[] simulate =
        [
            .. (
                "simulate --institutions 40 --nodes 8 --gpus-per-node 8 --start 2026-09-30T12:00:00Z --hours 8 --interval-s 60 "
                + "--seed 7 --dup-rate 0.05 --late-rate 0.05 --bad-rate 0.01 --silent-rate 0.1"
            ).Split(' '),
            "--out",
            _dir,
        ];
        await RunAsync(simulate);
        foreach (string stream in new[] { "jobs", "gpu", "jobs", "gpu" })
        {
            // Sent twice: the second time with new sequence numbers, as a producer's resend is.
            await RunAsync("ingest", "--stream", stream, "--file", Path.Combine(_dir, $"{stream}.jsonl"), "--partitions", "4");
        }

        // And a hub redelivering a partition's events with other batch bounds: 100 exact replays (same sequence numbers).
        IngestPipeline hub = IngestStorage.CreatePipeline(_azurite.Clients, new IngestLimits(), _time);
        RawEvent[] redelivered = File.ReadLines(Path.Combine(_dir, "gpu.jsonl"))
            .Take(300)
            .Select((line, i) => new RawEvent(Encoding.UTF8.GetBytes(line), 1_000_000 + i, _time.GetUtcNow()))
            .ToArray();
        await hub.IngestAsync(new EventBatch(TelemetryStream.Gpu, "9", redelivered[..200]), CancellationToken.None);
        await hub.IngestAsync(new EventBatch(TelemetryStream.Gpu, "9", redelivered[100..]), CancellationToken.None);

        await RunAsync("rollup");
        _time.SetUtcNow(new DateTimeOffset(2026, 10, 1, 3, 0, 0, TimeSpan.Zero));
        string compacted = await RunAsync("compact", "--from", "2026-09-30T11", "--to", "2026-10-01T01", "--grace-minutes", "0");
        Assert.Contains(" failed=0 ", compacted, StringComparison.Ordinal);
        Assert.NotEqual("0", Field(compacted, "replays_dropped"));
        string pulled = await RunAsync("lake", "pull", "--from", "2026-09-30T00", "--to", "2026-10-01T01", "--out", Lake);
        Assert.Contains("usage_files=2 ", pulled, StringComparison.Ordinal);
        return compacted;
    }

    [Fact]
    public async Task ScenarioLake_CountsEachSampleOnce_AndTheBillInSqlIsTheUsageCsv()
    {
        string compacted = await PullScenarioAsync();

        // Each distinct sample and event once, though every one was landed at least twice.
        string counts = await RunAsync(
            "sql",
            "SELECT (SELECT count(*) FROM gpu) AS samples, (SELECT count(DISTINCT (gpu_uuid, ts)) FROM gpu) AS distinct_samples, "
                + "(SELECT count(*) FROM jobs) AS events, (SELECT count(DISTINCT event_id) FROM jobs) AS distinct_events",
            "--lake",
            Lake,
            "--format",
            "csv"
        );
        Dictionary<string, string> count = Assert.Single(CsvRows.Parse(counts));
        Assert.Equal(count["distinct_samples"], count["samples"]);
        Assert.Equal(count["distinct_events"], count["events"]);
        long landedRows = long.Parse(Field(compacted, "rows_out"), CultureInfo.InvariantCulture);
        Assert.True(2 * long.Parse(count["samples"], CultureInfo.InvariantCulture) <= landedRows, $"{counts} of {compacted}");

        // The bill, recomputed in SQL from the lake alone, is the usage CSV's, line by line.
        Dictionary<(string, string, string), decimal[]> sql = Lines(
            await RunAsync("sql", BillSql(), "--lake", Lake, "--format", "csv"),
            "gpu_hours",
            "active_gpu_hours",
            "observed_gpu_hours"
        );
        var csv = new Dictionary<(string, string, string), decimal[]>();
        foreach (string month in new[] { "2026-09", "2026-10" })
        {
            foreach (var line in Lines(await RunAsync("usage", "--month", month), "gpu_hours", "active_gpu_hours", "observed_gpu_hours"))
            {
                csv.Add(line.Key, line.Value);
            }
        }

        Assert.True(
            csv.Count > 20 && csv.Keys.Any(k => k.Item1 == "2026-10") && csv.Keys.Any(k => k.Item1 == "2026-09"),
            $"{csv.Count} lines"
        );
        foreach ((string, string, string) key in csv.Keys.Union(sql.Keys))
        {
            decimal[] want = csv.GetValueOrDefault(key, [0m, 0m, 0m]);
            decimal[] got = sql.GetValueOrDefault(key, [0m, 0m, 0m]);
            for (int i = 0; i < 3; i++)
            {
                Assert.True(Math.Abs(want[i] - got[i]) <= 0.001m, $"{key} column {i}: usage CSV {want[i]}, SQL {got[i]}");
            }
        }
    }

    [Fact]
    public async Task LakeFiles_ReadByDuckDb_HaveZstdRowGroupsWithMinMaxStatistics()
    {
        await PullScenarioAsync();
        string file = Directory.EnumerateFiles(Path.Combine(Lake, "gpu"), "*.parquet", SearchOption.AllDirectories).Order().First();
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText =
            "SELECT path_in_schema, compression, stats_min_value, stats_max_value, num_values FROM parquet_metadata($file) "
            + "WHERE path_in_schema IN ('ts', 'gpu_uuid', 'util_pct')";
        command.Parameters.Add(new DuckDBParameter("file", file));
        var stats = new List<(string Column, string Compression, string Min, string Max)>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                stats.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
            }
        }

        Assert.Equal(3, stats.Count);
        Assert.All(stats, s => Assert.Equal("ZSTD", s.Compression));
        Assert.All(stats, s => Assert.False(string.IsNullOrEmpty(s.Min) || string.IsNullOrEmpty(s.Max), $"{s.Column} has no min/max"));
        // The hour's statistics say the hour (microsecond UTC instants, not a unit off), and a filter on them agrees.
        Assert.StartsWith("2026-09-30 ", stats.Single(s => s.Column == "ts").Min, StringComparison.Ordinal);
        command.Parameters.Clear();
        command.CommandText =
            "SELECT min(ts) = $min::TIMESTAMPTZ, count(*) FILTER (WHERE ts >= $min::TIMESTAMPTZ) = count(*) FROM read_parquet($file)";
        command.Parameters.Add(new DuckDBParameter("min", stats.Single(s => s.Column == "ts").Min));
        command.Parameters.Add(new DuckDBParameter("file", file));
        using (var reader = command.ExecuteReader())
        {
            Assert.True(reader.Read());
            Assert.True(reader.GetBoolean(0) && reader.GetBoolean(1));
        }
    }

    private static string Field(string line, string name) =>
        line.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Single(f => f.StartsWith(name + "=", StringComparison.Ordinal))[(name.Length + 1)..]
            .Trim();
}
