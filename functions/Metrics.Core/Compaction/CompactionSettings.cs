namespace Metrics.Core.Compaction;

/// <summary>The app setting that tunes compaction, read and checked at start-up.</summary>
public static class CompactionSettings
{
    /// <summary>Minutes after an hour ends before it is compacted; default <see cref="LandedCompaction.DefaultGrace"/>.</summary>
    public const string GraceMinutesSetting = "CompactionGraceMinutes";

    public static TimeSpan GraceFromSetting(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return LandedCompaction.DefaultGrace;
        }

        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int minutes) && minutes <= 7 * 24 * 60
            ? TimeSpan.FromMinutes(minutes)
            : throw new InvalidOperationException(
                $"{GraceMinutesSetting} must be a whole number of minutes from 0 to 10080, got '{value}'."
            );
    }
}
