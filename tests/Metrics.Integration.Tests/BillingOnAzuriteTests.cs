namespace Metrics.Integration.Tests;

/// <summary>
/// Ingest, rollup and finance's usage pull, end to end on Azurite through the CLI, across the Asia/Shanghai month
/// boundary (2026-12-01 00:00 local = 2026-11-30 16:00 UTC). Every expected figure is worked out by hand below.
/// </summary>
public sealed class BillingOnAzuriteTests : IDisposable
{
    private readonly AzuriteStore _azurite = new();

    private readonly string _dir = Directory.CreateTempSubdirectory("metrics-billing-").FullName;
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.Zero));

    private string Institution => $"inst-{_run}";

    private string Cluster => $"it-{_run}";

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private Task<string> RunAsync(params string[] args) => _azurite.RunOkAsync(_time, args);

    private string Job(string jobId, string state, string ts, double gpus, int cpus, string start, string model, string? end = null) =>
        EventJson.Job(jobId, state, ts, gpus, Institution, Cluster, start, end, model, cpus).ToJsonString();

    private string Sample(string ts)
    {
        JsonObject e = EventJson.Gpu(node: $"n-{_run}", ts: ts, gpus: 8, jobId: "A", institution: Institution, utilPct: 50, intervalS: 60);
        e["cluster"] = Cluster;
        foreach (JsonNode? gpu in e["gpus"]!.AsArray())
        {
            gpu!["model"] = "H100-SXM5-80GB";
        }

        return e.ToJsonString();
    }

    private string Write(string name, params string[] lines)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, string.Join('\n', lines) + "\n");
        return path;
    }

    private Task<string> UsageAsync(string month) => RunAsync("usage", "--month", month, "--institution", Institution);

    private (string Jobs, string Gpu) Files()
    {
        const string h100 = "H100-SXM5-80GB",
            a100 = "A100-SXM4-40GB";
        string jobs = Write(
            "jobs.jsonl",
            // Job A: 8 GPUs, 16 CPUs from 14:00Z; last heartbeat 17:00Z, no end yet.
            Job("A", "started", "2026-11-30T14:00:00Z", 8, 16, "2026-11-30T14:00:00Z", h100),
            Job("A", "running", "2026-11-30T15:00:00Z", 8, 16, "2026-11-30T14:00:00Z", h100),
            Job("A", "running", "2026-11-30T17:00:00Z", 8, 16, "2026-11-30T14:00:00Z", h100),
            // Job B: half a GPU (MIG), 4 CPUs, 15:30Z-16:30Z: half in November, half in December (Shanghai).
            Job("B", "started", "2026-11-30T15:30:00Z", 0.5, 4, "2026-11-30T15:30:00Z", a100),
            Job("B", "ended", "2026-11-30T16:30:00Z", 0.5, 4, "2026-11-30T15:30:00Z", a100, end: "2026-11-30T16:30:00Z")
        );
        string gpu = Write(
            "gpu.jsonl",
            // [15:58:30, 15:59:30): all November. Sent twice: a resend, to be counted once.
            Sample("2026-11-30T15:59:30Z"),
            Sample("2026-11-30T15:59:30Z"),
            // [15:59:30, 16:00:30): 30 s in November, 30 s in December.
            Sample("2026-11-30T16:00:30Z")
        );
        return (jobs, gpu);
    }

    /// <summary>The sample rates, then both streams' files through <c>metrics ingest</c>, then <c>metrics rollup</c>.</summary>
    private async Task<(string Jobs, string Gpu)> ImportIngestAndRollUpAsync()
    {
        (string jobs, string gpu) = Files();
        await RunAsync("rates", "import", RepoPaths.Combine("tools", "samples", "rates.json"));
        await RunAsync("ingest", "--stream", "jobs", "--file", jobs);
        await RunAsync("ingest", "--stream", "gpu", "--file", gpu);
        await RunAsync("rollup");
        return (jobs, gpu);
    }

    [Fact]
    public async Task Rollup_AcrossTheMonthBoundary_MatchesHandComputedFiguresAndOnlyTheLateEndChangesThem()
    {
        (string jobs, string gpu) = await ImportIngestAndRollUpAsync();

        // November (rates: H100 28.50, A100 12.80, CPU 0.12):
        //   A100: 0.5 GPU x 0.5 h = 0.25 GPU-h; 4 CPU x 0.5 h = 2 core-h; 0.25 x 12.80 + 2 x 0.12 = 3.44
        //   H100: 8 x 2 h (14:00-16:00) = 16 GPU-h; 16 x 2 = 32 core-h; 456 + 3.84 = 459.84
        //         observed 8 GPUs x (60 + 30) s = 0.2 h; active at 50 % = 0.1 h
        string november = await UsageAsync("2026-11");
        Assert.Equal(
            UsageHeader
                + $"2026-11,{Institution},A100-SXM4-40GB,1,0.2500,0.0000,0.0000,,2.0000,12.80,3.44,CNY,usage,\r\n"
                + $"2026-11,{Institution},H100-SXM5-80GB,1,16.0000,0.1000,0.2000,50.00,32.0000,28.50,459.84,CNY,usage,\r\n",
            november
        );

        // December (H100 rate drops to 26.00 on 2026-12-01):
        //   A100: 0.25 GPU-h, 2 core-h, 3.44
        //   H100: 8 x 1 h (16:00 to the 17:00 heartbeat) = 8 GPU-h; 16 core-h; 208 + 1.92 = 209.92
        //         observed 8 x 30 s = 0.0667 h; active 0.0333 h
        string december = await UsageAsync("2026-12");
        Assert.Equal(
            UsageHeader
                + $"2026-12,{Institution},A100-SXM4-40GB,1,0.2500,0.0000,0.0000,,2.0000,12.80,3.44,CNY,usage,\r\n"
                + $"2026-12,{Institution},H100-SXM5-80GB,1,8.0000,0.0333,0.0667,50.00,16.0000,26.00,209.92,CNY,usage,\r\n",
            december
        );

        // The producers resend both files (new sequence numbers), and job A's end event arrives late: 18:30Z.
        await RunAsync("ingest", "--stream", "jobs", "--file", jobs);
        await RunAsync("ingest", "--stream", "gpu", "--file", gpu);
        await RunAsync(
            "ingest",
            "--stream",
            "jobs",
            "--file",
            Write(
                "late.jsonl",
                Job("A", "ended", "2026-11-30T18:30:00Z", 8, 16, "2026-11-30T14:00:00Z", "H100-SXM5-80GB", end: "2026-11-30T18:30:00Z")
            )
        );
        await RunAsync("rollup");

        // Only job A's December figures move: 8 x 2.5 h = 20 GPU-h, 40 core-h, 520 + 4.80 = 524.80.
        Assert.Equal(november, await UsageAsync("2026-11"));
        Assert.Equal(
            december.Replace(
                "H100-SXM5-80GB,1,8.0000,0.0333,0.0667,50.00,16.0000,26.00,209.92",
                "H100-SXM5-80GB,1,20.0000,0.0333,0.0667,50.00,40.0000,26.00,524.80",
                StringComparison.Ordinal
            ),
            await UsageAsync("2026-12")
        );
    }

    [Fact]
    public async Task Rollup_TwiceInARowOrTwoAtOnce_GivesByteIdenticalCsv()
    {
        await ImportIngestAndRollUpAsync();
        string first = await UsageAsync("2026-12") + await UsageAsync("2026-11");

        await RunAsync("rollup");
        string again = await UsageAsync("2026-12") + await UsageAsync("2026-11");

        // Force both rollups to recompute the whole window at the same time; the lock serialises them.
        await Task.WhenAll(
            RunAsync("rollup", "--from", "2026-11-30T13", "--to", "2026-11-30T19"),
            RunAsync("rollup", "--from", "2026-11-30T13", "--to", "2026-11-30T19")
        );
        string concurrent = await UsageAsync("2026-12") + await UsageAsync("2026-11");

        Assert.Equal(first, again);
        Assert.Equal(first, concurrent);
        Assert.Contains("H100-SXM5-80GB,1,8.0000", first, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Usage_JsonForTheSameMonth_CarriesTheSameFigures()
    {
        (string jobs, _) = Files();
        await RunAsync("rates", "import", RepoPaths.Combine("tools", "samples", "rates.json"));
        await RunAsync("ingest", "--stream", "jobs", "--file", jobs);
        await RunAsync("rollup");

        JsonNode json = JsonNode.Parse(await RunAsync("usage", "--month", "2026-11", "--institution", Institution, "--format", "json"))!;

        JsonArray lines = json["lines"]!.AsArray();
        Assert.Equal(2, lines.Count);
        Assert.Equal("A100-SXM4-40GB", (string?)lines[0]!["gpu_model"]);
        Assert.Equal(3.44m, (decimal)lines[0]!["amount"]!);
        Assert.True((bool)lines[1]!["priced"]!);
        Assert.Equal(16m, (decimal)lines[1]!["gpu_hours"]!);
    }

    private const string UsageHeader =
        "month,institution,gpu_model,jobs,gpu_hours,active_gpu_hours,observed_gpu_hours,avg_gpu_util_pct,cpu_core_hours,gpu_rate,amount,"
        + "currency,line_type,adjusts_month\r\n";
}
