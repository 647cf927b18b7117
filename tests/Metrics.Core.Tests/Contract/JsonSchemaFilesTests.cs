using System.Text.Json;

namespace Metrics.Core.Tests.Contract;

/// <summary>
/// The JSON Schema files in functions/Metrics.Contract/Schemas are what producers validate against: they must not drift
/// from the code.
/// </summary>
public sealed class JsonSchemaFilesTests
{
    private static JsonElement Load(string file) =>
        JsonDocument.Parse(File.ReadAllText(RepoPaths.Combine("functions", "Metrics.Contract", "Schemas", file))).RootElement;

    /// <summary>
    /// A schema pattern (ECMA-262, where <c>$</c> is the end of input) in .NET form, where only <c>\z</c> is: the
    /// validator's patterns end in <c>\z</c> so that a value with a trailing newline does not match.
    /// </summary>
    private static string AsDotnet(JsonElement pattern)
    {
        string text = pattern.GetProperty("pattern").GetString()!;
        Assert.EndsWith("$", text);
        return string.Concat(text.AsSpan(0, text.Length - 1), "\\z");
    }

    [Fact]
    public void GpuSchema_PatternsAndLimits_MatchTheValidator()
    {
        JsonElement schema = Load("gpu-telemetry-1.schema.json");
        JsonElement defs = schema.GetProperty("$defs");
        JsonElement gpu = schema.GetProperty("properties").GetProperty("gpus").GetProperty("items").GetProperty("properties");

        Assert.Equal("gpu-telemetry/1", schema.GetProperty("properties").GetProperty("schema").GetProperty("const").GetString());
        Assert.Equal(ContractPatterns.Id().ToString(), AsDotnet(defs.GetProperty("id")));
        Assert.Equal(ContractPatterns.JobId().ToString(), AsDotnet(defs.GetProperty("jobId")));
        Assert.Equal(ContractPatterns.GpuModel().ToString(), AsDotnet(defs.GetProperty("model")));
        Assert.Equal(ContractPatterns.Timestamp().ToString(), AsDotnet(defs.GetProperty("timestamp")));
        Assert.Equal(ContractPatterns.GpuUuid().ToString(), AsDotnet(gpu.GetProperty("uuid")));
        Assert.Equal(
            ContractLimits.MaxIntervalS,
            schema.GetProperty("properties").GetProperty("intervalS").GetProperty("maximum").GetInt32()
        );
        Assert.Equal(
            ContractLimits.MaxGpusPerSample,
            schema.GetProperty("properties").GetProperty("gpus").GetProperty("maxItems").GetInt32()
        );
        Assert.Equal(ContractLimits.MaxGpuIndex, gpu.GetProperty("index").GetProperty("maximum").GetInt32());
    }

    [Fact]
    public void JobSchema_PatternsAndLimits_MatchTheValidator()
    {
        JsonElement schema = Load("job-event-1.schema.json");
        JsonElement properties = schema.GetProperty("properties");

        Assert.Equal("job-event/1", properties.GetProperty("schema").GetProperty("const").GetString());
        Assert.Equal(ContractPatterns.EventId().ToString(), AsDotnet(properties.GetProperty("eventId")));
        Assert.Equal(ContractPatterns.JobId().ToString(), AsDotnet(properties.GetProperty("jobId")));
        Assert.Equal(ContractPatterns.GpuModel().ToString(), AsDotnet(properties.GetProperty("gpuModel")));
        Assert.Equal(ContractPatterns.Id().ToString(), AsDotnet(schema.GetProperty("$defs").GetProperty("id")));
        Assert.Equal(ContractLimits.MaxJobGpus, properties.GetProperty("gpus").GetProperty("maximum").GetDouble());
    }
}
