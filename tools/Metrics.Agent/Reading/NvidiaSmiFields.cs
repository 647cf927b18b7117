namespace Metrics.Agent.Reading;

/// <summary>The <c>--query-gpu</c> fields the agent asks for, in order.</summary>
public static class NvidiaSmiFields
{
    public static readonly IReadOnlyList<string> Query =
    [
        "timestamp",
        "index",
        "uuid",
        "name",
        "utilization.gpu",
        "memory.total",
        "memory.used",
        "power.draw",
        "power.limit",
        "temperature.gpu",
    ];

    public static string Arguments => $"--query-gpu={string.Join(',', Query)} --format=csv,noheader,nounits";
}
