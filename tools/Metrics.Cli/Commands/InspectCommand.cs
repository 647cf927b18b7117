using Apache.Arrow;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Metrics.Core.Landing;

namespace Metrics.Cli.Commands;

/// <summary>
/// <c>metrics inspect FILE|BLOB-PATH [--rows N]</c>: schema, row count, time range, first rows of a landed file.
/// A blob path that names a folder (<c>telemetry/gpu/v1/date=2026-11-27/</c>) lists the blobs under it instead.
/// </summary>
internal static partial class InspectCommand
{
    public static Command Create(CliContext context)
    {
        var target = new Argument<string>("target")
        {
            Description =
                "A local .arrow file, or a blob path such as telemetry/gpu/v1/date=.../x.arrow (the container defaults to telemetry).",
        };
        var rows = new Option<int>("--rows") { Description = "How many rows to show.", DefaultValueFactory = _ => 5 };
        var command = new Command("inspect", "Show the schema, row count, min/max ts and first rows of a landed Arrow file.")
        {
            target,
            rows,
        };
        command.SetAction(
            (result, cancellationToken) =>
                RunAsync(context, result.GetValue(target)!, Math.Max(0, result.GetValue(rows)), cancellationToken)
        );
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, string target, int rows, CancellationToken cancellationToken)
    {
        TextWriter output = context.Out;
        Stream content;
        if (File.Exists(target))
        {
            content = File.OpenRead(target);
            await output.WriteLineAsync($"file: {Path.GetFullPath(target)}").ConfigureAwait(false);
        }
        else
        {
            (string container, string path) = SplitBlobPath(target);
            BlobServiceClient blobs = context.CreateStorage().Blobs;
            BlobContainerClient containerClient = blobs.GetBlobContainerClient(container);
            if (path.Length == 0 || path.EndsWith('/'))
            {
                return await ListAsync(output, blobs, container, path, target, cancellationToken).ConfigureAwait(false);
            }

            BlobDownloadResult download;
            try
            {
                download = (await containerClient.GetBlobClient(path).DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value;
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                // Not a blob: perhaps a folder. Listing what is under it is more helpful than a bare "not found".
                return await ListAsync(output, blobs, container, path, target, cancellationToken).ConfigureAwait(false);
            }

            await output.WriteLineAsync($"blob: {container}/{path}").ConfigureAwait(false);
            foreach ((string key, string value) in download.Details.Metadata.OrderBy(m => m.Key, StringComparer.Ordinal))
            {
                await output.WriteLineAsync($"  {key}: {value}").ConfigureAwait(false);
            }

            content = download.Content.ToStream();
        }

        await using (content.ConfigureAwait(false))
        {
            ArrowFileSummary summary;
            try
            {
                summary = await ArrowFileSummary.ReadAsync(content, rows, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is InvalidDataException or InvalidOperationException or ArgumentException or IOException)
            {
                throw new CliFailure($"{target} is not a readable Arrow IPC file: {ex.Message}", ex);
            }

            await WriteAsync(output, summary).ConfigureAwait(false);
        }

        return ExitCodes.Success;
    }

    private const int MaxListed = 100;

    private static async Task<int> ListAsync(
        TextWriter output,
        BlobServiceClient blobs,
        string containerName,
        string prefix,
        string target,
        CancellationToken cancellationToken
    )
    {
        BlobContainerClient container = blobs.GetBlobContainerClient(containerName);
        int listed = 0;
        await foreach (
            BlobItem item in container.ListOrNoneAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken).ConfigureAwait(false)
        )
        {
            if (listed == MaxListed)
            {
                await output.WriteLineAsync($"... (more than {MaxListed}; narrow the prefix)").ConfigureAwait(false);
                break;
            }

            await output.WriteLineAsync($"{containerName}/{item.Name}\t{item.Properties.ContentLength} bytes").ConfigureAwait(false);
            listed++;
        }

        if (listed == 0)
        {
            throw new CliFailure($"no such file or blob: {target} (nothing under {containerName}/{prefix})");
        }

        if (containerName == LandingPaths.TelemetryContainer && HourFolder().Match(prefix) is { Success: true } hour)
        {
            // An hour's folder may hold files a compaction replaced: say which ones a reader (billing) takes.
            TelemetryStream stream = hour.Groups[1].Value == TelemetryStream.Gpu.Name() ? TelemetryStream.Gpu : TelemetryStream.Jobs;
            DateTimeOffset start = DateTimeOffset.ParseExact(
                $"{hour.Groups[2].Value}T{hour.Groups[3].Value}",
                "yyyy-MM-dd'T'HH",
                CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal
            );
            LandedHourView view = await LandedHourView
                .ReadAsync(new BlobLandedFiles(blobs), stream, start, cancellationToken)
                .ConfigureAwait(false);
            string compacted = view.Manifest is { } manifest
                ? $"compaction generation {manifest.Generation} ({manifest.Rows} rows) and "
                : string.Empty;
            await output
                .WriteLineAsync(
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"readers see: {compacted}{view.Landed.Count} landed file(s) not yet compacted; {view.Superseded.Count} file(s) "
                            + $"replaced and awaiting deletion"
                    )
                )
                .ConfigureAwait(false);
        }

        return ExitCodes.Success;
    }

    [System.Text.RegularExpressions.GeneratedRegex(
        @"^(gpu|jobs)/v1/date=(\d{4}-\d{2}-\d{2})/hour=(\d{2})/$",
        System.Text.RegularExpressions.RegexOptions.CultureInvariant
    )]
    private static partial System.Text.RegularExpressions.Regex HourFolder();

    private static (string Container, string Path) SplitBlobPath(string target)
    {
        string trimmed = target.TrimStart('/');
        foreach (string container in new[] { LandingPaths.TelemetryContainer, LandingPaths.DeadLetterContainer })
        {
            if (trimmed.StartsWith(container + "/", StringComparison.Ordinal))
            {
                return (container, trimmed[(container.Length + 1)..]);
            }
        }

        return (LandingPaths.TelemetryContainer, trimmed);
    }

    private static async Task WriteAsync(TextWriter output, ArrowFileSummary summary)
    {
        await output.WriteLineAsync("schema:").ConfigureAwait(false);
        foreach (Field field in summary.Schema.FieldsList)
        {
            await output
                .WriteLineAsync(
                    $"  {field.Name}: {ArrowFileSummary.TypeName(field.DataType)}{(field.IsNullable ? " (nullable)" : string.Empty)}"
                )
                .ConfigureAwait(false);
        }

        if (summary.Schema.HasMetadata)
        {
            foreach ((string key, string value) in summary.Schema.Metadata)
            {
                await output.WriteLineAsync($"  [{key}={value}]").ConfigureAwait(false);
            }
        }

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"rows: {summary.Rows}")).ConfigureAwait(false);
        await output.WriteLineAsync($"min_ts: {Format(summary.MinTs)}").ConfigureAwait(false);
        await output.WriteLineAsync($"max_ts: {Format(summary.MaxTs)}").ConfigureAwait(false);
        if (summary.FirstRows.Count == 0)
        {
            return;
        }

        await output.WriteLineAsync($"first {summary.FirstRows.Count} rows:").ConfigureAwait(false);
        await output.WriteLineAsync(string.Join('\t', summary.Schema.FieldsList.Select(f => f.Name))).ConfigureAwait(false);
        foreach (IReadOnlyList<string> row in summary.FirstRows)
        {
            await output.WriteLineAsync(string.Join('\t', row)).ConfigureAwait(false);
        }
    }

    private static string Format(DateTimeOffset? value) =>
        value?.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFF'Z'", CultureInfo.InvariantCulture) ?? "-";
}
