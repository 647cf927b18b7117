using System.Text.RegularExpressions;

namespace Metrics.Integration.Tests;

/// <summary><c>metrics ingest</c> and <c>metrics inspect</c> run in-process against Azurite, as a user would run them.</summary>
public sealed partial class CliTests : IDisposable
{
    private readonly AzuriteStore _azurite = new();

    private readonly string _dir = Directory.CreateTempSubdirectory("metrics-cli-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero));

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private Task<(int Exit, string Out, string Error)> RunAsync(string[] args, string? storage = null) =>
        _azurite.RunAsync(_time, storage, args);

    private static Dictionary<string, long> Summary(string output)
    {
        string line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        return SummaryPair()
            .Matches(line)
            .Where(m => long.TryParse(m.Groups[2].Value, out _))
            .ToDictionary(m => m.Groups[1].Value, m => long.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"(\w+)=(\S+)")]
    private static partial Regex SummaryPair();

    private string WriteGpuFile(int valid, int invalid, int gpusPerEvent)
    {
        string path = Path.Combine(_dir, "gpu.jsonl");
        var lines = new List<string>();
        for (int i = 0; i < valid; i++)
        {
            lines.Add(
                EventJson.Gpu(node: $"gn{i % 97:D4}", ts: $"2026-11-27T09:{i / 60 % 60:D2}:{i % 60:D2}Z", gpus: gpusPerEvent).ToJsonString()
            );
            if (
                i % (valid / Math.Max(invalid, 1)) == 0
                && lines.Count(l => l.Contains("\"invalid-marker\"", StringComparison.Ordinal)) < invalid
            )
            {
                JsonObject bad = EventJson.Gpu(node: $"gn{i % 97:D4}", gpus: 1);
                bad["gpus"]![0]!["memUsedMiB"] = "61234";
                bad["note"] = "invalid-marker";
                lines.Add(bad.ToJsonString());
            }
        }

        File.WriteAllText(path, string.Join('\n', lines) + "\n");
        return path;
    }

    [Fact]
    public async Task Ingest_FileWithInvalidEvents_SummarisesAndDeadLettersExactlyThose()
    {
        string file = WriteGpuFile(valid: 400, invalid: 10, gpusPerEvent: 2);
        Dictionary<string, string> deadBefore = await _azurite.ListAsync("deadletter", "gpu/");
        Dictionary<string, string> landedBefore = await _azurite.ListAsync("telemetry", "gpu/v1/");

        (int exit, string output, string error) = await RunAsync([
            .. "ingest --stream gpu --file".Split(' '),
            file,
            .. "--partitions 4 --batch-size 50".Split(' '),
        ]);

        Assert.True(exit == 0, error);
        Dictionary<string, long> summary = Summary(output);
        Assert.Equal(410, summary["events"]);
        Assert.Equal(800, summary["landed_rows"]);
        Assert.Equal(10, summary["deadlettered"]);
        Assert.Contains("dead-lettered 10 event(s): wrong-type", error, StringComparison.Ordinal);

        Dictionary<string, string> deadAfter = await _azurite.ListAsync("deadletter", "gpu/");
        Dictionary<string, string> landedAfter = await _azurite.ListAsync("telemetry", "gpu/v1/");
        var newDead = deadAfter.Keys.Except(deadBefore.Keys).ToArray();
        var newLanded = landedAfter.Keys.Except(landedBefore.Keys).ToArray();
        Assert.Equal(summary["files"], newDead.Length + newLanded.Length);

        var lines = new List<JsonElement>();
        foreach (string name in newDead)
        {
            foreach (
                string line in (await _azurite.DownloadAsync("deadletter", name))
                    .ToString()
                    .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            )
            {
                lines.Add(JsonDocument.Parse(line).RootElement);
            }
        }

        Assert.Equal(10, lines.Count);
        Assert.All(lines, l => Assert.Equal("wrong-type", l.GetProperty("reason").GetString()));
        Assert.All(lines, l => Assert.Contains("invalid-marker", l.GetProperty("body").GetString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ingest_WithAllowedClusters_DeadLettersAnotherClustersJobEvent_AsUnknownCluster_AndLandsTheRest()
    {
        string path = Path.Combine(_dir, "jobs.jsonl");
        await File.WriteAllLinesAsync(
            path,
            [
                EventJson.Job("1", "running", "2026-11-27T09:30:00Z", cluster: "hefei-aicc-1").ToJsonString(),
                EventJson.Job("2", "running", "2026-11-27T09:30:00Z", cluster: "elsewhere").ToJsonString(),
                EventJson.Job("3", "running", "2026-11-27T09:30:00Z", cluster: "hefei-aicc-1").ToJsonString(),
            ]
        );
        var environment = new Dictionary<string, string> { ["AllowedClusters"] = "hefei-aicc-1" };

        (int exit, string output, _) = await _azurite.RunWithEnvironmentAsync(
            _time,
            environment,
            ["ingest", "--stream", "jobs", "--file", path, "--partitions", "1"]
        );
        (_, string status, _) = await _azurite.RunAsync(_time, null, "status");

        Assert.Equal(0, exit);
        Dictionary<string, long> summary = Summary(output);
        Assert.Equal((3L, 2L, 1L), (summary["events"], summary["landed_events"], summary["deadlettered"]));
        Assert.Contains("dead letters (24 h): jobs=1: unknown-cluster=1", status, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingest_LinesOfEveryShape_EachNonBlankLineIsOneEvent()
    {
        // CRLF and LF endings, blank and whitespace-only lines, a 1.5 MiB line (longer than the reader's 1 MiB buffer,
        // refused as too large but dead-lettered whole), and a last line without a newline.
        string valid(int i) => EventJson.Gpu(node: $"gn{i:D4}", ts: $"2026-11-27T09:00:{i:D2}Z", gpus: 1).ToJsonString();
        string huge = "{\"schema\":\"gpu-telemetry/1\",\"pad\":\"" + new string('x', 1_572_864) + "\"}";
        string path = Path.Combine(_dir, "shapes.jsonl");
        File.WriteAllText(path, $"{valid(1)}\r\n\r\n  \t\n{valid(2)}\n\n{huge}\n{valid(3)}\r\n{valid(4)}");

        (int exit, string output, string error) = await RunAsync(["ingest", "--stream", "gpu", "--file", path, "--partitions", "1"]);

        Assert.True(exit == 0, error);
        Dictionary<string, long> summary = Summary(output);
        Assert.Equal((5, 4, 1), (summary["events"], summary["landed_rows"], summary["deadlettered"]));
        Assert.Contains("dead-lettered 1 event(s): body-too-large", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingest_SameFileTwice_LandsNewSequenceNumbersWithoutTouchingTheFirstRun()
    {
        string file = WriteGpuFile(valid: 120, invalid: 3, gpusPerEvent: 1);
        Dictionary<string, string> before = await _azurite.ListAsync("telemetry", "gpu/v1/");

        (int exit1, string out1, _) = await RunAsync(["ingest", "--stream", "gpu", "--file", file]);
        Dictionary<string, string> afterFirst = await _azurite.ListAsync("telemetry", "gpu/v1/");
        (int exit2, string out2, _) = await RunAsync(["ingest", "--stream", "gpu", "--file", file]);
        Dictionary<string, string> afterSecond = await _azurite.ListAsync("telemetry", "gpu/v1/");

        Assert.Equal((0, 0), (exit1, exit2));
        Assert.Equal(Summary(out1)["landed_rows"], Summary(out2)["landed_rows"]);
        var firstRun = afterFirst.Where(b => !before.ContainsKey(b.Key)).ToDictionary();
        var secondRun = afterSecond.Where(b => !afterFirst.ContainsKey(b.Key)).ToDictionary();
        Assert.NotEmpty(firstRun);
        Assert.Equal(firstRun.Count, secondRun.Count);
        Assert.All(firstRun, b => Assert.Equal(b.Value, afterSecond[b.Key]));
    }

    [Fact]
    public async Task Ingest_TwoRunsOfManyBatches_NumberEachPartitionWithoutGaps()
    {
        // 23 events in batches of 5 on one partition: reserved 5, then 10, then 20 numbers, of which 12 go back unused,
        // so the second run numbers on from the first's last event.
        string file = WriteGpuFile(valid: 23, invalid: 0, gpusPerEvent: 1);
        var runs = new List<long[]>();
        for (int run = 0; run < 2; run++)
        {
            Dictionary<string, string> before = await _azurite.ListAsync("telemetry", "gpu/v1/");
            (int exit, _, string error) = await RunAsync([
                .. "ingest --stream gpu --file".Split(' '),
                file,
                .. "--partitions 1 --batch-size 5".Split(' '),
            ]);
            Assert.True(exit == 0, error);
            runs.Add(
                (await _azurite.ListAsync("telemetry", "gpu/v1/"))
                    .Keys.Except(before.Keys)
                    .Select(path => LandedSequences().Match(path))
                    .SelectMany(m =>
                        new[]
                        {
                            long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture),
                            long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture),
                        }
                    )
                    .Order()
                    .ToArray()
            );
        }

        // Each file names its first and last sequence number: five batches, ranges back to back.
        foreach (long[] bounds in runs)
        {
            Assert.Equal(10, bounds.Length);
            Assert.Equal(22, bounds[^1] - bounds[0]);
            Assert.All(Enumerable.Range(0, 4), i => Assert.Equal(bounds[(2 * i) + 1] + 1, bounds[(2 * i) + 2]));
        }

        Assert.Equal(runs[0][^1] + 1, runs[1][0]);
    }

    [GeneratedRegex(@"/p0-(\d+)-(\d+)\.arrow$")]
    private static partial Regex LandedSequences();

    [Fact]
    public async Task Inspect_LandedBlob_ShowsTheContractColumnsAndRowCount()
    {
        string file = WriteGpuFile(valid: 10, invalid: 0, gpusPerEvent: 8);
        Dictionary<string, string> before = await _azurite.ListAsync("telemetry", "gpu/v1/");
        (int exit, _, _) = await RunAsync(["ingest", "--stream", "gpu", "--file", file, "--partitions", "1"]);
        Assert.Equal(0, exit);
        string blob = Assert.Single((await _azurite.ListAsync("telemetry", "gpu/v1/")).Keys.Except(before.Keys));

        (int inspectExit, string output, string error) = await RunAsync(["inspect", $"telemetry/{blob}", "--rows", "3"]);

        Assert.True(inspectExit == 0, error);
        foreach (
            string column in new[]
            {
                "ts",
                "cluster",
                "node",
                "gpu_uuid",
                "gpu_index",
                "gpu_model",
                "institution",
                "job_id",
                "util_pct",
                "mem_used_mib",
                "mem_total_mib",
                "power_w",
                "temp_c",
                "interval_s",
                "eh_partition",
                "eh_sequence",
                "eh_enqueued",
            }
        )
        {
            Assert.Matches($"(?m)^  {column}: ", output);
        }

        Assert.Contains("rows: 80", output, StringComparison.Ordinal);
        Assert.Contains("min_ts: 2026-11-27T09:00:00Z", output, StringComparison.Ordinal);
        Assert.Contains("max_ts: 2026-11-27T09:00:09Z", output, StringComparison.Ordinal);
        Assert.Contains("row_count: 80", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compact_ClosedHour_WritesOneFileThatInspectReads_AndSaysWhatItDid()
    {
        DateTimeOffset hour = new(2024, 6, 3, 9, 0, 0, TimeSpan.Zero);
        var time = new FakeTimeProvider(hour.AddHours(3));
        string file = Path.Combine(_dir, "hour.jsonl");
        File.WriteAllLines(
            file,
            Enumerable
                .Range(0, 40)
                .Select(i => EventJson.Gpu(node: $"cn{i % 4}", ts: EventJson.Ts(hour.AddMinutes(i)), gpus: 2).ToJsonString())
        );
        await _azurite.RunOkAsync(time, "ingest", "--stream", "gpu", "--file", file, "--partitions", "2", "--batch-size", "5");
        string hourArg = hour.ToString("yyyy-MM-dd'T'HH", System.Globalization.CultureInfo.InvariantCulture);

        Dictionary<string, long> done = Summary(await _azurite.RunOkAsync(time, "compact", "--from", hourArg, "--to", hourArg));

        Assert.Equal((1, 8, 80, 80, 0), (done["stream_hours"], done["sources"], done["rows_in"], done["rows_out"], done["failed"]));
        string compacted = LandingPaths.CompactedFile(Metrics.Contract.TelemetryStream.Gpu, hour, 1);
        Assert.Equal(
            [compacted, LandingPaths.CompactionManifestFile(Metrics.Contract.TelemetryStream.Gpu, hour, 1)],
            (await _azurite.ListAsync("telemetry", LandingPaths.HourPrefix(Metrics.Contract.TelemetryStream.Gpu, hour))).Keys.Order(
                StringComparer.Ordinal
            )
        );
        string inspected = await _azurite.RunOkAsync(time, "inspect", $"telemetry/{compacted}");
        Assert.Contains("rows: 80", inspected, StringComparison.Ordinal);
        Assert.Contains("row_count: 80", inspected, StringComparison.Ordinal);

        string folder = await _azurite.RunOkAsync(
            time,
            "inspect",
            $"telemetry/{LandingPaths.HourPrefix(Metrics.Contract.TelemetryStream.Gpu, hour)}"
        );
        Assert.Contains(
            "readers see: compaction generation 1 (80 rows) and 0 landed file(s) not yet compacted; 0 file(s) replaced",
            folder,
            StringComparison.Ordinal
        );
    }

    [Fact]
    public async Task Demo_BillsTheSimulatedMonthsExactly_BeforeAndAfterCompaction()
    {
        // The README's first command, smaller, on a store of its own, with the sample rates in force (from 2026).
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 7, 20, 12, 0, 0, TimeSpan.Zero));

        string output = await _azurite.RunOkAsync(time, "demo", "--institutions", "30", "--nodes", "6", "--hours", "4", "--seed", "7");

        Match check = Regex.Match(output, @"check: billed GPU-hours equal the simulator's truth \(within 0.001 h\) for (\d+) of (\d+) ");
        Assert.True(check.Success, output);
        Assert.Equal(check.Groups[2].Value, check.Groups[1].Value);
        Assert.True(int.Parse(check.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) >= 10, output);
        Match again = Regex.Match(
            output,
            @"compacted: (\d+) closed stream-hours, .*; (\d+) not due yet; billed again from them: (\d+) of (\d+) lines"
        );
        Assert.True(again.Success, output);
        // The GPU hours (4 to 5 of them) are closed; the job events, filed under the hour they arrived in (the demo's
        // clock), wait for that hour to close.
        Assert.True(int.Parse(again.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 4, output);
        Assert.True(int.Parse(again.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) >= 1, output);
        Assert.Equal((again.Groups[4].Value, again.Groups[4].Value), (again.Groups[3].Value, check.Groups[2].Value));
        Assert.Contains("finance: top institutions by amount", output, StringComparison.Ordinal);

        // Month end: the first month closed with the voucher's credit frozen in it, the late job (8 GPUs x 2 h) booked in
        // the next month as an adjustment of the closed one, which the voucher pays towards too.
        Match closed = Regex.Match(
            output,
            @"closed: (\d{4}-\d{2}) closed: statement ST-\1-[0-9A-F]{8}, csv sha256 [0-9a-f]{64}; voucher (\S+) "
        );
        Assert.True(closed.Success, output);
        string month = closed.Groups[1].Value;
        Assert.Matches($@"{month} \(closed\) +│ credit +│", output);
        Assert.Matches($@"│ adjustment of {month} +│ inst-\d+ +│ \S+ +│ 1 +│ 16\.0000 ", output);
        Assert.Equal(2, Regex.Matches(output, @"│ credit +│").Count);

        // The open month's biggest user, granted GPU-hours between what it used and its forecast: at risk, its forecast
        // event on the queue.
        Match allocation = Regex.Match(
            output,
            @"allocation: (\S+) grants (inst-\d+) (\d+) GPU-hours .* used ([\d.]+) \(([\d.]+) %\), forecast ([\d.]+) .*: at-risk; "
                + @"queued on allocation-events: 100 % forecast"
        );
        Assert.True(allocation.Success, output);
        decimal amount = decimal.Parse(allocation.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture),
            used = decimal.Parse(allocation.Groups[4].Value, System.Globalization.CultureInfo.InvariantCulture),
            forecast = decimal.Parse(allocation.Groups[6].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(used < amount && amount <= forecast, output);
        Assert.Contains($"with its allocation's burn-down", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingest_StorageUnreachable_ExitsOneWithAOneLineMessageAndNoStackTrace()
    {
        string file = WriteGpuFile(valid: 2, invalid: 0, gpusPerEvent: 1);
        const string nowhere =
            "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
            + "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
            + "BlobEndpoint=http://127.0.0.1:9/devstoreaccount1;TableEndpoint=http://127.0.0.1:9/devstoreaccount1;";

        (int exit, _, string error) = await RunAsync(["ingest", "--stream", "gpu", "--file", file], storage: nowhere);

        Assert.Equal(1, exit);
        string line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("storage unreachable", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeadLetters_Export_GivesBackTheRejectedBodiesByteForByte()
    {
        string file = Path.Combine(_dir, "mixed.jsonl");
        byte[] notUtf8 = [0xFF, 0xFE, (byte)'{', (byte)'x'];
        JsonObject quoted = EventJson.Gpu(node: "gn7777", ts: "2026-11-25T09:00:00Z", gpus: 1);
        quoted["gpus"]![0]!["utilPct"] = "87";
        using (var stream = File.Create(file))
        {
            stream.Write(EventJson.Bytes(EventJson.Gpu(node: "gn7776", ts: "2026-11-25T09:00:00Z", gpus: 1)));
            stream.WriteByte((byte)'\n');
            stream.Write(EventJson.Bytes(quoted));
            stream.WriteByte((byte)'\n');
            stream.Write(notUtf8);
            stream.WriteByte((byte)'\n');
        }

        // Counted before and after: the count is of this store's dead letters that day, and must grow by exactly these.
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
        string before = Path.Combine(_dir, "before.jsonl"),
            exported = Path.Combine(_dir, "rejected.jsonl");
        Assert.Equal(
            0,
            (await _azurite.RunAsync(time, null, "deadletters", "--stream", "gpu", "--date", "2026-11-25", "--out", before)).Exit
        );
        Assert.Equal(0, (await _azurite.RunAsync(time, null, "ingest", "--stream", "gpu", "--file", file)).Exit);

        (int exit, _, string error) = await _azurite.RunAsync(
            time,
            null,
            [.. "deadletters --stream gpu --date 2026-11-25 --out".Split(' '), exported]
        );

        Assert.Equal(0, exit);
        Assert.Contains("exported=", error, StringComparison.Ordinal);
        byte[][] lines = Split(File.ReadAllBytes(exported));
        Assert.Equal(Split(File.ReadAllBytes(before)).Length + 2, lines.Length);
        Assert.Contains(lines, l => l.AsSpan().SequenceEqual(notUtf8));
        Assert.Contains(lines, l => l.AsSpan().SequenceEqual(EventJson.Bytes(quoted)));
    }

    private static byte[][] Split(byte[] content)
    {
        var lines = new List<byte[]>();
        int start = 0;
        for (int i = 0; i < content.Length; i++)
        {
            if (content[i] == (byte)'\n')
            {
                lines.Add(content[start..i]);
                start = i + 1;
            }
        }

        return [.. lines];
    }

    [Fact]
    public async Task Inspect_MissingBlob_ExitsOne()
    {
        (int exit, _, string error) = await RunAsync(["inspect", "telemetry/gpu/v1/date=1999-01-01/none.arrow"]);

        Assert.Equal(1, exit);
        Assert.Contains("no such file or blob", error, StringComparison.Ordinal);
    }
}
