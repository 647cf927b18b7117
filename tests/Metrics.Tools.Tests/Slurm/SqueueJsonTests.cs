using System.Text.Json.Nodes;
using Metrics.Slurm.Controller;

namespace Metrics.Tools.Tests.Slurm;

/// <summary>squeue's JSON as 22.05 prints it (the captures) and as later releases do, and every way a job can end.</summary>
public sealed class SqueueJsonTests : IDisposable
{
    private readonly CollectorRig _rig = new("proj-007,inst-00007\nproj-112,inst-00112\nproj-031,inst-00031\n");

    public void Dispose() => _rig.Dispose();

    private static JsonNode Capture(string name) => JsonNode.Parse(File.ReadAllBytes(FixtureSqueue.Path(name)))!;

    /// <summary>
    /// Later Slurm releases print numbers as <c>{"set", "infinite", "number"}</c> and the state as an array of the state
    /// and its flags: the same capture in that form reads as the same jobs.
    /// </summary>
    [Theory]
    [InlineData("squeue-running.json")]
    [InlineData("squeue-after-fail-cancel-requeue.json")]
    [InlineData("squeue-after-complete.json")]
    [InlineData("squeue-after-requeue.json")]
    public void Parse_TheLaterFormat_ReadsAsThe2205One(string capture)
    {
        JsonNode later = Capture(capture);
        foreach (JsonObject job in later["jobs"]!.AsArray().Cast<JsonObject>())
        {
            foreach (string name in new[] { "job_id", "start_time", "end_time", "submit_time", "restart_cnt", "cpus", "node_count" })
            {
                if (job[name] is JsonValue value && value.TryGetValue(out long n))
                {
                    job[name] = new JsonObject
                    {
                        ["set"] = true,
                        ["infinite"] = false,
                        ["number"] = n,
                    };
                }
            }

            job["job_state"] = new JsonArray(job["job_state"]!.GetValue<string>(), "COMPLETING");
        }

        IReadOnlyList<SlurmJob> expected = SqueueJson.Parse(File.ReadAllBytes(FixtureSqueue.Path(capture)), []);
        IReadOnlyList<SlurmJob> actual = SqueueJson.Parse(Encoding.UTF8.GetBytes(later.ToJsonString()), []);

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Parse_UnsetNumbers_AreAbsent()
    {
        JsonNode capture = Capture("squeue-running.json");
        capture["jobs"]![2]!["start_time"] = new JsonObject
        {
            ["set"] = false,
            ["infinite"] = false,
            ["number"] = 0,
        };
        capture["jobs"]![2]!["end_time"] = new JsonObject
        {
            ["set"] = true,
            ["infinite"] = true,
            ["number"] = 0,
        };

        SlurmJob job = SqueueJson.Parse(Encoding.UTF8.GetBytes(capture.ToJsonString()), [])[2];

        Assert.Null(job.StartTime);
        Assert.Null(job.EndTime);
        Assert.False(job.HasRun);
    }

    [Fact]
    public void Parse_AJobWithoutIdOrState_IsSkippedAndNamed()
    {
        JsonNode capture = Capture("squeue-running.json");
        capture["jobs"]![0]!.AsObject().Remove("job_state");
        var warnings = new List<string>();

        IReadOnlyList<SlurmJob> jobs = SqueueJson.Parse(Encoding.UTF8.GetBytes(capture.ToJsonString()), warnings);

        Assert.Equal(5, jobs.Count);
        Assert.Contains("a job without job_id or job_state was skipped", Assert.Single(warnings), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NotSqueueJson_IsRefused() => Assert.Throws<FormatException>(() => SqueueJson.Parse("{\"errors\":[]}"u8, []));

    /// <summary>Every way Slurm ends a job is the run's exit state, with the job's own end time.</summary>
    [Theory]
    [InlineData("COMPLETED")]
    [InlineData("FAILED")]
    [InlineData("CANCELLED")]
    [InlineData("TIMEOUT")]
    [InlineData("NODE_FAIL")]
    [InlineData("OUT_OF_MEMORY")]
    [InlineData("PREEMPTED")]
    [InlineData("BOOT_FAIL")]
    [InlineData("DEADLINE")]
    public async Task Collector_EachFinalState_EndsTheRunWithIt(string state)
    {
        await _rig.PollAsync("squeue-running.json", 1796522484);
        JsonNode capture = Capture("squeue-after-complete.json");
        JsonNode job3 = capture["jobs"]!.AsArray().Single(j => j!["job_id"]!.GetValue<int>() == 3)!;
        job3["job_state"] = state;
        _rig.Squeue.Content = Encoding.UTF8.GetBytes(capture.ToJsonString());
        _rig.Time.SetUtcNow(DateTimeOffset.FromUnixTimeSeconds(1796522496));

        await _rig.Collector.PollAsync(CancellationToken.None);

        JobEvent ended = Assert.Single(_rig.Events, e => e.JobId == "3" && e.State == JobState.Ended);
        Assert.Equal((state, 1796522494L), (ended.ExitState, ended.EndTime!.Value.ToUnixTimeSeconds()));
    }
}
