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
        await BlobJson.WriteAsync(_container, _container.GetBlobClient(BlobName), run, s_json, cancellationToken).ConfigureAwait(false);
    }

    public Task<RollupRun?> LastAsync(CancellationToken cancellationToken) =>
        BlobJson.ReadOrNullAsync<RollupRun>(_container.GetBlobClient(BlobName), s_json, cancellationToken);
}
