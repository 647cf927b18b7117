namespace Metrics.Producer.Spooling;

/// <summary>What became of one event given to the spool. Everything but <see cref="OnDisk"/> is worth a log line.</summary>
public sealed record SpoolAppend(SpoolAppendKind Kind, string? Reason)
{
    public static SpoolAppend OnDisk { get; } = new(SpoolAppendKind.OnDisk, null);

    /// <summary>Written to disk after earlier writes had failed: the disk is usable again.</summary>
    public static SpoolAppend DiskRecovered { get; } = new(SpoolAppendKind.DiskRecovered, null);

    public static SpoolAppend InMemory(string reason) => new(SpoolAppendKind.InMemory, reason);

    public static SpoolAppend Refused(string reason) => new(SpoolAppendKind.Refused, reason);

    public bool Queued => Kind != SpoolAppendKind.Refused;
}
