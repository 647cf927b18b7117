namespace Metrics.Slurm.Mapping;

/// <summary>
/// Which institution each Slurm account bills to: a file of <c>account,institution</c> lines (<c>#</c> starts a
/// comment), re-read when it changes, so an account added at the centre is picked up without a restart. A job whose
/// account the file does not name is held, and logged, until it does: billing a guess would be worse than billing late.
/// </summary>
public sealed class AccountInstitutions(string path)
{
    private Dictionary<string, string> _map = new(StringComparer.Ordinal);
    private DateTime _stamp;

    public string Path { get; } = path;

    public string? Find(string? account)
    {
        if (account is null)
        {
            return null;
        }

        Refresh();
        return _map.GetValueOrDefault(account);
    }

    private void Refresh()
    {
        if (!File.Exists(Path))
        {
            _map = new Dictionary<string, string>(StringComparer.Ordinal);
            return;
        }

        DateTime stamp = File.GetLastWriteTimeUtc(Path);
        if (stamp == _stamp)
        {
            return;
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in File.ReadLines(Path))
        {
            string trimmed = line.Trim();
            if (trimmed.Length == 0 || trimmed.StartsWith('#'))
            {
                continue;
            }

            string[] parts = trimmed.Split(',', 2);
            if (parts.Length == 2 && parts[0].Trim().Length > 0 && parts[1].Trim().Length > 0)
            {
                map[parts[0].Trim()] = parts[1].Trim();
            }
        }

        _map = map;
        _stamp = stamp;
    }
}
