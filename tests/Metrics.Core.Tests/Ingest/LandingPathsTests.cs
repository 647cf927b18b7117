namespace Metrics.Core.Tests.Ingest;

public sealed class LandingPathsTests
{
    [Fact]
    public void HourFile_GpuStream_FollowsTheContractLayout()
    {
        string path = LandingPaths.HourFile(TelemetryStream.Gpu, new DateTimeOffset(2026, 11, 27, 9, 59, 59, TimeSpan.Zero), "3", 120, 219);
        Assert.Equal("gpu/v1/date=2026-11-27/hour=09/p3-000000000120-000000000219.arrow", path);
    }

    [Fact]
    public void HourFile_JobStream_UsesTheJobsPrefix()
    {
        string path = LandingPaths.HourFile(TelemetryStream.Jobs, new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), "0", 0, 0);
        Assert.Equal("jobs/v1/date=2026-12-01/hour=00/p0-000000000000-000000000000.arrow", path);
    }

    [Fact]
    public void HourFile_NonUtcTimestamp_IsFiledUnderItsUtcHour()
    {
        // 2026-12-01 07:30 in Shanghai is 2026-11-30 23:30 UTC: the file belongs to the UTC day before.
        string path = LandingPaths.HourFile(
            TelemetryStream.Gpu,
            new DateTimeOffset(2026, 12, 1, 7, 30, 0, TimeSpan.FromHours(8)),
            "1",
            5,
            6
        );
        Assert.StartsWith("gpu/v1/date=2026-11-30/hour=23/", path, StringComparison.Ordinal);
    }

    [Fact]
    public void HourFile_SequenceBeyondTwelveDigits_IsWrittenInFull()
    {
        string path = LandingPaths.HourFile(TelemetryStream.Gpu, DateTimeOffset.UnixEpoch, "0", 1_234_567_890_123, 1_234_567_890_124);
        Assert.EndsWith("p0-1234567890123-1234567890124.arrow", path, StringComparison.Ordinal);
    }

    [Fact]
    public void DeadLetterFile_FollowsTheContractLayout()
    {
        Assert.Equal(
            "jobs/date=2026-11-27/p12-000000000007-000000000009.jsonl",
            LandingPaths.DeadLetterFile(TelemetryStream.Jobs, new DateOnly(2026, 11, 27), "12", 7, 9)
        );
    }

    [Theory]
    [InlineData("0", true)]
    [InlineData("31", true)]
    [InlineData("", false)]
    [InlineData("../x", false)]
    [InlineData("a/b", false)]
    public void IsValidPartitionId_KeepsPathsSafe(string id, bool valid)
    {
        Assert.Equal(valid, LandingPaths.IsValidPartitionId(id));
    }
}
