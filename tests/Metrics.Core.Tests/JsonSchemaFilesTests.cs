using System.Text.Json;
using Metrics.Core.Validation;
using Metrics.Tests.Shared;

namespace Metrics.Core.Tests;

/// <summary>The JSON Schema files in docs/schemas are what producers validate against: they must not drift from the code.</summary>
public sealed class JsonSchemaFilesTests
{
    private static JsonElement Load(string file) =>
        JsonDocument.Parse(File.ReadAllText(RepoPaths.Combine("docs", "schemas", file))).RootElement;

    [Fact]
    public void GpuSchema_PatternsAndLimits_MatchTheValidator()
    {
        JsonElement schema = Load("gpu-telemetry-1.schema.json");
        JsonElement defs = schema.GetProperty("$defs");
        JsonElement gpu = schema.GetProperty("properties").GetProperty("gpus").GetProperty("items").GetProperty("properties");

        Assert.Equal("gpu-telemetry/1", schema.GetProperty("properties").GetProperty("schema").GetProperty("const").GetString());
        Assert.Equal(ContractPatterns.Id().ToString(), defs.GetProperty("id").GetProperty("pattern").GetString());
        Assert.Equal(ContractPatterns.JobId().ToString(), defs.GetProperty("jobId").GetProperty("pattern").GetString());
        Assert.Equal(ContractPatterns.GpuModel().ToString(), defs.GetProperty("model").GetProperty("pattern").GetString());
        Assert.Equal(ContractPatterns.Timestamp().ToString(), defs.GetProperty("timestamp").GetProperty("pattern").GetString());
        Assert.Equal(ContractPatterns.GpuUuid().ToString(), gpu.GetProperty("uuid").GetProperty("pattern").GetString());
        Assert.Equal(ContractLimits.MaxIntervalS, schema.GetProperty("properties").GetProperty("intervalS").GetProperty("maximum").GetInt32());
        Assert.Equal(ContractLimits.MaxGpusPerSample, schema.GetProperty("properties").GetProperty("gpus").GetProperty("maxItems").GetInt32());
        Assert.Equal(ContractLimits.MaxGpuIndex, gpu.GetProperty("index").GetProperty("maximum").GetInt32());
    }

    [Fact]
    public void JobSchema_PatternsAndLimits_MatchTheValidator()
    {
        JsonElement schema = Load("job-event-1.schema.json");
        JsonElement properties = schema.GetProperty("properties");

        Assert.Equal("job-event/1", properties.GetProperty("schema").GetProperty("const").GetString());
        Assert.Equal(ContractPatterns.EventId().ToString(), properties.GetProperty("eventId").GetProperty("pattern").GetString());
        Assert.Equal(ContractPatterns.JobId().ToString(), properties.GetProperty("jobId").GetProperty("pattern").GetString());
        Assert.Equal(ContractPatterns.GpuModel().ToString(), properties.GetProperty("gpuModel").GetProperty("pattern").GetString());
        Assert.Equal(ContractPatterns.Id().ToString(), schema.GetProperty("$defs").GetProperty("id").GetProperty("pattern").GetString());
        Assert.Equal(ContractLimits.MaxJobGpus, properties.GetProperty("gpus").GetProperty("maximum").GetDouble());
    }
}
