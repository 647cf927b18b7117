using Metrics.Core.Operations;
using Metrics.Core.Usage;

namespace Metrics.Core.Compaction;

/// <summary>The app setting that tunes compaction, read and checked at start-up.</summary>
public static class CompactionSettings
{
    /// <summary>Minutes after an hour ends before it is compacted; default <see cref="LandedCompaction.DefaultGrace"/>.</summary>
    public const string GraceMinutesSetting = "CompactionGraceMinutes";

    public static TimeSpan GraceFromSetting(string? value) =>
        WholeNumberSetting.Read(value, GraceMinutesSetting, 7 * 24 * 60, "minutes") is { } minutes
            ? TimeSpan.FromMinutes(minutes)
            : LandedCompaction.DefaultGrace;
}
