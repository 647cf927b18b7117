using System.Diagnostics;

namespace Metrics.Integration.Tests;

/// <summary>
/// <c>metrics rollup</c> killed mid-run (SIGKILL of the process, not an exception: no finally blocks, no lease release)
/// and run again bills byte for byte like a rollup that was never interrupted.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class RollupKillTests : IDisposable
{
    private readonly AzuriteStore _azurite = new();

    private static readonly DateTimeOffset s_day = new(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);

    private readonly string _dir = Directory.CreateTempSubdirectory("metrics-kill-").FullName;
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 21, 6, 0, 0, TimeSpan.Zero));

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>
    /// A day of one tenant: 6 jobs of 4 GPUs starting every 4 hours with hourly heartbeats, and 10-minute samples of 3 nodes.
    /// </summary>
    private async Task IngestDayAsync(string tenant)
    {
        string cluster = $"{tenant}-{_run}",
            institution = $"inst-{tenant}-{_run}";
        var jobs = new List<string>();
        for (int j = 0; j < 6; j++)
        {
            DateTimeOffset start = s_day.AddHours(4 * j);
            string id = $"J{j}";
            jobs.Add(
                EventJson
                    .Job(id, "started", EventJson.Ts(start), 4, institution, cluster, EventJson.Ts(start), cpus: 8)
                    .ToJsonString()
                    .Replace("2026-11-27T07:58:00Z", EventJson.Ts(start), StringComparison.Ordinal)
            );
            for (int h = 1; h <= 5; h++)
            {
                jobs.Add(
                    EventJson
                        .Job(id, "running", EventJson.Ts(start.AddHours(h)), 4, institution, cluster, EventJson.Ts(start), cpus: 8)
                        .ToJsonString()
                        .Replace("2026-11-27T07:58:00Z", EventJson.Ts(start), StringComparison.Ordinal)
                );
            }

            DateTimeOffset end = start.AddHours(5).AddMinutes(17 * (j + 1));
            jobs.Add(
                EventJson
                    .Job(id, "ended", EventJson.Ts(end), 4, institution, cluster, EventJson.Ts(start), EventJson.Ts(end), cpus: 8)
                    .ToJsonString()
                    .Replace("2026-11-27T07:58:00Z", EventJson.Ts(start), StringComparison.Ordinal)
            );
        }

        var samples = new List<string>();
        for (DateTimeOffset t = s_day.AddMinutes(10); t <= s_day.AddHours(24); t = t.AddMinutes(10))
        {
            for (int node = 0; node < 3; node++)
            {
                JsonObject e = EventJson.Gpu(
                    node: $"{tenant}n{node}",
                    ts: EventJson.Ts(t),
                    gpus: 4,
                    jobId: $"J{(int)((t - s_day).TotalHours / 4) % 6}",
                    institution: institution,
                    utilPct: 30 + (10 * node),
                    intervalS: 600
                );
                e["cluster"] = cluster;
                samples.Add(e.ToJsonString());
            }
        }

        string jobsFile = Path.Combine(_dir, $"{tenant}-jobs.jsonl"),
            gpuFile = Path.Combine(_dir, $"{tenant}-gpu.jsonl");
        await File.WriteAllLinesAsync(jobsFile, jobs);
        await File.WriteAllLinesAsync(gpuFile, samples);
        await _azurite.RunOkAsync(_time, "ingest", "--stream", "jobs", "--file", jobsFile, "--batch-size", "7");
        await _azurite.RunOkAsync(_time, "ingest", "--stream", "gpu", "--file", gpuFile, "--batch-size", "50");
    }

    private async Task<string> UsageCsvAsync(string tenant) =>
        (
            await _azurite.RunOkAsync(_time, "usage", "--month", "2026-11", "--institution", $"inst-{tenant}-{_run}", "--format", "csv")
        ).Replace($"{tenant}-{_run}", "TENANT", StringComparison.Ordinal);

    /// <summary>Whether the rollup has written any job-hour row of this tenant yet (the hour's partitions, one query).</summary>
    private async Task<bool> AnyJobHourWrittenAsync(string tenant)
    {
        Azure.Data.Tables.TableClient table = _azurite.Clients.Tables.GetTableClient(StorageTables.JobHours);
        string pk = UtcHours.Key(s_day);
        string prefix = $"{tenant}-{_run}|";
        await foreach (
            Azure.Data.Tables.TableEntity row in table.QueryAsync<Azure.Data.Tables.TableEntity>(
                Azure.Data.Tables.TableClient.CreateQueryFilter($"PartitionKey ge {pk} and PartitionKey lt {pk + "}"}"),
                select: ["RowKey"]
            )
        )
        {
            if (row.RowKey.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private Process StartRollup() => _azurite.StartProcess("rollup", "--progress");

    [Fact]
    public async Task RollupKilledMidRun_ThenRunAgain_UsageCsvIsByteIdenticalToAnUninterruptedRun()
    {
        await IngestDayAsync("clean");
        await _azurite.RunOkAsync(_time, "rollup");
        string clean = await UsageCsvAsync("clean");

        // The same day for another tenant, rolled up by a process that is killed part-way.
        await IngestDayAsync("killed");
        using (Process rollup = StartRollup())
        {
            // SIGKILL right after its first unit, the job hour, is written and cleared (every job event arrived in the
            // clock's hour, so that is one unit): job-hour rows are written, and a day of usage hours and the month are
            // still to go. Any later and a fast machine finishes the run before the kill lands.
            Task<string> output = rollup.StandardOutput.ReadToEndAsync();
            string? done = await rollup.StandardError.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(120));
            Assert.StartsWith("done: jobs ", done, StringComparison.Ordinal);

            rollup.Kill(entireProcessTree: true);
            await rollup.WaitForExitAsync();
            Assert.DoesNotContain("failed_hours=", await output, StringComparison.Ordinal);
        }

        // The killed process never released its lease; an operator waits a minute for it to expire. The test breaks it.
        await _azurite.BreakRollupLeaseAsync();

        Assert.True(await AnyJobHourWrittenAsync("killed"), "killed after it had started writing");
        // Mid-run indeed: the institution has no billed month yet (its month is computed last).
        (int exit, string _, string error) = await _azurite.RunAsync(
            _time,
            null,
            "usage",
            "--month",
            "2026-11",
            "--institution",
            $"inst-killed-{_run}"
        );
        Assert.True(exit != 0, "usage was complete before the kill");
        Assert.Contains("has no usage in any month", error, StringComparison.Ordinal);

        await _azurite.RunOkAsync(_time, "rollup");

        Assert.Equal(clean, await UsageCsvAsync("killed"));
        Assert.Contains(",inst-TENANT,", clean, StringComparison.Ordinal);
    }

    /// <summary>
    /// <c>metrics rollup --workers 4</c>: four worker processes share the hours' units; one is killed with SIGKILL as soon
    /// as it starts a unit. Its unit stays hidden until its visibility lapses, then the rollup runs it itself, and the
    /// month bills byte for byte as a rollup that ran every unit in one process.
    /// </summary>
    [Fact]
    public async Task FourWorkers_OneKilledMidUnit_UsageCsvIsByteIdenticalToOneWorker()
    {
        await IngestDayAsync("alone");
        await _azurite.RunOkAsync(_time, "rollup");
        string alone = await UsageCsvAsync("alone");

        await IngestDayAsync("four");
        await KilledWorkerRollup.RunAsync(_azurite, "--progress");

        Assert.Equal(alone, await UsageCsvAsync("four"));
        Assert.Contains(",inst-TENANT,", alone, StringComparison.Ordinal);
    }
}
