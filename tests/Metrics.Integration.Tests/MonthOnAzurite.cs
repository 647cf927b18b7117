namespace Metrics.Integration.Tests;

/// <summary>
/// A month billed on a store of its own (<see cref="AzuriteStore"/>: its prefix keeps this month's marks, statements
/// and files from every other test's, so any fixed month will do), with a folder for the CLI's files, a run id for
/// names, and a clock on the 20th at 00:00 UTC, before the month ends. Where the month-close, accounts and statement
/// tests start.
/// </summary>
public abstract class MonthOnAzurite : IDisposable
{
    protected MonthOnAzurite(BillingMonth month, string name)
    {
        Month = month;
        Dir = Directory.CreateTempSubdirectory($"metrics-{name}-").FullName;
        Time.SetUtcNow(At(20, 0));
    }

    public AzuriteStore Azurite { get; } = new();

    public FakeTimeProvider Time { get; } = new();

    public string Dir { get; }

    /// <summary>Part of this run's names (institutions, clusters, vouchers).</summary>
    public string Run { get; } = Guid.NewGuid().ToString("N")[..8];

    public BillingMonth Month { get; }

    public DateTimeOffset At(int day, int hour, int minute = 0) => new(Month.Year, Month.Month, day, hour, minute, 0, TimeSpan.Zero);

    /// <summary>Ingests <paramref name="lines"/> (an event body each) into <paramref name="stream"/> with the CLI, as a backfill.</summary>
    public async Task IngestAsync(string stream, params string[] lines)
    {
        string path = Path.Combine(Dir, $"{stream}-{Guid.NewGuid():N}.jsonl");
        await File.WriteAllTextAsync(path, string.Join('\n', lines) + "\n");
        await Azurite.RunOkAsync(Time, "ingest", "--stream", stream, "--file", path, "--backfill");
    }

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Directory.Delete(Dir, recursive: true);
        }
    }
}
