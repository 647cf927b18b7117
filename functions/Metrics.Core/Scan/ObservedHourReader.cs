using Apache.Arrow;
using Apache.Arrow.Ipc;
using Metrics.Contract;
using Metrics.Core.Landing;
using Metrics.Core.Usage;

namespace Metrics.Core.Scan;

/// <summary>
/// Reads one UTC hour's GPU samples (its own files, and the next hour's, whose samples can reach back into it) into
/// observed GPU time per line, record batch by record batch, in as many shards as keep each shard's deduplication table
/// within <paramref name="maxSamplesInMemory"/> distinct samples (32 bytes each; the GPUs' lists have room for at most
/// twice that). The shard count comes from the manifests' row counts; if a shard still outgrows the bound (counts
/// unknown or wrong) the hour is read again in more shards. Memory is bounded by the setting (plus one file's rows),
/// whatever the hour's size; a bigger hour costs more reads instead.
/// </summary>
public sealed class ObservedHourReader(ILandedFiles files, int maxSamplesInMemory)
{
    /// <summary>
    /// The default bound: 6 million distinct samples, about 200 MB of table, a tenth of the Function App instance's
    /// 2 GB. A full national hour (5.75 M samples, plus the next hour's that reach back) takes 2 shards.
    /// </summary>
    public const int DefaultMaxSamplesInMemory = 6_000_000;

    /// <summary>How many shards the last hour read took (each a pass over the files).</summary>
    public int LastShards { get; private set; }

    /// <summary>
    /// How many files the last read opened (each once per shard): the hour's own, and those of the next hour that reach back.
    /// </summary>
    public int LastFilesRead { get; private set; }

    /// <summary>The next hour's files the last read left unopened, because their manifests say they start after this hour.</summary>
    public int LastFilesSkipped { get; private set; }

    /// <summary>
    /// The most distinct samples any one table held during the last read, including a shard abandoned for growing past
    /// the bound: at most the bound plus one file's rows.
    /// </summary>
    public int LastPeakSamples { get; private set; }

    /// <summary>
    /// The hour's observed time per line (without accounts); read again from a new listing if compaction replaced a file meanwhile.
    /// </summary>
    public Task<IReadOnlyDictionary<UsageKey, ObservedSeconds>> ReadAsync(DateTimeOffset hour, CancellationToken cancellationToken) =>
        ReadAsync(hour, JobAccounts.None, cancellationToken);

    /// <summary>
    /// The hour's observed time per line and account, each sample under the account of its job in <paramref name="accounts"/>.
    /// </summary>
    public Task<IReadOnlyDictionary<UsageKey, ObservedSeconds>> ReadAsync(
        DateTimeOffset hour,
        JobAccounts accounts,
        CancellationToken cancellationToken
    ) => CompactionRace.ListAgainIfGoneAsync(() => ReadListedAsync(hour, accounts, cancellationToken));

    private async Task<IReadOnlyDictionary<UsageKey, ObservedSeconds>> ReadListedAsync(
        DateTimeOffset hour,
        JobAccounts accounts,
        CancellationToken cancellationToken
    )
    {
        IReadOnlyList<LandedFileRef> own = await files
            .ListHourWithRowsAsync(TelemetryStream.Gpu, hour, cancellationToken)
            .ConfigureAwait(false);
        // Of the next hour's files, only those whose samples can reach back into this hour: most of them, as their
        // manifests tell, start well after it ends, and reading them would double the work of a run of hours.
        DateTimeOffset end = UtcHours.Floor(hour).AddHours(1);
        IReadOnlyList<LandedFileRef> nextListed = await files
            .ListHourWithRowsAsync(TelemetryStream.Gpu, end, cancellationToken)
            .ConfigureAwait(false);
        LandedFileRef[] next = nextListed.Where(f => f.ReachesFrom is not { } reach || reach < end).ToArray();
        LandedFileRef[] all = [.. own, .. next];
        LastFilesRead = all.Length;
        LastFilesSkipped = nextListed.Count - next.Length;
        string[] paths = all.Select(f => f.Path).ToArray();
        if (own.Count == 1 && LandingPaths.CompactionGeneration(own[0].Path) is not null)
        {
            // A closed hour, compacted into one file sorted by GPU and time: one pass that holds nothing per sample.
            // The next hour's files hold other times (a folder holds its own hour's samples), so no copy of a sample
            // spans the two; of theirs only the few samples that reach back into this hour are held.
            try
            {
                return await ReadSortedAsync(hour, accounts, own[0].Path, next.Select(f => f.Path).ToArray(), cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (UnsortedInputException)
            {
                // Not the order compaction writes (a file from elsewhere?): read it the general way below, which
                // assumes no order. Slower, never wrong.
            }
        }

        // Nearly every row of the hour's own files overlaps it; of the next hour's, only those within an interval of its
        // start. A tenth is a generous guess for those; the bound below catches any guess that is wrong.
        long estimate = own.Sum(f => f.Rows ?? 0) + (next.Sum(f => f.Rows ?? 0) / 10);
        return await ReadInShardsAsync(hour, accounts, paths, estimate, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The hour read the general way, in as many shards as keep each shard's table within the bound; read again in more
    /// shards if one outgrows it (the estimate was wrong).
    /// </summary>
    private async Task<IReadOnlyDictionary<UsageKey, ObservedSeconds>> ReadInShardsAsync(
        DateTimeOffset hour,
        JobAccounts accounts,
        string[] paths,
        long estimate,
        CancellationToken cancellationToken
    )
    {
        int shards = (int)Math.Max(1, Math.Ceiling(estimate * 1.1 / maxSamplesInMemory));
        LastPeakSamples = 0;
        while (true)
        {
            var totals = new Dictionary<UsageKey, ObservedSeconds>();
            int? grown = null;
            for (int shard = 0; shard < shards && grown is null; shard++)
            {
                grown = await ReadShardAsync(hour, accounts, paths, shard, shards, totals, cancellationToken).ConfigureAwait(false);
            }

            if (grown is null)
            {
                LastShards = shards;
                return totals;
            }

            shards = grown.Value;
        }
    }

    /// <summary>
    /// One shard of the hour, its totals added to <paramref name="totals"/>; or, if it outgrows the bound, how many
    /// shards the hour needs instead (and nothing added).
    /// </summary>
    private async Task<int?> ReadShardAsync(
        DateTimeOffset hour,
        JobAccounts accounts,
        string[] paths,
        int shard,
        int shards,
        Dictionary<UsageKey, ObservedSeconds> totals,
        CancellationToken cancellationToken
    )
    {
        using var scan = new ObservedHour(hour, shard, shards, accounts, maxRoom: 2L * maxSamplesInMemory);
        int read = 0;
        await foreach (Stream stream in LandedFileStreams.OpenInOrderAsync(files, paths, cancellationToken).ConfigureAwait(false))
        {
            await ReadFileAsync(stream, scan, cancellationToken).ConfigureAwait(false);
            read++;
            LastPeakSamples = Math.Max(LastPeakSamples, scan.Count);
            if (scan.Count > maxSamplesInMemory)
            {
                // Projected over the files not yet read, with a margin: read the hour again in that many shards.
                double projected = (double)scan.Count * paths.Length / read * 1.25;
                return Math.Max(shards * 2, (int)Math.Ceiling(shards * projected / maxSamplesInMemory));
            }
        }

        foreach ((UsageKey key, ObservedSeconds seconds) in scan.Totals())
        {
            totals[key] = totals.TryGetValue(key, out ObservedSeconds sum) ? sum + seconds : seconds;
        }

        return null;
    }

    private async Task<IReadOnlyDictionary<UsageKey, ObservedSeconds>> ReadSortedAsync(
        DateTimeOffset hour,
        JobAccounts accounts,
        string compacted,
        string[] next,
        CancellationToken cancellationToken
    )
    {
        using var scan = new ObservedHour(hour, accounts: accounts);

        // The next hour's samples first: each GPU's are held until its rows of the sorted file end, then credited after
        // them, in time order, so that a second two samples cover counts once (ObservedHour).
        await foreach (Stream stream in LandedFileStreams.OpenInOrderAsync(files, next, cancellationToken).ConfigureAwait(false))
        {
            await ReadFileAsync(stream, scan, cancellationToken).ConfigureAwait(false);
        }

        int held = scan.Count;
        await using (Stream stream = await files.OpenAsync(compacted, cancellationToken).ConfigureAwait(false))
        {
            await foreach (RecordBatch batch in ArrowIpc.ReadBatchesAsync(stream, cancellationToken).ConfigureAwait(false))
            {
                scan.AddSorted(batch);
            }
        }

        LastShards = 1;
        LastPeakSamples = held;
        return scan.Totals();
    }

    private static async Task ReadFileAsync(Stream stream, ObservedHour scan, CancellationToken cancellationToken)
    {
        await foreach (RecordBatch batch in ArrowIpc.ReadBatchesAsync(stream, cancellationToken).ConfigureAwait(false))
        {
            scan.Add(batch);
        }
    }
}
