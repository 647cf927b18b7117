using System.Text.Json;
using Metrics.Core.Operations;

namespace Metrics.Storage;

/// <summary>
/// The last rollup run, as one small JSON blob beside the rollup's lock (<c>locks/rollup-last-run.json</c>), replaced
/// by every run: one request a run, read by <c>metrics status</c>.
/// </summary>
public sealed class BlobRollupRuns(BlobServiceClient blobs, TimeProvider time) : IRollupRuns
{
    public const string BlobName = "rollup-last-run.json";

    private static readonly JsonSerializerOptions s_json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private readonly BlobContainerClient _container = blobs.GetBlobContainerClient(BlobWorkLock.Container);

    public async Task RecordAsync(RollupResult result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        var run = new RollupRun(
            time.GetUtcNow(),
            result.JobHoursRead,
            result.HoursRecomputed,
            result.MonthsRecomputed,
            result.MarksKeptForNextRun,
            result.FailedHours,
            result.FailedMonths,
            result.Failures.Count > 0 ? result.Failures[0].ToString() : null
        );
        var options = new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" } };
        await BlobUploads
            .UploadCreatingContainerAsync(
                _container,
                _container.GetBlobClient(BlobName),
                new BinaryData(JsonSerializer.SerializeToUtf8Bytes(run, s_json)),
                options,
                cancellationToken
            )
            .ConfigureAwait(false);
    }

    public async Task<RollupRun?> LastAsync(CancellationToken cancellationToken)
    {
        try
        {
            BlobDownloadResult content = (
                await _container.GetBlobClient(BlobName).DownloadContentAsync(cancellationToken).ConfigureAwait(false)
            ).Value;
            return JsonSerializer.Deserialize<RollupRun>(content.Content.ToMemory().Span, s_json);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }
}
