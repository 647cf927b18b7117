using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Metrics.Core.Allocations;

namespace Metrics.Core.Tests.Allocations;

/// <summary>
/// docs/schemas/allocation-event.schema.json is what the queue's consumers validate against: every event the code can
/// emit passes it, and it refuses what the code never emits.
/// </summary>
public sealed class AllocationEventSchemaTests
{
    private static readonly JsonSchema s_schema = JsonSchema.FromText(
        File.ReadAllText(RepoPaths.Combine("docs", "schemas", "allocation-event.schema.json"))
    );

    private static bool Valid(JsonNode? json) => s_schema.Evaluate(JsonSerializer.SerializeToElement(json)).IsValid;

    public static TheoryData<string?, string, string, int> Events()
    {
        var data = new TheoryData<string?, string, string, int>();
        foreach ((string basis, int pct) in AllocationEvent.Thresholds)
        {
            data.Add(null, Allocation.GpuHours, basis, pct);
            data.Add("proj-x", "CNY", basis, pct);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Events))]
    public void EveryEventTheCodeEmits_Passes(string? account, string unit, string basis, int pct)
    {
        var e = new AllocationEvent(
            "grant.7-a",
            "inst-a",
            account,
            unit,
            pct,
            basis,
            DateTimeOffset.UnixEpoch.AddDays(20000),
            12.3456m,
            99m,
            100m
        );

        Assert.True(Valid(JsonNode.Parse(AllocationEventJson.Serialize(e))));
    }

    [Theory]
    [InlineData("threshold_pct", "90")]
    [InlineData("basis", "\"expected\"")]
    [InlineData("unit", "\"yuan\"")]
    [InlineData("crossed_at", "\"2026-11-20 04:05\"")]
    [InlineData("amount", "0")]
    [InlineData("surprise", "1")]
    [InlineData("basis", "\"forecast\"")]
    public void WhatTheCodeNeverEmits_Fails(string field, string value)
    {
        var e = new AllocationEvent("g", "inst-a", null, "CNY", 80, AllocationEvent.Actual, DateTimeOffset.UnixEpoch, 80m, 90m, 100m);
        JsonNode json = JsonNode.Parse(AllocationEventJson.Serialize(e))!;
        json[field] = JsonNode.Parse(value);

        Assert.False(Valid(json));
    }
}
