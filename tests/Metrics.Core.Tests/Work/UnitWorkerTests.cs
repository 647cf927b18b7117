using Metrics.Core.Work;
using Microsoft.Extensions.Time.Testing;

namespace Metrics.Core.Tests.Work;

/// <summary>
/// A worker in one process: every unit run once when it succeeds, a failing one retried and then poisoned, none blocking
/// the others.
/// </summary>
public sealed class UnitWorkerTests
{
    private readonly InMemoryWorkQueue _queue = new();
    private readonly InMemoryUnitFailures _failures = new();

    private UnitWorker Worker() => new(_queue, new QueuedUnitRunner(_failures, new FakeTimeProvider()));

    [Fact]
    public async Task AUnitThatAlwaysFails_IsTriedMaxAttemptsThenPoisoned_AndTheOthersAreDone()
    {
        WorkUnit[] units =
        [
            new(MarkKind.CompactGpu, "2026112710"),
            new(MarkKind.CompactGpu, "2026112711"),
            new(MarkKind.CompactJobs, "2026112710"),
        ];
        await _queue.EnqueueAsync(units, CancellationToken.None);
        var runs = new List<WorkUnit>();

        UnitWorkerResult result = await Worker()
            .RunUntilEmptyAsync(
                (unit, _) =>
                {
                    runs.Add(unit);
                    return unit.Key == "2026112711" ? throw new IOException("disk on fire") : Task.CompletedTask;
                },
                CancellationToken.None
            );

        Assert.Equal((2, QueuedUnitRunner.MaxAttempts), (result.Done, result.FailedAttempts));
        Assert.Equal(QueuedUnitRunner.MaxAttempts, runs.Count(u => u == units[1]));
        Assert.Equal(1, runs.Count(u => u == units[0]));
        UnitFailure poisoned = Assert.Single(result.Failures);
        Assert.Equal((MarkKind.CompactGpu, "2026112711", "disk on fire"), (poisoned.Kind, poisoned.Key, poisoned.Message));
        Assert.Equal([units[1]], _queue.Poisoned);
        Assert.True(_failures.Failed[units[1]].Poisoned);
        Assert.Empty(_queue.Visible);
    }

    [Fact]
    public async Task AUnitThatFailsThenSucceeds_IsDone_AndItsFailureForgotten()
    {
        var unit = new WorkUnit(MarkKind.CompactGpu, "2026112710");
        await _queue.EnqueueAsync([unit], CancellationToken.None);
        int attempts = 0;

        UnitWorkerResult result = await Worker()
            .RunUntilEmptyAsync((_, _) => ++attempts < 3 ? throw new IOException("throttled") : Task.CompletedTask, CancellationToken.None);

        Assert.Equal((1, 2), (result.Done, result.FailedAttempts));
        Assert.Empty(result.Failures);
        Assert.Empty(_failures.Failed);
        Assert.Empty(_queue.Poisoned);
    }

    [Theory]
    [InlineData("{\"kind\":\"compact-gpu\",\"key\":\"2026112710\"}", true)]
    [InlineData("{\"kind\":\"bake\",\"key\":\"2026112710\"}", false)]
    [InlineData("{\"kind\":\"compact-gpu\"}", false)]
    [InlineData("not json", false)]
    public void AUnitsMessage_ReadsBackOrIsRefusedNamingWhy(string json, bool valid)
    {
        if (valid)
        {
            WorkUnit unit = WorkUnit.Parse(Encoding.UTF8.GetBytes(json));
            Assert.Equal(json, Encoding.UTF8.GetString(unit.ToJson()));
        }
        else
        {
            Assert.Throws<FormatException>(() => WorkUnit.Parse(Encoding.UTF8.GetBytes(json)));
        }
    }
}
