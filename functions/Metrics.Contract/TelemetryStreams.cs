namespace Metrics.Contract;

/// <summary>The names each stream goes by: on the CLI, in blob paths, in event hubs and in schema tags.</summary>
public static class TelemetryStreams
{
    /// <summary>Short name used on the CLI, in blob prefixes and in table keys: <c>gpu</c> or <c>jobs</c>.</summary>
    public static string Name(this TelemetryStream stream) =>
        stream switch
        {
            TelemetryStream.Gpu => "gpu",
            TelemetryStream.Jobs => "jobs",
            _ => throw new ArgumentOutOfRangeException(nameof(stream), stream, "Unknown stream."),
        };

    /// <summary>The exact <c>schema</c> tag an event of this stream must carry.</summary>
    public static string SchemaTag(this TelemetryStream stream) =>
        stream switch
        {
            TelemetryStream.Gpu => "gpu-telemetry/1",
            TelemetryStream.Jobs => "job-event/1",
            _ => throw new ArgumentOutOfRangeException(nameof(stream), stream, "Unknown stream."),
        };

    /// <summary>Parses a short name (<c>gpu</c> or <c>jobs</c>); returns false for anything else.</summary>
    public static bool TryParse(string? name, out TelemetryStream stream)
    {
        switch (name)
        {
            case "gpu":
                stream = TelemetryStream.Gpu;
                return true;
            case "jobs":
                stream = TelemetryStream.Jobs;
                return true;
            default:
                stream = default;
                return false;
        }
    }
}
