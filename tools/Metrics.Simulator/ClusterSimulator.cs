using System.Globalization;
using System.Text;
using Metrics.Core.Billing;
using Metrics.Core.Telemetry;

namespace Metrics.Simulator;

/// <summary>
/// Simulates a GPU cluster over a window and writes what its nodes and scheduler would send: <c>gpu.jsonl</c> (one
/// sample per node per interval) and <c>jobs.jsonl</c> (started, hourly-ish heartbeats, ended), in arrival order, with
/// duplicates, late and malformed events and silent nodes at the configured rates, plus <c>truth.csv</c>, the billed
/// GPU-hours the pipeline must find. Deterministic for a seed; memory is per node, not per event.
/// </summary>
public sealed class ClusterSimulator(SimulationOptions options, BillingCalendar calendar)
{
    private static readonly (string Model, double Share)[] s_models =
    [
        ("H100-SXM5-80GB", 0.6), ("A100-SXM4-40GB", 0.3), ("L40S-48GB", 0.1),
    ];

    private static readonly int[] s_slotChoices = [8, 8, 8, 4, 4, 2, 1, 1];

    private readonly Random _random = new(options.Seed);
    private long _nextJobId = 1_000_000;
    private long _duplicates, _late, _bad;

    public async Task<SimulationSummary> RunAsync(string directory, IProgress<double>? progress, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var zipf = new ZipfSampler(options.Institutions, 1.1);
        var truth = new TruthLedger(calendar.Zone);
        Node[] nodes = CreateNodes(options.Start, options.End);
        long steps = (long)options.Hours * 3600 / options.IntervalS;
        long jobs = 0;

        var gpu = new EventFileWriter(Path.Combine(directory, "gpu.jsonl"));
        var jobEvents = new EventFileWriter(Path.Combine(directory, "jobs.jsonl"));
        try
        {
            for (long step = 1; step <= steps; step++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                DateTimeOffset end = options.Start.AddSeconds(step * options.IntervalS);
                DateTimeOffset middle = end.AddSeconds(-options.IntervalS / 2.0);
                foreach (Node node in nodes)
                {
                    // A sample shows the job that held the GPUs in the middle of its interval.
                    jobs += Advance(node, middle, zipf, jobEvents, truth, step);
                    SimulatedJob? running = node.Job is { } j && j.StartTime <= middle ? j : null;
                    jobs += Advance(node, end, zipf, jobEvents, truth, step);
                    if (!node.IsSilentAt(end))
                    {
                        Emit(gpu, Sample(node, end, running), step, late: false);
                    }
                }

                gpu.Release(step);
                jobEvents.Release(step);
                if (step % 16 == 0 || step == steps)
                {
                    progress?.Report((double)step / steps);
                }
            }
        }
        finally
        {
            // Delayed (late, resent) events are written last, after everything they were overtaken by.
            await gpu.DisposeAsync().ConfigureAwait(false);
            await jobEvents.DisposeAsync().ConfigureAwait(false);
        }

        // Jobs still running at the end of the window bill through their latest heartbeat.
        foreach (Node node in nodes)
        {
            if (node.Job is { StartEmitted: true } open)
            {
                truth.Add(open);
            }
        }

        await truth.WriteAsync(Path.Combine(directory, "truth.csv"), cancellationToken).ConfigureAwait(false);
        return new SimulationSummary(gpu.Written, jobEvents.Written, _duplicates, _late, _bad, nodes.Count(n => n.SilentFrom is not null), jobs, truth.Lines);
    }

    /// <summary>Moves a node's schedule forward to <paramref name="until"/>, emitting every job event due; returns jobs started.</summary>
    private int Advance(Node node, DateTimeOffset until, ZipfSampler zipf, EventFileWriter writer, TruthLedger truth, long step)
    {
        int started = 0;
        while (true)
        {
            if (node.Job is null)
            {
                if (node.NextStart > until || node.NextStart >= options.End)
                {
                    return started;
                }

                node.Job = NewJob(node, node.NextStart, zipf);
                started++;
            }

            SimulatedJob job = node.Job;
            if (!job.StartEmitted)
            {
                if (job.StartTime > until)
                {
                    return started;
                }

                job.StartEmitted = true;
                job.BilledThrough = job.StartTime;
                job.NextHeartbeat = job.StartTime.AddSeconds(options.HeartbeatS);
                Emit(writer, JobEvent(job, JobState.Started, job.StartTime), step, late: true);
            }

            while (job.NextHeartbeat < job.EndTime && job.NextHeartbeat <= until)
            {
                job.BilledThrough = job.NextHeartbeat;
                Emit(writer, JobEvent(job, JobState.Running, job.NextHeartbeat), step, late: true);
                job.NextHeartbeat = job.NextHeartbeat.AddSeconds(options.HeartbeatS);
            }

            if (job.EndTime > until)
            {
                return started;
            }

            job.EndEmitted = true;
            Emit(writer, JobEvent(job, JobState.Ended, job.EndTime), step, late: true);
            truth.Add(job);
            node.Job = null;
            node.NextStart = job.EndTime.AddSeconds(_random.NextDouble() < 0.3 ? _random.Next(60, 3600) : _random.Next(0, 60));
        }
    }

    private void Emit(EventFileWriter writer, byte[] line, long step, bool late)
    {
        if (late && _random.NextDouble() < options.LateRate)
        {
            _late++;
            writer.Delay(line, step + _random.Next(1, Math.Max(2, 3600 / options.IntervalS)));
        }
        else
        {
            writer.Write(line);
        }

        if (_random.NextDouble() < options.DupRate)
        {
            _duplicates++;
            writer.Delay(line, step + _random.Next(1, 20));
        }

        if (_random.NextDouble() < options.BadRate)
        {
            _bad++;
            writer.Write(Corrupt(line));
        }
    }

    /// <summary>An invalid variant of a valid event: it must be dead-lettered, never billed.</summary>
    private byte[] Corrupt(byte[] line) => _random.Next(4) switch
    {
        0 => line[..(line.Length / 2)],
        1 => Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(line).Replace("\"schema\":\"", "\"schema\":\"x-", StringComparison.Ordinal)),
        2 => Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(line).Replace("\"cluster\":\"", "\"cluster\":\"bad cluster ", StringComparison.Ordinal)),
        _ => [.. "{\"schema\":"u8, .. line],
    };

    private SimulatedJob NewJob(Node node, DateTimeOffset start, ZipfSampler zipf)
    {
        double seconds = Math.Exp((_random.NextDouble() * (Math.Log(3 * 86400) - Math.Log(300))) + Math.Log(300));
        int slots = node.IsMig ? 1 : Math.Min(options.GpusPerNode, s_slotChoices[_random.Next(s_slotChoices.Length)]);
        double gpus = node.IsMig ? _random.Next(1, 4) / 7.0 : slots;
        return new SimulatedJob
        {
            JobId = (_nextJobId++).ToString(CultureInfo.InvariantCulture),
            Institution = $"inst-{zipf.Next(_random) + 1:D5}",
            GpuModel = node.Model,
            Gpus = gpus,
            GpuSlots = slots,
            Cpus = slots * 8,
            StartTime = start,
            EndTime = start.AddSeconds(Math.Round(seconds)),
            Utilisation = 20 + (_random.NextDouble() * 80),
        };
    }

    private Node[] CreateNodes(DateTimeOffset start, DateTimeOffset end)
    {
        var nodes = new Node[options.Nodes];
        long window = (long)(end - start).TotalSeconds;
        for (int i = 0; i < nodes.Length; i++)
        {
            double pick = _random.NextDouble(), acc = 0;
            string model = s_models[^1].Model;
            foreach ((string m, double share) in s_models)
            {
                acc += share;
                if (pick < acc)
                {
                    model = m;
                    break;
                }
            }

            // Some jobs were already running when the window opened; their started event arrives now, late.
            DateTimeOffset first = _random.NextDouble() < 0.6 ? start.AddSeconds(-_random.Next(0, 12 * 3600)) : start.AddSeconds(_random.Next(0, 1200));
            var node = new Node($"gn{i:D5}", model, i % 10 == 9, first, options.GpusPerNode);
            if (_random.NextDouble() < options.SilentRate)
            {
                node.SilentFrom = start.AddSeconds(_random.NextInt64(0, Math.Max(1, window)));
                node.SilentUntil = node.SilentFrom.Value.AddSeconds(_random.Next(600, 7200));
            }

            nodes[i] = node;
        }

        return nodes;
    }

    private byte[] Sample(Node node, DateTimeOffset ts, SimulatedJob? job)
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
                node.Model,
                busy ? job!.JobId : null,
                busy ? job!.Institution : null,
                Math.Round(util, 1),
                busy ? 20000 + _random.Next(0, 20000) : 0,
                40960,
                Math.Round(busy ? 200 + (util * 5) : 60 + _random.NextDouble() * 20, 1),
                busy ? 55 + _random.Next(0, 25) : 30 + _random.Next(0, 6));
        }

        return ContractJson.Serialize(new GpuSample(options.Cluster, node.Name, ts, options.IntervalS, gpus));
    }

    private byte[] JobEvent(SimulatedJob job, JobState state, DateTimeOffset ts) => ContractJson.Serialize(new JobEvent
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
        GpuModel = job.GpuModel,
        Cpus = job.Cpus,
    });

    /// <summary>One node: its GPU model, whether its GPUs are MIG-partitioned (jobs take sevenths of a GPU), its schedule.</summary>
    private sealed class Node(string name, string model, bool isMig, DateTimeOffset firstStart, int gpus)
    {
        public string Name { get; } = name;
        public string Model { get; } = model;
        public bool IsMig { get; } = isMig;
        public DateTimeOffset NextStart { get; set; } = firstStart;
        public SimulatedJob? Job { get; set; }
        public DateTimeOffset? SilentFrom { get; set; }
        public DateTimeOffset SilentUntil { get; set; }

        public string[] GpuUuids { get; } = Enumerable.Range(0, gpus).Select(i => SyntheticGpuUuid.For(name, i)).ToArray();

        public bool IsSilentAt(DateTimeOffset ts) => SilentFrom is { } from && ts >= from && ts < SilentUntil;
    }
}
