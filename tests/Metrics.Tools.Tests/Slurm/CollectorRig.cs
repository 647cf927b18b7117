using Metrics.Slurm;
using Metrics.Slurm.Hooks;
using Metrics.Slurm.Mapping;
using Metrics.Slurm.Runs;
using Microsoft.Extensions.Time.Testing;

namespace Metrics.Tools.Tests.Slurm;

/// <summary>
/// A collector over fixture squeue output and a hook directory of its own, with a fake clock and the events it emits
/// decoded back with the ingest's own decoder (so every event is also checked against the contract).
/// </summary>
internal sealed class CollectorRig : IDisposable
{
    public CollectorRig(string accounts, int heartbeatS = 300)
    {
        File.WriteAllText(AccountsFile, accounts);
        Writer = new JobEventWriter("hefei-aicc-1", new AccountInstitutions(AccountsFile), defaultGpuModel: null, heartbeatS, Log);
        Collector = NewCollector(new CollectorState());
    }

    public string Dir { get; } = Directory.CreateTempSubdirectory("metrics-slurm-").FullName;

    public string AccountsFile => Path.Combine(Dir, "accounts.csv");

    public string HookDir => Path.Combine(Dir, "hooks");

    public string StateDir => Path.Combine(Dir, "state");

    public FixtureSqueue Squeue { get; } = new();

    public FakeTimeProvider Time { get; } = new();

    public StringWriter Log { get; } = new();

    public JobEventWriter Writer { get; }

    public SlurmCollector Collector { get; private set; }

    public List<byte[]> Bodies { get; } = [];

    /// <summary>Every event emitted so far, decoded and validated as ingest would.</summary>
    public IReadOnlyList<JobEvent> Events =>
        Bodies
            .Select(b =>
            {
                DecodeResult<JobEvent> decoded = Metrics.Contract.JobEventDecoder.Decode(b, Time.GetUtcNow());
                Assert.True(decoded.IsValid, decoded.Rejection?.ToString());
                return decoded.Value!;
            })
            .ToArray();

    public SlurmCollector NewCollector(CollectorState state) =>
        Collector = new SlurmCollector(Squeue, new HookDirectory(HookDir, Log), state, Writer, Log, Time)
        {
            StateDirectory = StateDir,
            Emit = body =>
            {
                Bodies.Add(body);
                return true;
            },
        };

    /// <summary>A poll of <paramref name="fixture"/> at <paramref name="unixSeconds"/>; returns the events it emitted.</summary>
    public async Task<IReadOnlyList<JobEvent>> PollAsync(string fixture, long unixSeconds)
    {
        int before = Bodies.Count;
        Squeue.File = fixture;
        Time.SetUtcNow(DateTimeOffset.FromUnixTimeSeconds(unixSeconds));
        await Collector.PollAsync(CancellationToken.None);
        return Events.Skip(before).ToArray();
    }

    public void CopyHooks(params string[] names)
    {
        Directory.CreateDirectory(HookDir);
        foreach (string name in names)
        {
            File.Copy(FixtureSqueue.Path(Path.Combine("hooks", name)), Path.Combine(HookDir, name));
        }
    }

    public void Dispose() => Directory.Delete(Dir, recursive: true);
}
