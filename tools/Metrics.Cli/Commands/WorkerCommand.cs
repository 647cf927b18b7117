namespace Metrics.Cli.Commands;

/// <summary>
/// <c>metrics worker</c>: what one instance of the queue-triggered function does, in this process: runs the units on
/// queue <c>compaction-units</c> one at a time until none is left, retries one that fails, and moves it to
/// <c>compaction-units-poison</c> after its last attempt. Prints one summary line; exits 1 when a unit was poisoned.
/// </summary>
internal static class WorkerCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("worker", "Run the queued compaction units until the queue is empty, as a function instance would.");
        command.SetAction(
            async (_, cancellationToken) =>
            {
                StorageClients storage = context.CreateStorage();
                LandedCompaction compaction = CompactionStorage.Create(storage, context.TimeProvider, LandedCompaction.DefaultGrace);
                UnitWorkerResult done = await new UnitWorker(
                    CompactionStorage.Queue(storage),
                    CompactionStorage.Runner(storage, context.TimeProvider)
                )
                    .RunUntilEmptyAsync(
                        async (unit, ct) => await compaction.RunUnitAsync(unit, ct).ConfigureAwait(false),
                        cancellationToken
                    )
                    .ConfigureAwait(false);
                foreach (UnitFailure failure in done.Failures)
                {
                    await context
                        .Error.WriteLineAsync($"poisoned (on compaction-units-poison, mark kept): {failure}")
                        .ConfigureAwait(false);
                }

                await context
                    .Out.WriteLineAsync(
                        string.Create(
                            CultureInfo.InvariantCulture,
                            $"queue=compaction-units done={done.Done} failed_attempts={done.FailedAttempts} poisoned={done.Failures.Count} "
                                + $"storage_requests={storage.Requests.Count}"
                        )
                    )
                    .ConfigureAwait(false);
                return done.Failures.Count == 0 ? ExitCodes.Success : ExitCodes.Failure;
            }
        );
        return command;
    }
}
