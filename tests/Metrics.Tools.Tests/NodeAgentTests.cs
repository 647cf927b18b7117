using Azure.Messaging.EventHubs;
using Azure.Messaging.EventHubs.Producer;
using Metrics.Agent;
using Metrics.Agent.Mapping;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace Metrics.Tools.Tests;

/// <summary>
/// The agent under outages: a hung Event Hubs never holds up sampling, and a failing, garbled or hung nvidia-smi (a real
/// process, a shell script standing in for it) costs one sample each, never the agent.
/// The agent runs on Linux GPU nodes, and so do these tests (shell scripts, /bin/sleep).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class NodeAgentTests : IDisposable
{
    private const string GoodLine =
        "2026/11/27 09:49:19.756, 0, GPU-16ad15a6-b480-cd47-2ba8-1e36f3db8143, NVIDIA H100 80GB HBM3, 100, 81559, 1011, 718.61, 700.00, 58";

    private static readonly DateTimeOffset s_now = new(2026, 11, 27, 9, 50, 0, TimeSpan.Zero);

    private readonly string _dir = Directory.CreateTempSubdirectory("metrics-agent-").FullName;
    private readonly AgentOptions _options = new()
    {
        Cluster = "hefei-aicc-1",
        Node = "gn0412",
        NodeTimeZone = TimeZoneInfo.Utc,
    };

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private GpuSampler Sampler(INvidiaSmi smi, TextWriter log) =>
        new(
            smi,
            new NvidiaSmiCsvParser(NvidiaSmiFields.Query, TimeZoneInfo.Utc),
            new TelemetryEventBuilder("hefei-aicc-1", "gn0412", 15, new JobMapping(null, null)),
            log,
            new FakeTimeProvider(s_now)
        );

    /// <summary>A script that answers like a sick nvidia-smi on each call in turn, then like a healthy one.</summary>
    private string NvidiaSmiScript(params string[] behaviours)
    {
        string state = Path.Combine(_dir, "calls");
        var script = new StringBuilder("#!/bin/sh\n");
        script.Append("n=$(cat '").Append(state).Append("' 2>/dev/null || echo 0)\n");
        script.Append("echo $((n+1)) > '").Append(state).Append("'\n");
        script.Append("case $n in\n");
        for (int i = 0; i < behaviours.Length; i++)
        {
            script.Append(i).Append(") ").Append(behaviours[i]).Append(";;\n");
        }

        script.Append("*) echo '").Append(GoodLine).Append("';;\nesac\n");
        string path = Path.Combine(_dir, "nvidia-smi");
        File.WriteAllText(path, script.ToString());
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    [Fact]
    public async Task Sampler_FailingGarbledHungNvidiaSmi_EachCostsOneSample_ThenSamplingResumes()
    {
        string smi = NvidiaSmiScript(
            "echo \"NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\" >&2; exit 9",
            "echo 'Unable to determine the device handle for GPU0000:1B:00.0: Unknown Error'",
            "echo '2026/11/27 09:49:19.756, 0, GPU-x, NVIDIA H100, NaN, 81559, 1011, 718.61, 700.00, 58'",
            "exec sleep 60"
        );
        var log = new StringWriter();
        // 3 s: the hung call must cost its timeout, but a loaded CI machine can take over a second to start bash for
        // the calls that answer.
        GpuSampler sampler = Sampler(new NvidiaSmiProcess(smi, TimeSpan.FromSeconds(3), TimeProvider.System), log);

        var bodies = new List<byte[]?>();
        for (int i = 0; i < 5; i++)
        {
            bodies.Add(await sampler.SampleAsync(CancellationToken.None));
        }

        Assert.Equal([true, true, true, true, false], bodies.Select(b => b is null));
        Assert.Equal(4, sampler.Failed);
        string[] lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Equal(
            "metrics-agent: sample skipped: nvidia-smi exited 9: NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA "
                + "driver. (1 in a row)",
            lines[0]
        );
        Assert.Equal("metrics-agent: nvidia-smi answering again after 4 skipped sample(s)", lines[1]);
    }

    [Theory]
    [InlineData("exit 3", "nvidia-smi exited 3")]
    [InlineData("echo 'a, b, c'", "unexpected nvidia-smi output: nvidia-smi line has 3 fields, expected 10")]
    [InlineData("echo '2026/11/27 09:49:19.756, 99999999999, GPU-x, H100, 1, 2, 1, 1, 1, 1'", "unexpected nvidia-smi output")]
    [InlineData("echo '2026/11/27 09:49:19.756, 70, GPU-x, H100, 1, 2, 1, 1, 1, 1'", "breaks the contract")]
    [InlineData("exec sleep 60", "nvidia-smi gave no answer within 1 s and was killed")]
    public async Task Sampler_EachKindOfSickNvidiaSmi_IsLoggedWithItsCause(string behaviour, string expected)
    {
        var log = new StringWriter();
        // Only the hung script tests the timeout; the others get room for a loaded machine, so that a slow start of bash
        // cannot turn their failure into a timeout (seen once in CI).
        TimeSpan timeout = TimeSpan.FromSeconds(behaviour.Contains("sleep", StringComparison.Ordinal) ? 1 : 30);
        GpuSampler sampler = Sampler(new NvidiaSmiProcess(NvidiaSmiScript(behaviour), timeout, TimeProvider.System), log);

        byte[]? body = await sampler.SampleAsync(CancellationToken.None);

        Assert.Null(body);
        Assert.True(sampler.LastFailed);
        Assert.Contains(expected, log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sampling_NeverWaitsForAHungSend_AndTheSpoolIsSentInOrderWhenEventHubsAnswers()
    {
        var delivered = new List<string>();
        var release = new TaskCompletionSource();
        var producer = new Mock<EventHubProducerClient>();
        producer
            .Setup(p => p.CreateBatchAsync(It.IsAny<CreateBatchOptions>(), It.IsAny<CancellationToken>()))
            .Returns(
                (CreateBatchOptions options, CancellationToken _) =>
                {
                    var store = new List<EventData>();
                    return ValueTask.FromResult(EventHubsModelFactory.EventDataBatch(1 << 20, store, options, _ => true));
                }
            );
        var sendCalls = 0;
        producer
            .Setup(p => p.SendAsync(It.IsAny<EventDataBatch>(), It.IsAny<CancellationToken>()))
            .Returns(
                async (EventDataBatch batch, CancellationToken _) =>
                {
                    // The first send hangs, as a half-open TCP connection does, until the test lets it go.
                    if (Interlocked.Increment(ref sendCalls) == 1)
                    {
                        await release.Task;
                    }

                    lock (delivered)
                    {
                        delivered.Add($"batch of {batch.Count}");
                    }
                }
            );
        using var spool = new EventSpool(Path.Combine(_dir, "spool"), 1 << 20);
        var sender = new EventSender(producer.Object, spool, _ => "gn0412", "metrics-agent", TextWriter.Null, TimeProvider.System);
        var smi = new CountingNvidiaSmi();
        var agent = new NodeAgent(
            _options,
            Sampler(smi, TextWriter.Null),
            spool,
            sender,
            TextWriter.Null,
            TextWriter.Null,
            TimeProvider.System
        );
        using var stop = new CancellationTokenSource();
        Task sending = sender.RunAsync(stop.Token);

        Assert.True(await agent.SampleOnceAsync(CancellationToken.None));
        await EventSenderTests.WaitUntil(() => Volatile.Read(ref sendCalls) == 1);
        for (int i = 0; i < 9; i++)
        {
            // Would never return if sampling waited for the hung send.
            Assert.True(await agent.SampleOnceAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30)));
        }

        Assert.Equal(10, smi.Calls);
        Assert.Equal(10, spool.Count);
        release.SetResult();
        await EventSenderTests.WaitUntil(() => spool.Count == 0);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending);

        Assert.Equal(10, sender.Sent);
        Assert.Equal("batch of 1", delivered[0]);
    }

    [Theory]
    [InlineData("--node", "gn 0412", "--node 'gn 0412' is not a valid id")]
    [InlineData("--cluster", "-bad", "--cluster '-bad' is not a valid id")]
    [InlineData("--interval-s", "0", "--interval-s must be 1..3600")]
    [InlineData("--nvidia-smi-timeout-s", "3601", "--nvidia-smi-timeout-s must be 1..3600")]
    [InlineData("--spool-max-mb", "0", "--spool-max-mb must be 1..1048576")]
    public async Task AgentCli_BadOptionValue_ExitsTwoWithOneLineNamingTheOption(string option, string value, string message)
    {
        var log = new StringWriter();
        string[] args =
            option == "--cluster"
                ? ["--dry-run", "--once", option, value]
                : ["--cluster", "hefei-aicc-1", "--dry-run", "--once", option, value];

        int exit = await AgentCli.RunAsync(args, TextWriter.Null, log, _ => null, CancellationToken.None);

        Assert.Equal(2, exit);
        string line = Assert.Single(log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("metrics-agent: ", line, StringComparison.Ordinal);
        Assert.Contains(message, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AgentCli_ConnectionStringOnTheCommandLine_IsRefusedWithoutEchoingIt()
    {
        var log = new StringWriter();

        int exit = await AgentCli.RunAsync(
            ["--cluster", "hefei-aicc-1", "--connection-string", "Endpoint=sb://x/;SharedAccessKey=SECRET"],
            TextWriter.Null,
            log,
            _ => null,
            CancellationToken.None
        );

        Assert.Equal(2, exit);
        Assert.Contains("--connection-string is not accepted", log.ToString(), StringComparison.Ordinal);
        Assert.Contains("EVENTHUB_CONNECTION_STRING", log.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AgentCli_ConnectionStringFileMissing_FailsWithOneClearLine()
    {
        var log = new StringWriter();
        string missing = Path.Combine(_dir, "no-such-secret");

        int exit = await AgentCli.RunAsync(
            ["--cluster", "hefei-aicc-1", "--node", "gn0412", "--once", "--connection-string-file", missing],
            TextWriter.Null,
            log,
            _ => null,
            CancellationToken.None
        );

        Assert.Equal(1, exit);
        string line = Assert.Single(log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"metrics-agent: --connection-string-file {missing}:", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AgentCli_OnceWithAHungNvidiaSmi_ExitsOneWithTheCause()
    {
        var log = new StringWriter();

        int exit = await AgentCli.RunAsync(
            [
                .. "--cluster hefei-aicc-1 --node gn0412 --dry-run --once --nvidia-smi".Split(' '),
                NvidiaSmiScript("exec sleep 60"),
                .. "--nvidia-smi-timeout-s 1".Split(' '),
            ],
            TextWriter.Null,
            log,
            _ => null,
            CancellationToken.None
        );

        Assert.Equal(1, exit);
        Assert.Equal(
            "metrics-agent: sample skipped: nvidia-smi gave no answer within 1 s and was killed (1 in a row)",
            log.ToString().Trim()
        );
    }

    private sealed class CountingNvidiaSmi : INvidiaSmi
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public Task<string> QueryAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            return Task.FromResult(GoodLine + "\n");
        }
    }
}
