using Metrics.Core.Lake;

namespace Metrics.Cli.Commands;

/// <summary>
/// <c>metrics lake pull --from HOUR --to HOUR --out DIR</c>: copies a range of the lake (the compacted hours' GPU samples
/// and job events, and the usage lines of every billing month the range touches) into a folder of the same layout, for
/// <c>metrics sql</c> or any engine that reads Parquet. An open month's lines are published fresh first; a closed month's
/// are its statement's.
/// </summary>
internal static class LakeCommand
{
    public static Command Create(CliContext context)
    {
        var from = new Option<string?>("--from") { Description = "First UTC hour, e.g. 2026-11-30T16.", Required = true };
        var to = new Option<string?>("--to") { Description = "Last UTC hour, inclusive.", Required = true };
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder to copy into (created if absent).", Required = true };
        var pull = new Command("pull", "Copy a range of the lake (hours' Parquet and the months' usage) into a local folder.")
        {
            from,
            to,
            output,
        };
        pull.Validators.Add(result => RollupCommand.ValidateRange(result, from, to));
        pull.SetAction((result, cancellationToken) => PullAsync(context, result, from, to, output, cancellationToken));
        return new Command("lake", "The Parquet lake analysts query (docs/lake.md).") { pull };
    }

    private static async Task<int> PullAsync(
        CliContext context,
        ParseResult result,
        Option<string?> from,
        Option<string?> to,
        Option<DirectoryInfo> output,
        CancellationToken cancellationToken
    )
    {
        RollupCommand.TryParseHour(result.GetValue(from)!, out DateTimeOffset first);
        RollupCommand.TryParseHour(result.GetValue(to)!, out DateTimeOffset last);
        if (last < first)
        {
            throw new CliFailure("--to is before --from");
        }

        StorageClients storage = context.CreateStorage();
        BillingCalendar calendar = context.CreateCalendar();
        var lake = new BlobLakeStore(storage.Blobs);
        string root = result.GetValue(output)!.FullName;
        var copied = new Dictionary<string, int>(StringComparer.Ordinal)
        {
            ["gpu"] = 0,
            ["jobs"] = 0,
            ["usage"] = 0,
        };
        (long bytes, int missing) = await CopyHoursAsync(lake, first, last, root, copied, cancellationToken).ConfigureAwait(false);
        UsageLakePublisher publisher = BillingStorage.CreateUsageLakePublisher(storage, calendar, context.TimeProvider);
        bytes += await CopyMonthsAsync(lake, publisher, MonthsOf(calendar, first, last), root, copied, cancellationToken)
            .ConfigureAwait(false);
        if (missing > 0)
        {
            await context
                .Error.WriteLineAsync(
                    $"warning: {missing} hour(s) of the range have no GPU file in the lake: not compacted yet (metrics compact)"
                )
                .ConfigureAwait(false);
        }

        await context
            .Out.WriteLineAsync(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"gpu_files={copied["gpu"]} jobs_files={copied["jobs"]} usage_files={copied["usage"]} bytes={bytes} "
                        + $"hours_missing={missing} out={root}"
                )
            )
            .ConfigureAwait(false);
        return ExitCodes.Success;
    }

    private static SortedSet<BillingMonth> MonthsOf(BillingCalendar calendar, DateTimeOffset first, DateTimeOffset last)
    {
        var months = new SortedSet<BillingMonth>();
        for (DateTimeOffset hour = first; hour <= last; hour = hour.AddHours(1))
        {
            months.Add(calendar.MonthOf(hour));
        }

        return months;
    }

    /// <summary>The usage of each billing month the range touches, an open month's published fresh first.</summary>
    private static async Task<long> CopyMonthsAsync(
        ILakeStore lake,
        UsageLakePublisher publisher,
        SortedSet<BillingMonth> months,
        string root,
        Dictionary<string, int> copied,
        CancellationToken cancellationToken
    )
    {
        long bytes = 0;
        foreach (BillingMonth month in months)
        {
            await publisher.PublishAsync(month, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
            bytes += await CopyAsync(lake, LakePaths.Usage(month), root, cancellationToken).ConfigureAwait(false);
            copied["usage"]++;
        }

        return bytes;
    }

    /// <summary>Every lake file of the range's hour folders into <paramref name="root"/>; bytes, and hours without a GPU file.</summary>
    private static async Task<(long Bytes, int Missing)> CopyHoursAsync(
        ILakeStore lake,
        DateTimeOffset first,
        DateTimeOffset last,
        string root,
        Dictionary<string, int> copied,
        CancellationToken cancellationToken
    )
    {
        long bytes = 0;
        int missing = 0;
        for (DateTimeOffset hour = first; hour <= last; hour = hour.AddHours(1))
        {
            foreach (TelemetryStream stream in new[] { TelemetryStream.Gpu, TelemetryStream.Jobs })
            {
                IReadOnlyList<LakeFile> files = await lake.ListAsync(LakePaths.HourFolder(stream, hour) + "/", cancellationToken)
                    .ConfigureAwait(false);
                missing += stream == TelemetryStream.Gpu && files.Count == 0 ? 1 : 0;
                foreach (LakeFile file in files)
                {
                    bytes += await CopyAsync(lake, file.Path, root, cancellationToken).ConfigureAwait(false);
                    copied[stream.Name()]++;
                }
            }
        }

        return (bytes, missing);
    }

    private static async Task<long> CopyAsync(ILakeStore lake, string path, string root, CancellationToken cancellationToken)
    {
        string target = Path.Combine(root, path.Replace('/', Path.DirectorySeparatorChar));
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        Stream source = await lake.OpenAsync(path, cancellationToken).ConfigureAwait(false);
        await using (source.ConfigureAwait(false))
        {
            // Written beside, then moved: a folder never holds half a file for a query to trip on.
            string partial = target + ".partial";
            FileStream file = File.Create(partial);
            await using (file.ConfigureAwait(false))
            {
                await source.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
            }

            File.Move(partial, target, overwrite: true);
            return new FileInfo(target).Length;
        }
    }
}
