using System.Globalization;

namespace Metrics.Simulator;

/// <summary>
/// Simulates a GPU cluster over a window and writes what its nodes and scheduler would send: <c>gpu.jsonl</c> (one
/// sample per node per interval) and <c>jobs.jsonl</c> (started, hourly-ish heartbeats, ended), in arrival order, with
/// duplicates, late and malformed events and silent nodes at the configured rates, plus <c>truth.csv</c>, the billed
/// GPU-hours the pipeline must find. Deterministic for a seed; memory is per node, not per event.
/// </summary>
public sealed class ClusterSimulator
{
    private static readonly (string Model, double Share)[] s_models =
    [
        ("H100-SXM5-80GB", 0.6),
        ("A100-SXM4-40GB", 0.3),
        ("L40S-48GB", 0.1),
    ];

    private static readonly int[] s_slotChoices = [8, 8, 8, 4, 4, 2, 1, 1];

    private readonly SimulationOptions _options;
    private readonly TimeZoneInfo _zone;
    private readonly Random _random;
    private readonly FaultInjector _faults;
    private readonly SimulatedEvents _events;
    private long _nextJobId = 1_000_000;

    /// <param name="options">What to simulate.</param>
    /// <param name="billingZone">The billing time zone, whose months the truth is kept in.</param>
    public ClusterSimulator(SimulationOptions options, TimeZoneInfo billingZone)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(billingZone);
        _options = options;
        _zone = billingZone;

        // One random sequence for the schedule, the readings and the faults: the same seed, the same files.
        _random = new Random(options.Seed);
        _faults = new FaultInjector(options, _random);
        _events = new SimulatedEvents(options, _random);
    }

    public async Task<SimulationSummary> RunAsync(string directory, IProgress<double>? progress, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var zipf = new ZipfSampler(_options.Institutions, 1.1);
        var truth = new TruthLedger(_zone);
        SimulatedNode[] nodes = CreateNodes(_options.Start, _options.End);
        long steps = (long)_options.Hours * 3600 / _options.IntervalS;
        long jobs = 0;

        var gpu = new EventFileWriter(Path.Combine(directory, "gpu.jsonl"));
        var jobEvents = new EventFileWriter(Path.Combine(directory, "jobs.jsonl"));
        try
        {
            for (long step = 1; step <= steps; step++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                jobs += Step(nodes, step, zipf, gpu, jobEvents, truth);
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
        foreach (SimulatedNode node in nodes)
        {
            if (node.Job is { StartEmitted: true } open)
            {
                truth.Add(open);
            }
        }

        await truth.WriteAsync(Path.Combine(directory, "truth.csv"), cancellationToken).ConfigureAwait(false);
        return new SimulationSummary(
            gpu.Written,
            jobEvents.Written,
            _faults.Duplicates,
            _faults.Late,
            _faults.Bad,
            nodes.Count(n => n.SilentFrom is not null),
            jobs,
            truth.Lines
        );
    }

    /// <summary>
    /// One sampling interval on every node: jobs start and end, each node not silent sends its sample, and what was
    /// written is released for its faults (resends, late delivery). Returns the jobs started.
    /// </summary>
    private long Step(SimulatedNode[] nodes, long step, ZipfSampler zipf, EventFileWriter gpu, EventFileWriter jobEvents, TruthLedger truth)
    {
        DateTimeOffset end = _options.Start.AddSeconds(step * _options.IntervalS);
        DateTimeOffset middle = end.AddSeconds(-_options.IntervalS / 2.0);
        long jobs = 0;
        foreach (SimulatedNode node in nodes)
        {
            // A sample shows the job that held the GPUs in the middle of its interval.
            jobs += Advance(node, middle, zipf, jobEvents, truth, step);
            SimulatedJob? running = node.Job is { } j && j.StartTime <= middle ? j : null;
            jobs += Advance(node, end, zipf, jobEvents, truth, step);
            if (!node.IsSilentAt(end))
            {
                _faults.Emit(gpu, _events.Sample(node, end, running), step, late: false);
            }
        }

        gpu.Release(step);
        jobEvents.Release(step);
        return jobs;
    }

    /// <summary>Moves a node's schedule forward to <paramref name="until"/>, emitting every job event due; returns jobs started.</summary>
    private int Advance(SimulatedNode node, DateTimeOffset until, ZipfSampler zipf, EventFileWriter writer, TruthLedger truth, long step)
    {
        int started = 0;
        while (true)
        {
            if (node.Job is null)
            {
                if (node.NextStart > until || node.NextStart >= _options.End)
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
                job.NextHeartbeat = job.StartTime.AddSeconds(_options.HeartbeatS);
                _faults.Emit(writer, _events.JobEvent(job, JobState.Started, job.StartTime), step, late: true);
            }

            while (job.NextHeartbeat < job.EndTime && job.NextHeartbeat <= until)
            {
                job.BilledThrough = job.NextHeartbeat;
                _faults.Emit(writer, _events.JobEvent(job, JobState.Running, job.NextHeartbeat), step, late: true);
                job.NextHeartbeat = job.NextHeartbeat.AddSeconds(_options.HeartbeatS);
            }

            if (job.EndTime > until)
            {
                return started;
            }

            job.EndEmitted = true;
            _faults.Emit(writer, _events.JobEvent(job, JobState.Ended, job.EndTime), step, late: true);
            truth.Add(job);
            node.Job = null;
            node.NextStart = job.EndTime.AddSeconds(_random.NextDouble() < 0.3 ? _random.Next(60, 3600) : _random.Next(0, 60));
        }
    }

    private SimulatedJob NewJob(SimulatedNode node, DateTimeOffset start, ZipfSampler zipf)
    {
        double seconds = Math.Exp((_random.NextDouble() * (Math.Log(3 * 86400) - Math.Log(300))) + Math.Log(300));
        int slots = node.IsMig ? 1 : Math.Min(_options.GpusPerNode, s_slotChoices[_random.Next(s_slotChoices.Length)]);
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

    private SimulatedNode[] CreateNodes(DateTimeOffset start, DateTimeOffset end)
    {
        var nodes = new SimulatedNode[_options.Nodes];
        long window = (long)(end - start).TotalSeconds;
        for (int i = 0; i < nodes.Length; i++)
        {
            double pick = _random.NextDouble(),
                acc = 0;
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
            DateTimeOffset first =
                _random.NextDouble() < 0.6 ? start.AddSeconds(-_random.Next(0, 12 * 3600)) : start.AddSeconds(_random.Next(0, 1200));
            var node = new SimulatedNode($"gn{i:D5}", model, i % 10 == 9, first, _options.GpusPerNode);
            if (_random.NextDouble() < _options.SilentRate)
            {
                node.SilentFrom = start.AddSeconds(_random.NextInt64(0, Math.Max(1, window)));
                node.SilentUntil = node.SilentFrom.Value.AddSeconds(_random.Next(600, 7200));
            }

            nodes[i] = node;
        }

        return nodes;
    }
}
