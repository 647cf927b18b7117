using System.Text.RegularExpressions;
using Metrics.Slurm.Controller;

namespace Metrics.Slurm.Hooks;

/// <summary>
/// What one run of the controller's hook (tools/slurm/slurmctld-prolog.sh or -epilog.sh) recorded: when it ran, the
/// job's environment as slurmctld gave it, and the job as <c>scontrol show job -d -o</c> showed it at that moment (times
/// as Unix seconds). A prolog runs as a run starts, an epilog as it ends: for a requeued run, the only place its end
/// is ever visible without accounting.
/// </summary>
public sealed partial record HookRecord(string Path, bool IsEnd, long Time, string JobId, int? RestartCount, int? ExitCode, SlurmJob? Job)
{
    /// <summary>Reads one record file; null (with the reason in <paramref name="problem"/>) when it is not one.</summary>
    public static HookRecord? Parse(string path, string text, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(text);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in text.Split('\n'))
        {
            int eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                values[line[..eq].Trim()] = line[(eq + 1)..].TrimEnd('\r');
            }
        }

        bool? isEnd = values.GetValueOrDefault("SLURM_SCRIPT_CONTEXT") switch
        {
            "prolog_slurmctld" => false,
            "epilog_slurmctld" => true,
            _ => null,
        };
        if (isEnd is null)
        {
            problem = "SLURM_SCRIPT_CONTEXT is neither prolog_slurmctld nor epilog_slurmctld";
            return null;
        }

        if (!values.TryGetValue("SLURM_JOB_ID", out string? jobId) || jobId.Length == 0)
        {
            problem = "no SLURM_JOB_ID";
            return null;
        }

        if (
            !values.TryGetValue("METRICS_HOOK_TIME", out string? time)
            || !decimal.TryParse(time, NumberStyles.Number, CultureInfo.InvariantCulture, out decimal seconds)
        )
        {
            problem = "no METRICS_HOOK_TIME";
            return null;
        }

        SlurmJob? job = values.TryGetValue("METRICS_SCONTROL", out string? scontrol) ? FromScontrol(scontrol, values) : null;
        problem = null;
        return new HookRecord(
            path,
            isEnd.Value,
            (long)decimal.Floor(seconds),
            jobId,
            Int(values.GetValueOrDefault("SLURM_JOB_RESTART_COUNT")) ?? job?.RestartCount,
            Int(values.GetValueOrDefault("SLURM_JOB_EXIT_CODE")),
            job
        );
    }

    /// <summary>The job from <c>scontrol show job -d -o</c> with <c>SLURM_TIME_FORMAT=%s</c>; null when it is not that.</summary>
    internal static SlurmJob? FromScontrol(string line, IReadOnlyDictionary<string, string> environment)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        var gres = new List<string>();
        foreach (Match field in Field().Matches(line))
        {
            string key = field.Groups["key"].Value;
            if (key == "GRES")
            {
                gres.Add(field.Groups["value"].Value);
            }

            fields.TryAdd(key, field.Groups["value"].Value);
        }

        if (!fields.TryGetValue("JobId", out string? jobId) || !fields.TryGetValue("JobState", out string? state))
        {
            return null;
        }

        int nodes = Int(fields.GetValueOrDefault("NumNodes")) ?? 1;
        string? user = fields.GetValueOrDefault("UserId") is { } u ? u.Split('(')[0] : environment.GetValueOrDefault("SLURM_JOB_USER");
        return new SlurmJob
        {
            JobId = jobId,
            State = state,
            Account = Known(fields.GetValueOrDefault("Account")) ?? Known(environment.GetValueOrDefault("SLURM_JOB_ACCOUNT")),
            User = Known(user),
            Partition = Known(fields.GetValueOrDefault("Partition")) ?? Known(environment.GetValueOrDefault("SLURM_JOB_PARTITION")),
            Cluster = Known(environment.GetValueOrDefault("SLURM_CLUSTER_NAME")),
            SubmitTime = Long(fields.GetValueOrDefault("SubmitTime")),
            StartTime = Long(fields.GetValueOrDefault("StartTime")),
            EndTime = Long(fields.GetValueOrDefault("EndTime")),
            RestartCount = Int(fields.GetValueOrDefault("Restarts")) ?? 0,
            Nodes = Known(fields.GetValueOrDefault("NodeList")),
            NodeCount = nodes,
            Cpus = Int(fields.GetValueOrDefault("NumCPUs")),
            Gpus = GpuAllocation.Of(
                fields.GetValueOrDefault("TRES"),
                gres,
                Known(fields.GetValueOrDefault("TresPerJob")),
                Known(fields.GetValueOrDefault("TresPerNode")) ?? Known(fields.GetValueOrDefault("JOB_GRES")),
                nodes
            ),
        };
    }

    private static string? Known(string? value) => value is null or "" or "(null)" or "N/A" or "Unknown" ? null : value;

    private static int? Int(string? value) => int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) ? n : null;

    private static long? Long(string? value) =>
        long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out long n) && n > 0 ? n : null;

    [GeneratedRegex(@"(?:^|\s)(?<key>[A-Za-z_/:]+)=(?<value>\S*)", RegexOptions.CultureInvariant)]
    private static partial Regex Field();
}
