using Metrics.Slurm.Controller;
using Metrics.Slurm.Hooks;

namespace Metrics.Tools.Tests.Slurm;

/// <summary>The records the real controller hook wrote (Fixtures/slurm/hooks), and what is not one.</summary>
public sealed class HookRecordTests
{
    private static HookRecord Read(string name)
    {
        string path = FixtureSqueue.Path(Path.Combine("hooks", name));
        HookRecord? record = HookRecord.Parse(path, File.ReadAllText(path), out string? problem);
        Assert.Null(problem);
        return record!;
    }

    [Fact]
    public void Prolog_GivesTheRunsStartAndItsGpusOnThisNode()
    {
        HookRecord record = Read("1796525596582437968-1-prolog_slurmctld.hook");

        Assert.False(record.IsEnd);
        Assert.Equal(("1", 0, 1796525596L), (record.JobId, record.RestartCount, record.Time));
        SlurmJob job = record.Job!;
        Assert.Equal(
            (1796525596L, "proj-a", "root", "gpu", 1),
            (job.StartTime!.Value, job.Account, job.User, job.Partition, job.Cpus!.Value)
        );
        Assert.Equal(new GpuAllocation(2, "h100"), job.Gpus);
        Assert.Null(job.EndTime);
    }

    [Fact]
    public void EpilogOfARequeue_CarriesTheNewRestartCount_AndTheRequeueInstantAsStartTime()
    {
        HookRecord record = Read("1796525609969569243-2-epilog_slurmctld.hook");

        Assert.True(record.IsEnd);
        Assert.Equal((1, 1796525609L), (record.RestartCount, record.Time));
        Assert.Equal(("COMPLETING", 1796525609L), (record.Job!.State, record.Job.StartTime!.Value));
    }

    [Fact]
    public void EpilogOfACompletion_CarriesSlurmsEndTime()
    {
        HookRecord record = Read("1796525600702098118-1-epilog_slurmctld.hook");

        Assert.Equal((1796525600L, 0), (record.Job!.EndTime!.Value, record.ExitCode!.Value));
    }

    [Theory]
    [InlineData("SLURM_JOB_ID=1\nMETRICS_HOOK_TIME=1\n", "neither prolog_slurmctld nor epilog_slurmctld")]
    [InlineData("SLURM_SCRIPT_CONTEXT=prolog_slurmctld\nMETRICS_HOOK_TIME=1\n", "no SLURM_JOB_ID")]
    [InlineData("SLURM_SCRIPT_CONTEXT=epilog_slurmctld\nSLURM_JOB_ID=1\n", "no METRICS_HOOK_TIME")]
    public void Parse_NotARecord_SaysWhy(string text, string problem)
    {
        Assert.Null(HookRecord.Parse("x.hook", text, out string? why));
        Assert.Contains(problem, why, StringComparison.Ordinal);
    }

    [Fact]
    public void Directory_RenamesAFileThatIsNotARecord_AndLogsIt()
    {
        string dir = Directory.CreateTempSubdirectory("metrics-hooks-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "1-x.hook"), "garbage");
            var log = new StringWriter();

            Assert.Empty(new HookDirectory(dir, log).Read());

            Assert.True(File.Exists(Path.Combine(dir, "1-x.hook.bad")));
            Assert.Contains("is not a hook record", log.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>
    /// While a requeue is carried out the controller shows the job COMPLETING with the new restart count and the requeue
    /// instant as start time: that is the old run ending, not a new one starting.
    /// </summary>
    [Fact]
    public void Tracker_ARequeueInProgress_IsNotANewRun_AndTheEpilogEndsTheOldOne()
    {
        var state = new Metrics.Slurm.Runs.CollectorState();
        var tracker = new Metrics.Slurm.Runs.RunTracker(state, TextWriter.Null);
        HookRecord prolog = Read("1796525596583253425-2-prolog_slurmctld.hook");
        HookRecord epilog = Read("1796525609969569243-2-epilog_slurmctld.hook");
        SlurmJob requeueing = epilog.Job! with { Nodes = "vm" };

        tracker.Apply([prolog], [prolog.Job! with { State = "RUNNING" }], 1796525600);
        tracker.Apply([], [requeueing], 1796525609);
        Assert.Equal(["2#0"], state.Runs.Keys);

        tracker.Apply([epilog], [requeueing with { State = "PENDING", Nodes = null }], 1796525610);
        Metrics.Slurm.Runs.TrackedRun first = Assert.Single(state.Runs.Values);
        Assert.Equal((1796525596L, 1796525609L, "REQUEUED", true), (first.Start, first.End!.Value, first.ExitState, first.EndExact));
    }
}
