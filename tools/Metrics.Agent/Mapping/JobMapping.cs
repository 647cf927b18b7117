namespace Metrics.Agent.Mapping;

/// <summary>
/// Which job holds each GPU, and which institution each job bills to. GPU to job follows the DCGM exporter's HPC
/// convention: a directory with one file per GPU index (<c>0</c>, <c>1</c>, ...) whose content is the job id, written by
/// the scheduler's prolog and removed by its epilog. Job to institution comes from a file of <c>jobId,institution</c>
/// lines (also kept by the prolog). Both are re-read every sample, since jobs come and go.
/// </summary>
public sealed class JobMapping(string? gpuJobDirectory, string? institutionsFile)
{
    private Dictionary<string, string> _institutions = new(StringComparer.Ordinal);
    private DateTime _institutionsStamp;

    /// <summary>The GPU's job and its institution, or (null, null) for an idle GPU or a job of unknown institution.</summary>
    public (string? JobId, string? Institution) Lookup(int gpuIndex)
    {
        if (gpuJobDirectory is null)
        {
            return (null, null);
        }

        string path = Path.Combine(gpuJobDirectory, gpuIndex.ToString(System.Globalization.CultureInfo.InvariantCulture));
        string? jobId = File.Exists(path) ? File.ReadLines(path).Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) : null;
        if (jobId is null)
        {
            return (null, null);
        }

        // The contract sends a job and its institution together: a busy GPU whose institution is unknown is reported
        // unattributed rather than billed to a guess.
        return Institutions().TryGetValue(jobId, out string? institution) ? (jobId, institution) : (null, null);
    }

    private Dictionary<string, string> Institutions()
    {
        if (institutionsFile is null || !File.Exists(institutionsFile))
        {
            return _institutions;
        }

        DateTime stamp = File.GetLastWriteTimeUtc(institutionsFile);
        if (stamp != _institutionsStamp)
        {
            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (string line in File.ReadLines(institutionsFile))
            {
                string trimmed = line.Trim();
                if (trimmed.Length == 0 || trimmed.StartsWith('#'))
                {
                    continue;
                }

                string[] parts = trimmed.Split(',', 2);
                if (parts.Length == 2)
                {
                    map[parts[0].Trim()] = parts[1].Trim();
                }
            }

            _institutions = map;
            _institutionsStamp = stamp;
        }

        return _institutions;
    }
}
