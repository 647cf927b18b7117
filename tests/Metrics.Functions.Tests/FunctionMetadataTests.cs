using System.Text.Json;

namespace Metrics.Functions.Tests;

/// <summary>
/// The host never runs here, so the contract with it is the functions.metadata file the worker SDK generates at build
/// time, and host.json. These tests read both from the build output and the repository.
/// </summary>
public sealed class FunctionMetadataTests
{
    private static JsonElement LoadMetadata() => FunctionsBuild.LoadMetadata();

    [Theory]
    [InlineData("GpuTelemetryIngest", "%GpuTelemetryHubName%")]
    [InlineData("JobEventsIngest", "%JobEventsHubName%")]
    public void FunctionsMetadata_IngestFunction_IsABatchedEventHubTriggerWithRetry(string name, string hub)
    {
        JsonElement function = LoadMetadata().EnumerateArray().Single(f => f.GetProperty("name").GetString() == name);

        JsonElement trigger = Assert.Single(function.GetProperty("bindings").EnumerateArray());
        Assert.Equal("eventHubTrigger", trigger.GetProperty("type").GetString());
        Assert.Equal("Many", trigger.GetProperty("cardinality").GetString());
        Assert.Equal("Binary", trigger.GetProperty("dataType").GetString());
        Assert.Equal(hub, trigger.GetProperty("eventHubName").GetString());
        Assert.Equal("EventHubConnection", trigger.GetProperty("connection").GetString());
        Assert.Equal("%EventHubConsumerGroup%", trigger.GetProperty("consumerGroup").GetString());

        JsonElement retry = function.GetProperty("retry");
        Assert.Equal("exponentialBackoff", retry.GetProperty("strategy").GetString());
        Assert.Equal(20, retry.GetProperty("maxRetryCount").GetInt32());
    }

    [Fact]
    public void FunctionsMetadata_RollupIsATimer_AndTheHttpRoutesLeaveSignInToThePlatform_ButTheExportRouteTakesAKey()
    {
        JsonElement[] functions = LoadMetadata().EnumerateArray().ToArray();
        JsonElement timer = functions.Single(f => f.GetProperty("name").GetString() == "UsageRollup").GetProperty("bindings")[0];
        JsonElement http = functions.Single(f => f.GetProperty("name").GetString() == "GetUsage").GetProperty("bindings")[0];

        Assert.Equal("timerTrigger", timer.GetProperty("type").GetString());
        Assert.Equal("%RollupSchedule%", timer.GetProperty("schedule").GetString());
        JsonElement compaction = functions.Single(f => f.GetProperty("name").GetString() == "LandedCompaction").GetProperty("bindings")[0];
        Assert.Equal(
            ("timerTrigger", "%CompactionSchedule%"),
            (compaction.GetProperty("type").GetString(), compaction.GetProperty("schedule").GetString())
        );
        JsonElement close = functions.Single(f => f.GetProperty("name").GetString() == "MonthClose").GetProperty("bindings")[0];
        Assert.Equal(
            ("timerTrigger", "%MonthCloseSchedule%"),
            (close.GetProperty("type").GetString(), close.GetProperty("schedule").GetString())
        );
        Assert.Equal("httpTrigger", http.GetProperty("type").GetString());
        Assert.Equal("usage/{month}", http.GetProperty("route").GetString());
        Assert.Equal(["get"], http.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));

        // Every route but one is anonymous to the host: the platform's sign-in and the gate decide. The export route is
        // the one that takes a function key (and that the platform's sign-in leaves alone: infra).
        var levels = functions
            .Select(f => (Name: f.GetProperty("name").GetString()!, Binding: f.GetProperty("bindings")[0]))
            .Where(f => f.Binding.GetProperty("type").GetString() == "httpTrigger")
            .ToDictionary(f => f.Name, f => f.Binding.GetProperty("authLevel").GetString());
        Assert.Equal("Function", levels[FunctionNames.ExportUsage]);
        Assert.All(levels.Where(l => l.Key != FunctionNames.ExportUsage), l => Assert.Equal("Anonymous", l.Value));
        Assert.Equal(11, levels.Count);
    }

    /// <summary>Both kinds of queued unit are run by a queue trigger on their queue of the data account.</summary>
    [Theory]
    [InlineData(FunctionNames.CompactHour, "compaction-units")]
    [InlineData(FunctionNames.RollupHourShard, "rollup-units")]
    public void FunctionsMetadata_UnitFunction_IsAQueueTriggerOnItsQueue(string name, string queue)
    {
        JsonElement binding = LoadMetadata()
            .EnumerateArray()
            .Single(f => f.GetProperty("name").GetString() == name)
            .GetProperty("bindings")[0];

        Assert.Equal(
            ("queueTrigger", queue, "MetricsStorage"),
            (
                binding.GetProperty("type").GetString(),
                binding.GetProperty("queueName").GetString(),
                binding.GetProperty("connection").GetString()
            )
        );
    }

    /// <summary>
    /// The app and the CLI, whose workers run rollup units one after another, compact the large-object heap where it
    /// fragments (docs/scale.md, "Growth": without it a worker's memory grew unit after unit past its bound).
    /// </summary>
    [Theory]
    [InlineData("functions/Metrics.Functions", "Metrics.Functions")]
    [InlineData("tools/Metrics.Cli", "metrics")]
    public void RuntimeConfig_ConservesMemory(string project, string assembly)
    {
        string path = RepoPaths.Combine([
            .. project.Split('/'),
            "bin",
            FunctionsBuild.Configuration,
            "net10.0",
            $"{assembly}.runtimeconfig.json",
        ]);

        JsonElement properties = JsonDocument
            .Parse(File.ReadAllText(path))
            .RootElement.GetProperty("runtimeOptions")
            .GetProperty("configProperties");

        Assert.Equal(9, properties.GetProperty("System.GC.ConserveMemory").GetInt32());
    }

    [Fact]
    public void HostJson_EventHubsBatching_IsSetDeliberately()
    {
        JsonElement eventHubs = JsonDocument
            .Parse(File.ReadAllText(RepoPaths.Combine("host.json")))
            .RootElement.GetProperty("extensions")
            .GetProperty("eventHubs");

        Assert.Equal(1, eventHubs.GetProperty("batchCheckpointFrequency").GetInt32());
        int batch = eventHubs.GetProperty("maxEventBatchSize").GetInt32();
        Assert.InRange(eventHubs.GetProperty("prefetchCount").GetInt32(), batch, int.MaxValue);
        Assert.InRange(eventHubs.GetProperty("minEventBatchSize").GetInt32(), 1, batch);
    }

    [Fact]
    public void HostJson_QueueSettings_RunOneUnitAtATime_AndPoisonAfterTheAttemptsTheWorkerCounts()
    {
        JsonElement queues = JsonDocument
            .Parse(File.ReadAllText(RepoPaths.Combine("host.json")))
            .RootElement.GetProperty("extensions")
            .GetProperty("queues");

        // One unit per instance at a time bounds an instance's memory by one unit's (an hour's compaction: docs/scale.md).
        Assert.Equal((1, 0), (queues.GetProperty("batchSize").GetInt32(), queues.GetProperty("newBatchThreshold").GetInt32()));
        Assert.Equal(QueuedUnitRunner.MaxAttempts, queues.GetProperty("maxDequeueCount").GetInt32());
    }
}
