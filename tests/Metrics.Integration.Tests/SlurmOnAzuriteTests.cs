using Metrics.Slurm;
using Metrics.Slurm.Controller;
using Metrics.Slurm.Hooks;
using Metrics.Slurm.Mapping;
using Metrics.Slurm.Runs;
using Xunit.Abstractions;

namespace Metrics.Integration.Tests;

/// <summary>
/// Real Slurm, real collector, real ingest and billing on Azurite: jobs submitted with sbatch (one completes, one fails,
/// one is cancelled while it runs, one is requeued and runs again) are polled by the collector with the controller
/// hooks installed, ingested and rolled up, and each institution is billed exactly the GPU-seconds Slurm recorded for
/// its runs (GPUs x (end - start)), to the second. The node hooks' job map for the agent is checked on the way.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class SlurmOnAzuriteTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(90);

    private readonly AzuriteStore _azurite = new();
    private readonly FakeTimeProvider _time = new();
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private readonly string _dir = Directory.CreateTempSubdirectory("metrics-slurm-live-").FullName;
    private readonly StringWriter _log = new();

    /// <summary>Slurm's own view of each run, (job, restart count) -> (GPUs, start, end, state), from every poll.</summary>
    private readonly Dictionary<(string Job, int Run), (double Gpus, long Start, long? End, string State)> _slurm = [];

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string InstA => $"inst-a-{_run}";

    private string InstB => $"inst-b-{_run}";

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    private static async Task<string> SubmitAsync(string account, int gpus, string script, bool requeue = false)
    {
        string[] args =
        [
            "--parsable",
            "--output=/dev/null",
            $"--account={account}",
            $"--gres=gpu:h100:{gpus}",
            .. requeue ? new[] { "--requeue" } : [],
            "--wrap",
            script,
        ];
        return (await LiveSlurm.RunAsync("sbatch", args)).Trim().Split(';')[0];
    }

    private async Task<IReadOnlyList<SlurmJob>> PollAsync(SlurmCollector collector, ISqueue squeue)
    {
        await collector.PollAsync(CancellationToken.None);
        IReadOnlyList<SlurmJob> jobs = SqueueJson.Parse(await squeue.ReadAsync(CancellationToken.None), []);
        foreach (SlurmJob job in jobs.Where(j => j.HasRun && j.Gpus is not null))
        {
            _slurm[(job.JobId, job.RestartCount)] = (job.Gpus!.Count, job.StartTime!.Value, job.IsFinished ? job.EndTime : null, job.State);
        }

        return jobs;
    }

    private async Task<IReadOnlyList<SlurmJob>> PollUntilAsync(
        SlurmCollector collector,
        ISqueue squeue,
        Func<IReadOnlyList<SlurmJob>, bool> done,
        string what
    )
    {
        DateTime deadline = DateTime.UtcNow + s_deadline;
        while (true)
        {
            IReadOnlyList<SlurmJob> jobs = await PollAsync(collector, squeue);
            if (done(jobs))
            {
                return jobs;
            }

            Assert.True(
                DateTime.UtcNow < deadline,
                $"Slurm did not get to '{what}' within {s_deadline.TotalSeconds} s; runs: "
                    + string.Join("; ", collector.State.Runs.Values.Select(r => $"{r.Key} {r.Start}-{r.End} {r.ExitState}"))
                    + $"; log: {_log}"
            );
            await Task.Delay(500);
        }
    }

    /// <summary>Slurm's own record of the jobs and its controller log about them: what a failure message needs.</summary>
    private static async Task<string> SlurmsViewAsync(IEnumerable<string> jobs)
    {
        var view = new StringBuilder();
        foreach (string job in jobs)
        {
            string shown;
            try
            {
                shown = await LiveSlurm.RunAsync("scontrol", "show", "job", "-o", job);
            }
            catch (InvalidOperationException ex)
            {
                shown = ex.Message;
            }

            string[] fields = ["JobState=", "Reason=", "ExitCode="];
            IEnumerable<string> said = shown.Split(' ').Where(f => fields.Any(n => f.StartsWith(n, StringComparison.Ordinal)));
            view.Append(CultureInfo.InvariantCulture, $"[scontrol {job}: {string.Join(' ', said)}] ");
        }

        string log = Path.Combine(LiveSlurm.Directory!, "log", "slurmctld.log");
        string[] ids = jobs.Select(j => $"JobId={j} ").ToArray();
        view.Append("slurmctld: ")
            .AppendJoin(" | ", File.Exists(log) ? File.ReadLines(log).Where(l => ids.Any(l.Contains)).TakeLast(40) : []);
        return view.ToString();
    }

    [SlurmFact]
    public async Task SbatchJobs_CompletedFailedCancelledRequeued_AreBilledTheGpuSecondsSlurmRecorded()
    {
        string accounts = Path.Combine(LiveSlurm.Directory!, "accounts.csv");
        await File.WriteAllTextAsync(accounts, $"proj-a-{_run},{InstA}\nproj-b-{_run},{InstB}\n");
        var squeue = new SqueueProcess("squeue", TimeSpan.FromSeconds(30)) { Environment = LiveSlurm.SqueueEnvironment };
        var events = new List<byte[]>();
        var collector = new SlurmCollector(
            squeue,
            new HookDirectory(Path.Combine(LiveSlurm.Directory!, "hooks"), _log),
            new CollectorState(),
            new JobEventWriter("metrics-test", new AccountInstitutions(accounts), defaultGpuModel: null, heartbeatS: 300, _log),
            _log,
            TimeProvider.System
        )
        {
            StateDirectory = Path.Combine(_dir, "state"),
            Emit = body =>
            {
                events.Add(body);
                return true;
            },
        };

        string completes = await SubmitAsync($"proj-a-{_run}", 2, "sleep 4");
        string fails = await SubmitAsync($"proj-b-{_run}", 1, "sleep 2; exit 3");
        string cancelled = await SubmitAsync($"proj-a-{_run}", 4, "sleep 120");
        string requeued = await SubmitAsync(
            $"proj-b-{_run}",
            1,
            "if [ \"${SLURM_RESTART_COUNT:-0}\" -gt 0 ]; then sleep 3; else sleep 120; fi",
            requeue: true
        );

        await PollUntilAsync(
            collector,
            squeue,
            jobs => jobs.Any(j => j.JobId == cancelled && j.IsRunning) && jobs.Any(j => j.JobId == requeued && j.IsRunning),
            "the long jobs running"
        );
        await Task.Delay(TimeSpan.FromSeconds(2));

        // The node prolog mapped the cancelled job's 4 GPUs to it for the agent, with its institution.
        string map = Path.Combine(LiveSlurm.Directory!, "agent", "gpu-jobs");
        Assert.Equal(
            4,
            Directory.GetFiles(map).Count(f => !Path.GetFileName(f).StartsWith('.') && File.ReadAllText(f).Trim() == cancelled)
        );
        Assert.Contains($"{cancelled},{InstA}", await File.ReadAllTextAsync(Path.Combine(LiveSlurm.Directory!, "agent", "institutions")));

        await LiveSlurm.RunAsync("scancel", cancelled);
        long requeueFrom = Now;
        await LiveSlurm.RunAsync("scontrol", "requeue", requeued);
        long requeueTo = Now;
        // A requeued job waits out a begin time (two minutes); once it is pending again and the epilog record has ended
        // its first run, let it start in a few seconds. Not at once: slurmd refuses a launch whose credential is not
        // clearly newer than the one it revoked at the requeue ("Job credential revoked"), and Slurm fails that run.
        await PollUntilAsync(
            collector,
            squeue,
            jobs =>
                jobs.Any(j => j.JobId == requeued && j.RestartCount == 1 && j.State == "PENDING")
                && collector.State.Runs.TryGetValue(TrackedRun.KeyOf(requeued, 0), out TrackedRun? first)
                && first.IsEnded,
            "the requeued job pending, its first run ended"
        );
        await LiveSlurm.RunAsync("scontrol", "update", $"jobid={requeued}", "starttime=now+3");
        await PollUntilAsync(collector, squeue, jobs => jobs.Any(j => j.JobId == requeued && j.RestartCount == 1 && j.HasRun), "the rerun");

        string[] all = [completes, fails, cancelled, requeued];
        await PollUntilAsync(
            collector,
            squeue,
            jobs =>
                all.All(id => jobs.Any(j => j.JobId == id && j.IsFinished))
                && !Directory.EnumerateFiles(Path.Combine(LiveSlurm.Directory!, "hooks"), "*.hook").Any(),
            "every job finished and every hook record used"
        );

        // The node epilog unmapped them all.
        Assert.DoesNotContain(
            Directory.GetFiles(map),
            f => !Path.GetFileName(f).StartsWith('.') && all.Contains(File.ReadAllText(f).Trim())
        );

        // Each run ended as Slurm says. The requeued run's end is the epilog's: the requeue as slurmctld carried it out,
        // a moment after the call returned (seconds on a loaded machine), never before the call.
        TrackedRun firstRun = collector.State.Runs[TrackedRun.KeyOf(requeued, 0)];
        Assert.True(firstRun.EndExact);
        Assert.InRange(firstRun.End!.Value, requeueFrom, requeueTo + 5);
        _slurm[(requeued, 0)] = _slurm[(requeued, 0)] with { End = firstRun.End, State = "REQUEUED" };
        var ended = events
            .Select(b => JsonDocument.Parse(b).RootElement)
            .Where(e => e.GetProperty("state").GetString() == "ended")
            .ToDictionary(e => e.GetProperty("eventId").GetString()!, e => e.GetProperty("exitState").GetString());
        // Each run is reported ended as Slurm itself ended it. What the scripts asked for is what Slurm does on a quiet
        // machine; on a loaded one Slurm itself may fail a launch, and then the collector must say so too.
        string why = await SlurmsViewAsync(all);
        foreach (((string job, int run), (double _, long _, long? _, string state)) in _slurm.Where(r => all.Contains(r.Key.Job)))
        {
            Assert.True(
                ended.TryGetValue($"metrics-test:{job}:{run}:ended", out string? reported),
                $"no ended event for {job} run {run}; {why}"
            );
            Assert.True(state == reported, $"job {job} run {run}: Slurm says {state}, the collector reported {reported}; {why}");
        }

        Assert.Equal(5, ended.Count);
        Assert.Equal("FAILED", ended[$"metrics-test:{fails}:0:ended"]);
        Assert.Equal("REQUEUED", ended[$"metrics-test:{requeued}:0:ended"]);
        if (ended[$"metrics-test:{completes}:0:ended"] != "COMPLETED" || ended[$"metrics-test:{cancelled}:0:ended"] != "CANCELLED")
        {
            output.WriteLine($"Slurm did not run the jobs as their scripts asked (a loaded machine?): {why}");
        }

        // Ingested and billed: each institution's GPU-hours are Slurm's GPU-seconds, to the second (1 s is 0.00028 h,
        // more than the 0.00005 h the 4-decimal figure can round away).
        string file = Path.Combine(_dir, "jobs.jsonl");
        await File.WriteAllLinesAsync(file, events.Select(Encoding.UTF8.GetString));
        _time.SetUtcNow(DateTimeOffset.UtcNow.AddSeconds(5));
        await _azurite.RunOkAsync(_time, "models", "import", RepoPaths.Combine("tools", "samples", "gpu-models.json"));
        await _azurite.RunOkAsync(_time, "ingest", "--stream", "jobs", "--file", file);
        await _azurite.RunOkAsync(_time, "rollup");
        string month = BillingCalendar.Create(null).MonthOf(_time.GetUtcNow()).ToString();
        foreach (
            (string institution, string[] jobs) in new[] { (InstA, new[] { completes, cancelled }), (InstB, new[] { fails, requeued }) }
        )
        {
            long gpuSeconds = _slurm
                .Where(r => jobs.Contains(r.Key.Job))
                .Sum(r => (long)r.Value.Gpus * (r.Value.End!.Value - r.Value.Start));
            using JsonDocument usage = JsonDocument.Parse(
                await _azurite.RunOkAsync(_time, "usage", "--month", month, "--institution", institution, "--format", "json")
            );
            JsonElement line = Assert.Single(usage.RootElement.GetProperty("lines").EnumerateArray());
            Assert.Equal("H100-SXM5-80GB", line.GetProperty("gpu_model").GetString());
            output.WriteLine(
                $"{institution}: Slurm {gpuSeconds} GPU-s = {Math.Round(gpuSeconds / 3600m, 4)} h; billed {line.GetProperty("gpu_hours")} h"
            );
            Assert.Equal(Math.Round(gpuSeconds / 3600m, 4), line.GetProperty("gpu_hours").GetDecimal());
            Assert.Equal(jobs.Length, line.GetProperty("jobs").GetInt32());
        }
    }
}
