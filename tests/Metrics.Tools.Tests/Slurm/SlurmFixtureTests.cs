using Metrics.Slurm.Runs;

namespace Metrics.Tools.Tests.Slurm;

/// <summary>
/// The collector over what a real Slurm 22.05 printed (Fixtures/slurm, in the order it was captured): running jobs,
/// a failed, a cancelled, a completed and a requeued one, and the controller hooks' records of a requeue.
/// </summary>
public sealed class SlurmFixtureTests : IDisposable
{
    private const string Accounts = "proj-007,inst-00007\nproj-112,inst-00112\nproj-031,inst-00031\n";

    private readonly CollectorRig _rig = new(Accounts);

    public void Dispose() => _rig.Dispose();

    private static DateTimeOffset At(long unixSeconds) => DateTimeOffset.FromUnixTimeSeconds(unixSeconds);

    private static string Describe(JobEvent e) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"{e.EventId} {e.State.Name()} {e.Ts.ToUnixTimeSeconds()} {e.Institution} {e.Gpus}x{e.GpuModel} "
                + $"{e.StartTime.ToUnixTimeSeconds()}-{e.EndTime?.ToUnixTimeSeconds()} {e.ExitState}"
        );

    private async Task<string[]> PollAsync(string fixture, long at) => (await _rig.PollAsync(fixture, at)).Select(Describe).ToArray();

    [Fact]
    public async Task CapturedSequence_ReportsEveryRunWithSlurmsOwnTimes()
    {
        // Jobs 3 and 4 run from 482; job 2 failed but has no account (held); job 1 was cancelled while pending (no run).
        Assert.Equal(
            [
                "hefei-aicc-1:3:0:started started 1796522482 inst-00007 2xh100 1796522482- ",
                "hefei-aicc-1:4:0:started started 1796522482 inst-00112 4xh100 1796522482- ",
            ],
            await PollAsync("squeue-running.json", 1796522484)
        );
        Assert.Contains("job 2 run 0 is held: its account '(none)' has no institution", _rig.Log.ToString(), StringComparison.Ordinal);

        // Job 4 failed (exit status 3) at 485; job 5 ran one second and was cancelled; job 6 started at 487.
        Assert.Equal(
            [
                "hefei-aicc-1:4:0:ended ended 1796522485 inst-00112 4xh100 1796522482-1796522485 FAILED",
                "hefei-aicc-1:5:0:started started 1796522486 inst-00007 1xh100 1796522486- ",
                "hefei-aicc-1:5:0:ended ended 1796522487 inst-00007 1xh100 1796522486-1796522487 CANCELLED",
                "hefei-aicc-1:6:0:started started 1796522487 inst-00031 1xh100 1796522487- ",
            ],
            await PollAsync("squeue-after-fail-cancel-requeue.json", 1796522490)
        );
        Assert.Equal(
            ["hefei-aicc-1:3:0:ended ended 1796522494 inst-00007 2xh100 1796522482-1796522494 COMPLETED"],
            await PollAsync("squeue-after-complete.json", 1796522496)
        );

        // Job 6 was requeued and no epilog record says when: after waiting for one, its run ends when it was last seen
        // running, marked so.
        Assert.Empty(await PollAsync("squeue-after-requeue.json", 1796522505));
        Assert.Empty(await PollAsync("squeue-after-requeue.json", 1796522505 + 299));
        Assert.Equal(
            ["hefei-aicc-1:6:0:ended ended 1796522496 inst-00031 1xh100 1796522487-1796522496 REQUEUED"],
            await PollAsync("squeue-after-requeue.json", 1796522505 + 300)
        );
        Assert.Contains("job 6 run 0 was requeued and no epilog record gave its end", _rig.Log.ToString(), StringComparison.Ordinal);
        Assert.False(_rig.Collector.State.Runs[TrackedRun.KeyOf("6", 0)].EndExact);
    }

    [Fact]
    public async Task Restart_FromTheSavedState_ResendsNothing_AndWithTheStateLost_ResendsIdenticalBodies()
    {
        await _rig.PollAsync("squeue-running.json", 1796522484);
        await _rig.PollAsync("squeue-after-complete.json", 1796522496);
        byte[][] first = _rig.Bodies.ToArray();

        _rig.NewCollector(CollectorState.Load(_rig.StateDir));
        Assert.Empty(await _rig.PollAsync("squeue-after-complete.json", 1796522497));

        _rig.NewCollector(new CollectorState());
        await _rig.PollAsync("squeue-after-complete.json", 1796522498);
        byte[][] again = _rig.Bodies.Skip(first.Length).ToArray();

        // The same runs' events, byte for byte, so ingest counts them once (job 3 and 4 started and ended; job 5 too).
        Assert.Subset(again.Select(Encoding.UTF8.GetString).ToHashSet(), first.Select(Encoding.UTF8.GetString).ToHashSet());
        Assert.Equal(first.Length, again.Length);
    }

    /// <summary>
    /// The collector is down from 484 to 496: jobs that failed, ran and were cancelled, and completed meanwhile are
    /// reported at the next poll from what the controller keeps of finished jobs (MinJobAge), with their own times.
    /// </summary>
    [Fact]
    public async Task CollectorDown_JobsThatEndedMeanwhile_AreReportedFromTheControllersFinishedJobs()
    {
        await _rig.PollAsync("squeue-running.json", 1796522484);
        _rig.NewCollector(CollectorState.Load(_rig.StateDir));

        string[] afterOutage = await PollAsync("squeue-after-complete.json", 1796522496);

        Assert.Equal(
            [
                "hefei-aicc-1:3:0:ended ended 1796522494 inst-00007 2xh100 1796522482-1796522494 COMPLETED",
                "hefei-aicc-1:4:0:ended ended 1796522485 inst-00112 4xh100 1796522482-1796522485 FAILED",
                "hefei-aicc-1:5:0:started started 1796522486 inst-00007 1xh100 1796522486- ",
                "hefei-aicc-1:5:0:ended ended 1796522487 inst-00007 1xh100 1796522486-1796522487 CANCELLED",
                "hefei-aicc-1:6:0:started started 1796522487 inst-00031 1xh100 1796522487- ",
            ],
            afterOutage
        );
    }

    [Fact]
    public async Task HeldRun_IsSentOnceItsAccountIsMapped()
    {
        File.WriteAllText(_rig.AccountsFile, "proj-007,inst-00007\n");
        IReadOnlyList<JobEvent> first = await _rig.PollAsync("squeue-running.json", 1796522484);
        Assert.Equal(["3"], first.Select(e => e.JobId));
        Assert.Contains("job 4 run 0 is held: its account 'proj-112'", _rig.Log.ToString(), StringComparison.Ordinal);

        File.WriteAllText(_rig.AccountsFile, "proj-007,inst-00007\nproj-112,inst-00112\n");
        File.SetLastWriteTimeUtc(_rig.AccountsFile, DateTime.UtcNow.AddSeconds(5));
        IReadOnlyList<JobEvent> later = await _rig.PollAsync("squeue-running.json", 1796522485);

        JobEvent started = Assert.Single(later);
        Assert.Equal(("4", JobState.Started, "inst-00112"), (started.JobId, started.State, started.Institution));
    }

    [Fact]
    public async Task RunningJob_GetsOneHeartbeatPerSlot_OnTheSlotBoundary()
    {
        using var rig = new CollectorRig(Accounts, heartbeatS: 5);
        await rig.PollAsync("squeue-running.json", 1796522484);
        IReadOnlyList<JobEvent> beats = await rig.PollAsync("squeue-running.json", 1796522491);
        IReadOnlyList<JobEvent> sameSlot = await rig.PollAsync("squeue-running.json", 1796522494);

        Assert.Equal(["hefei-aicc-1:3:0:running:1796522490", "hefei-aicc-1:4:0:running:1796522490"], beats.Select(e => e.EventId));
        Assert.All(beats, e => Assert.Equal(At(1796522490), e.Ts));
        Assert.Empty(sameSlot);
    }

    [Fact]
    public async Task ControllerHookRecords_GiveARequeuedRunItsExactEnd_AndAreDeletedOnceUsed()
    {
        using var rig = new CollectorRig("proj-a,inst-a\nproj-b,inst-b\n");
        rig.CopyHooks(
            "1796525596582437968-1-prolog_slurmctld.hook",
            "1796525596583253425-2-prolog_slurmctld.hook",
            "1796525600702098118-1-epilog_slurmctld.hook",
            "1796525609969569243-2-epilog_slurmctld.hook",
            "1796525611610512622-2-prolog_slurmctld.hook",
            "1796525641683070672-2-epilog_slurmctld.hook"
        );

        IReadOnlyList<JobEvent> events = await rig.PollAsync("squeue-hooks-requeued.json", 1796525642);

        // The snapshot shows only job 2's second run; its first run, 596 to the requeue at 609, is the hooks' alone.
        Assert.Equal(
            [
                "hefei-aicc-1:1:0:started started 1796525596 inst-a 2xh100 1796525596- ",
                "hefei-aicc-1:1:0:ended ended 1796525600 inst-a 2xh100 1796525596-1796525600 COMPLETED",
                "hefei-aicc-1:2:0:started started 1796525596 inst-b 1xh100 1796525596- ",
                "hefei-aicc-1:2:0:ended ended 1796525609 inst-b 1xh100 1796525596-1796525609 REQUEUED",
                "hefei-aicc-1:2:1:started started 1796525611 inst-b 1xh100 1796525611- ",
                "hefei-aicc-1:2:1:ended ended 1796525641 inst-b 1xh100 1796525611-1796525641 COMPLETED",
            ],
            events.Select(Describe)
        );
        Assert.Empty(Directory.GetFiles(rig.HookDir));
        Assert.True(rig.Collector.State.Runs[TrackedRun.KeyOf("2", 0)].EndExact);
    }

    [Fact]
    public async Task ControllerDown_PollFails_AndChangesNothing()
    {
        _rig.Squeue.File = null;

        await Assert.ThrowsAsync<Metrics.Slurm.Controller.SlurmUnavailableException>(() =>
            _rig.Collector.PollAsync(CancellationToken.None)
        );

        Assert.Empty(_rig.Bodies);
        Assert.False(File.Exists(Path.Combine(_rig.StateDir, "state.json")));
    }
}
