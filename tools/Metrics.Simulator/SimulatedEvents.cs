namespace Metrics.Simulator;

/// <summary>The events a simulated node and the scheduler send, written with the contract's one writer.</summary>
internal sealed class SimulatedEvents(SimulationOptions options, Random random)
{
    private readonly Random _random = random;

    public byte[] Sample(SimulatedNode node, DateTimeOffset ts, SimulatedJob? job)
    {
        var gpus = new GpuReading[options.GpusPerNode];
        for (int i = 0; i < gpus.Length; i++)
        {
            // The random draws come in this order (utilisation, memory, power, temperature): the same seed, the same cluster.
            bool busy = job is not null && i < job.GpuSlots;
            double util = busy ? Math.Clamp(job!.Utilisation + ((_random.NextDouble() - 0.5) * 20), 0, 100) : 0;
            gpus[i] = new GpuReading(
                node.GpuUuids[i],
                i,
                options.RealNames ? ReportedNames.NvidiaSmi(node.Model) : node.Model,
                busy ? job!.JobId : null,
                busy ? job!.Institution : null,
                Math.Round(util, 1),
                busy ? 20000 + _random.Next(0, 20000) : 0,
                40960,
                Math.Round(busy ? 200 + (util * 5) : 60 + _random.NextDouble() * 20, 1),
                busy ? 55 + _random.Next(0, 25) : 30 + _random.Next(0, 6)
            );
        }

        return ContractJson.Serialize(new GpuSample(options.Cluster, node.Name, ts, options.IntervalS, gpus));
    }

    public byte[] JobEvent(SimulatedJob job, JobState state, DateTimeOffset ts) =>
        ContractJson.Serialize(
            new JobEvent
            {
                EventId = ContractJson.JobEventId(options.Cluster, job.JobId, state, ts),
                Cluster = options.Cluster,
                JobId = job.JobId,
                State = state,
                Ts = ts,
                Institution = job.Institution,
                Account = $"proj-{job.Institution}",
                Queue = "gpu",
                StartTime = job.StartTime,
                EndTime = state == JobState.Ended ? ts : null,
                ExitState = state == JobState.Ended ? "COMPLETED" : null,
                Gpus = job.Gpus,
                GpuModel = options.RealNames ? ReportedNames.GresType(job.GpuModel) : job.GpuModel,
                Cpus = job.Cpus,
            }
        );
}
