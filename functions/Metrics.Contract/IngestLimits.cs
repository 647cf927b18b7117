namespace Metrics.Contract;

/// <summary>
/// How plausible an event's times must be, relative to its enqueued time. These bounds are what make the rollup work
/// caused by any one accepted event bounded: a GPU sample touches at most two UTC hours, and a job event at most
/// <see cref="MaxJobAge"/> of hours, however its timestamps were forged. docs/telemetry-contract.md documents each.
/// </summary>
public sealed record IngestLimits
{
    /// <summary>
    /// 14 days. A node agent's default 256 MiB spool holds about 12 days of 8-GPU samples at 10 s, so an agent that
    /// was offline for as long as its spool can hold still lands; a later timestamp is a replay, not a delay, and
    /// goes through <c>metrics ingest --backfill</c>. A hub replay keeps the original enqueued times, so it is not
    /// affected. Setting <c>IngestMaxEventAgeDays</c>.
    /// </summary>
    public static readonly TimeSpan DefaultMaxEventAge = TimeSpan.FromDays(14);

    /// <summary>
    /// 31 days: longer than any partition's wall-time limit at the centre (Slurm <c>MaxTime</c>; 14 days on the
    /// longest queue). A job that ran longer is rejected, not billed for a month of hours it cannot have used.
    /// Setting <c>IngestMaxJobAgeDays</c>.
    /// </summary>
    public static readonly TimeSpan DefaultMaxJobAge = TimeSpan.FromDays(31);

    /// <summary>
    /// No timestamp before 2000-01-01Z is accepted, even in a backfill: it is a zeroed clock or a forged value, and
    /// the bound keeps every date arithmetic of the pipeline far from <see cref="DateTimeOffset.MinValue"/>.
    /// </summary>
    public static readonly DateTimeOffset EarliestTimestamp = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The production limits: what the Event Hubs functions always use.</summary>
    public static IngestLimits Default { get; } = new();

    /// <summary>How far a timestamp may run ahead of the enqueued time (NTP drift on a bad day).</summary>
    public TimeSpan ClockSkew { get; init; } = ContractLimits.ClockSkewAllowance;

    /// <summary>How far a timestamp may lag behind the enqueued time; null in a backfill, which lifts this bound only.</summary>
    public TimeSpan? MaxEventAge { get; init; } = DefaultMaxEventAge;

    /// <summary>How long a job run may last: from its <c>startTime</c> to its event's <c>ts</c> (or <c>endTime</c>).</summary>
    public TimeSpan MaxJobAge { get; init; } = DefaultMaxJobAge;

    /// <summary>True when the maximum event age is lifted: a deliberate replay of historical files.</summary>
    public bool Backfill => MaxEventAge is null;

    /// <summary>
    /// The clusters whose events land (<c>AllowedClusters</c>, comma-separated); null accepts any. Anything else is
    /// dead-lettered as <see cref="RejectReason.UnknownCluster"/>, its neighbours in the batch landing as usual.
    /// </summary>
    public IReadOnlySet<string>? AllowedClusters { get; init; }

    /// <summary>Refuses an event of a cluster that is not allowed.</summary>
    /// <exception cref="RejectedEventException">The cluster is not in <see cref="AllowedClusters"/>.</exception>
    public void CheckCluster(string cluster)
    {
        if (AllowedClusters is { } allowed && !allowed.Contains(cluster))
        {
            throw new RejectedEventException(
                RejectReason.UnknownCluster,
                $"cluster '{cluster}' is not one this deployment accepts ({AllowedClustersSetting})"
            );
        }
    }

    /// <summary>
    /// <c>AllowedClusters</c> as a set: comma-separated cluster ids; empty or missing means any. A value that is no
    /// cluster id throws, naming the setting, so a typo stops the app instead of dead-lettering every event.
    /// </summary>
    public static IReadOnlySet<string>? ParseAllowedClusters(string? text)
    {
        string[] ids = (text ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (ids.Length == 0)
        {
            return null;
        }

        foreach (string id in ids)
        {
            if (!ContractPatterns.Id().IsMatch(id))
            {
                throw new InvalidOperationException(
                    $"{AllowedClustersSetting}: '{EchoedText.Cut(id, 64)}' is not a cluster id (letters, digits, '.', '_', '-')."
                );
            }
        }

        return ids.ToHashSet(StringComparer.Ordinal);
    }

    public const string AllowedClustersSetting = "AllowedClusters";

    /// <summary>The same limits with the maximum event age lifted (<c>metrics ingest --backfill</c>; never the functions).</summary>
    public IngestLimits ForBackfill() => this with { MaxEventAge = null };

    /// <summary>Reads the two day settings; a missing value keeps its default, a bad one throws with the setting's name.</summary>
    public static IngestLimits FromSettings(string? maxEventAgeDays, string? maxJobAgeDays, string? allowedClusters = null) =>
        new()
        {
            MaxEventAge = Days(maxEventAgeDays, MaxEventAgeDaysSetting, DefaultMaxEventAge),
            MaxJobAge = Days(maxJobAgeDays, MaxJobAgeDaysSetting, DefaultMaxJobAge),
            AllowedClusters = ParseAllowedClusters(allowedClusters),
        };

    public const string MaxEventAgeDaysSetting = "IngestMaxEventAgeDays";
    public const string MaxJobAgeDaysSetting = "IngestMaxJobAgeDays";

    private static TimeSpan Days(string? text, string name, TimeSpan fallback)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        if (
            !int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int days)
            || days < 1
            || days > 366
        )
        {
            throw new InvalidOperationException($"{name} must be a whole number of days between 1 and 366, got '{text}'.");
        }

        return TimeSpan.FromDays(days);
    }
}
