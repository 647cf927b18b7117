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
    ) => ReadShardAsync(hour, accounts, new HourShard(0, 1), cancellationToken);

    /// <summary>
    /// One shard of the hour's observed time (the GPUs whose uuid hashes to <paramref name="shard"/>): what one queued
    /// rollup unit reads. The shards' totals add up to the hour's. Within the shard, the bound holds as for a whole hour:
    /// a shard that outgrows it is read in sub-shards.
    /// </summary>
    public Task<IReadOnlyDictionary<UsageKey, ObservedSeconds>> ReadShardAsync(
        DateTimeOffset hour,
        JobAccounts accounts,
        HourShard shard,
        CancellationToken cancellationToken
    ) => CompactionRace.ListAgainIfGoneAsync(() => ReadListedAsync(hour, accounts, shard, cancellationToken));

    /// <summary>
    /// How many shards keep each within the bound, from the manifests' row counts; for a compacted hour, its files
    /// (one per shard of uuid hash, each read in one sorted pass that holds nothing per sample); 0 for an hour no GPU
    /// sample can reach (only jobs billed in it).
    /// </summary>
    public async Task<int> ShardsForAsync(DateTimeOffset hour, CancellationToken cancellationToken)
    {
        (IReadOnlyList<LandedFileRef> own, LandedFileRef[] next) = await ListAsync(hour, cancellationToken).ConfigureAwait(false);
        return own.Count + next.Length == 0 ? 0
            : IsCompacted(own) ? own.Count
            : ShardsFor(Estimate(own, next), 1);
    }

    private async Task<(IReadOnlyList<LandedFileRef> Own, LandedFileRef[] Next)> ListAsync(
        DateTimeOffset hour,
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
        LastFilesSkipped = nextListed.Count - next.Length;
        return (own, next);
    }

    /// <summary>
    /// Whether the hour is one compaction and nothing landed since: its files, in name order, are its shards in order.
    /// </summary>
    private static bool IsCompacted(IReadOnlyList<LandedFileRef> own) =>
        own.Count > 0 && own.Select(f => LandingPaths.CompactionGeneration(f.Path)).Distinct().ToArray() is [not null];

    /// <summary>
    /// Nearly every row of the hour's own files overlaps it; of the next hour's, only those within an interval of its
    /// start. A tenth is a generous guess for those; the bound catches any guess that is wrong.
    /// </summary>
    private static long Estimate(IReadOnlyList<LandedFileRef> own, LandedFileRef[] next) =>
        own.Sum(f => f.Rows ?? 0) + (next.Sum(f => f.Rows ?? 0) / 10);

    private int ShardsFor(long estimate, int of) => (int)Math.Max(1, Math.Ceiling(estimate * 1.1 / of / maxSamplesInMemory));

    private async Task<IReadOnlyDictionary<UsageKey, ObservedSeconds>> ReadListedAsync(
        DateTimeOffset hour,
        JobAccounts accounts,
        HourShard shard,
        CancellationToken cancellationToken
    )
    {
        (IReadOnlyList<LandedFileRef> own, LandedFileRef[] next) = await ListAsync(hour, cancellationToken).ConfigureAwait(false);
        LandedFileRef[] all = [.. own, .. next];
        LastFilesRead = all.Length;
        string[] paths = all.Select(f => f.Path).ToArray();
        if (IsCompacted(own) && own.Count > 1 && shard.Of == 1)
        {
            // The whole of an hour compacted into shard files: each file its shard's sorted pass, the totals added up.
            var totals = new Dictionary<UsageKey, ObservedSeconds>();
            for (int s = 0; s < own.Count; s++)
            {
                ObservedTotals.Add(
                    totals,
                    await ReadListedAsync(hour, accounts, new HourShard(s, own.Count), cancellationToken).ConfigureAwait(false)
                );
            }

            return totals;
        }

        if (IsCompacted(own) && (own.Count == 1 || own.Count == shard.Of))
        {
            // A closed hour, compacted into one file sorted by GPU and time: one pass that holds nothing per sample.
            // The next hour's files hold other times (a folder holds its own hour's samples), so no copy of a sample
            // spans the two; of theirs only the few samples that reach back into this hour are held.
            try
            {
                // Shard s of the hour is file s (LandingPaths.CompactedFile): every GPU of the shard, and no other.
                string file = own.Count == 1 ? own[0].Path : own.Select(f => f.Path).Order(StringComparer.Ordinal).ElementAt(shard.Index);
                return await ReadSortedAsync(hour, accounts, shard, file, next.Select(f => f.Path).ToArray(), cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (UnsortedInputException)
            {
                // Not the order compaction writes (a file from elsewhere?): read it the general way below, which
                // assumes no order. Slower, never wrong.
            }
        }

        return await ReadInShardsAsync(hour, accounts, paths, shard, ShardsFor(Estimate(own, next), shard.Of), cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>
    /// The shard read the general way, in as many sub-shards as keep each one's table within the bound; read again in
    /// more if one outgrows it (the estimate was wrong). Sub-shard <c>k</c> of <c>m</c> of shard <c>s</c> of <c>n</c> is
    /// shard <c>s + k n</c> of <c>m n</c>: the uuids hashing to it are exactly the shard's that hash to <c>k</c>.
    /// </summary>
    private async Task<IReadOnlyDictionary<UsageKey, ObservedSeconds>> ReadInShardsAsync(
        DateTimeOffset hour,
        JobAccounts accounts,
        string[] paths,
        HourShard shard,
        int parts,
        CancellationToken cancellationToken
    )
    {
        LastPeakSamples = 0;
        while (true)
        {
            var totals = new Dictionary<UsageKey, ObservedSeconds>();
            int? grown = null;
            for (int part = 0; part < parts && grown is null; part++)
            {
                var sub = new HourShard(shard.Index + (part * shard.Of), parts * shard.Of);
                grown = await ReadShardAsync(hour, accounts, paths, sub, parts, totals, cancellationToken).ConfigureAwait(false);
            }

            if (grown is null)
            {
                LastShards = parts;
                return totals;
            }

            parts = grown.Value;
        }
    }

    /// <summary>
    /// One sub-shard of the hour, its totals added to <paramref name="totals"/>; or, if it outgrows the bound, how many
    /// parts its shard needs instead of <paramref name="parts"/> (and nothing added).
    /// </summary>
    private async Task<int?> ReadShardAsync(
        DateTimeOffset hour,
        JobAccounts accounts,
        string[] paths,
        HourShard sub,
        int parts,
        Dictionary<UsageKey, ObservedSeconds> totals,
        CancellationToken cancellationToken
    )
    {
        using var scan = new ObservedHour(hour, sub.Index, sub.Of, accounts, maxRoom: 2L * maxSamplesInMemory);
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
                return Math.Max(parts * 2, (int)Math.Ceiling(parts * projected / maxSamplesInMemory));
            }
        }

        ObservedTotals.Add(totals, scan.Totals());

        return null;
    }

    private async Task<IReadOnlyDictionary<UsageKey, ObservedSeconds>> ReadSortedAsync(
        DateTimeOffset hour,
        JobAccounts accounts,
        HourShard shard,
        string compacted,
        string[] next,
        CancellationToken cancellationToken
    )
    {
        using var scan = new ObservedHour(hour, shard.Index, shard.Of, accounts);

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
        LastFilesRead = 1 + next.Length;
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
