using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Metrics.Cli.Commands;

/// <summary>
/// <c>metrics deadletters --stream gpu|jobs [--date YYYY-MM-DD] [--out FILE]</c>: the original bodies of dead-lettered
/// events, one per line and byte for byte, so a producer's mistake can be fixed and the events ingested again with
/// <c>metrics ingest</c>. A count per reason goes to stderr.
/// </summary>
internal static class DeadLettersCommand
{
    public static Command Create(CliContext context)
    {
        var stream = new Option<string>("--stream") { Description = "gpu or jobs.", Required = true };
        stream.AcceptOnlyFromAmong("gpu", "jobs");
        var date = new Option<string?>("--date") { Description = "Only this UTC enqueued date, yyyy-MM-dd." };
        date.Validators.Add(r =>
        {
            string? value = r.GetValueOrDefault<string?>();
            if (value is not null && !DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            {
                r.AddError($"--date must be yyyy-MM-dd, got '{value}'.");
            }
        });
        var output = new Option<FileInfo?>("--out") { Description = "Write the bodies to this file instead of standard output." };
        var command = new Command("deadletters", "Export the original bodies of dead-lettered events, for correction and re-ingest.")
        {
            stream,
            date,
            output,
        };
        command.SetAction((result, cancellationToken) => RunAsync(context, result, stream, date, output, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(
        CliContext context,
        ParseResult result,
        Option<string> stream,
        Option<string?> date,
        Option<FileInfo?> output,
        CancellationToken cancellationToken
    )
    {
        TelemetryStreams.TryParse(result.GetValue(stream), out TelemetryStream parsed);
        string prefix = $"{parsed.Name()}/" + (result.GetValue(date) is { } d ? $"date={d}/" : string.Empty);
        BlobContainerClient container = context.CreateStorage().Blobs.GetBlobContainerClient(LandingPaths.DeadLetterContainer);
        FileInfo? file = result.GetValue(output);
        await using Stream sink = file is null ? Console.OpenStandardOutput() : File.Create(file.FullName);
        var reasons = new SortedDictionary<string, int>(StringComparer.Ordinal);
        await foreach (
            BlobItem blob in container.ListOrNoneAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken).ConfigureAwait(false)
        )
        {
            BinaryData content = (await container.GetBlobClient(blob.Name).DownloadContentAsync(cancellationToken).ConfigureAwait(false))
                .Value
                .Content;
            foreach ((string reason, byte[] body) in DeadLetterEncoder.Decode(content.ToString()))
            {
                reasons[reason] = reasons.GetValueOrDefault(reason) + 1;
                await sink.WriteAsync(body, cancellationToken).ConfigureAwait(false);
                sink.WriteByte((byte)'\n');
            }
        }

        foreach ((string reason, int count) in reasons)
        {
            await context
                .Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{count} event(s): {reason}"))
                .ConfigureAwait(false);
        }

        await context
            .Error.WriteLineAsync(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"exported={reasons.Values.Sum()}{(file is null ? string.Empty : $" to {file.FullName}")}"
                )
            )
            .ConfigureAwait(false);
        return ExitCodes.Success;
    }
}
