namespace Metrics.Integration.Tests;

/// <summary>
/// The whole pipeline against the simulator's own truth: a simulated day for 200 institutions, with duplicates, late
/// and malformed events and silent nodes, ingested and rolled up on Azurite, must bill exactly the GPU-hours the
/// simulator scheduled, for every (institution, model), to within 0.001 h.
/// </summary>
public sealed class SimulatedDayTests : IDisposable
{
    private readonly AzuriteStore _azurite = new();

    private readonly string _dir = Directory.CreateTempSubdirectory("metrics-sim-").FullName;

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 9, 11, 1, 0, 0, TimeSpan.Zero));

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private Task<string> RunAsync(params string[] args) => _azurite.RunOkAsync(_time, args);

    private static Dictionary<(string Institution, string Model), decimal> Read(string csv, int gpuHoursColumn) =>
        csv.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Skip(1)
            .Select(line => line.TrimEnd('\r').Split(','))
            .Where(cells => cells[0] == "2026-09")
            .ToDictionary(cells => (cells[1], cells[2]), cells => decimal.Parse(cells[gpuHoursColumn], CultureInfo.InvariantCulture));

    [Fact]
    public async Task SimulatedDay_IngestedAndRolledUp_BillsExactlyTheSimulatorsTruth()
    {
        string summary = await RunAsync(
            "simulate",
            "--institutions",
            "200",
            "--nodes",
            "24",
            "--gpus-per-node",
            "8",
            "--start",
            "2026-09-10T00:00:00Z",
            "--hours",
            "24",
            "--interval-s",
            "300",
            "--seed",
            "42",
            "--out",
            _dir,
            "--dup-rate",
            "0.02",
            "--late-rate",
            "0.05",
            "--bad-rate",
            "0.01",
            "--silent-rate",
            "0.1"
        );
        Assert.Contains("duplicates=", summary, StringComparison.Ordinal);

        await RunAsync(
            "ingest",
            "--stream",
            "jobs",
            "--file",
            Path.Combine(_dir, "jobs.jsonl"),
            "--partitions",
            "4",
            "--batch-size",
            "200"
        );
        await RunAsync("ingest", "--stream", "gpu", "--file", Path.Combine(_dir, "gpu.jsonl"), "--partitions", "4", "--batch-size", "200");
        await RunAsync("rollup");
        string usage = await RunAsync("usage", "--month", "2026-09");

        Dictionary<(string, string), decimal> truth = Read(File.ReadAllText(Path.Combine(_dir, "truth.csv")), 4);
        Dictionary<(string, string), decimal> billed = Read(usage, 4);
        Assert.True(truth.Count > 20, $"the simulation should bill many (institution, model) lines, got {truth.Count}");
        foreach (((string institution, string model), decimal hours) in truth)
        {
            Assert.True(billed.TryGetValue((institution, model), out decimal got), $"{institution} {model}: missing from usage");
            Assert.True(Math.Abs(got - hours) <= 0.001m, $"{institution} {model}: billed {got} h, truth {hours} h");
        }

        // Lines with GPU samples but no billed job time may exist (jobs-only truth); none may bill hours truth lacks.
        Assert.All(billed.Where(b => !truth.ContainsKey(b.Key)), b => Assert.Equal(0m, b.Value));

        // The day recomputed by four worker processes, one killed with SIGKILL in the middle of its unit: byte for byte
        // the usage of the one-process rollup.
        string recomputed = await KilledWorkerRollup.RunAsync(_azurite, "--progress", "--from", "2026-09-10T00", "--to", "2026-09-11T00");
        Assert.Contains("hours=25 ", recomputed, StringComparison.Ordinal);
        Assert.Equal(usage, await RunAsync("usage", "--month", "2026-09"));
    }
}
