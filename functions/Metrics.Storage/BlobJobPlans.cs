using System.Text.Json;
using Metrics.Core.Rollup;

namespace Metrics.Storage;

/// <summary>
/// The job phase's queued work in container <c>rollupunits</c>, beside the hours': per UTC day of job hours,
/// <c>jobs/{yyyyMMdd}/plan.json</c> and <c>jobs/{yyyyMMdd}/{epoch}/{slice}.json</c> (the runs the slice changed),
/// created with <c>If-None-Match: *</c> so that a slice is recorded done once; a day's blobs are deleted once its marks
/// are cleared.
/// </summary>
public sealed class BlobJobPlans(BlobServiceClient blobs) : IJobPlans
{
    private static readonly JsonSerializerOptions s_json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private readonly BlobContainerClient _container = blobs.GetBlobContainerClient(BlobHourShardResults.Container);

    public Task<JobPlan?> ReadAsync(string day, CancellationToken cancellationToken) =>
        BlobJson.ReadOrNullAsync<JobPlan>(_container.GetBlobClient($"jobs/{day}/plan.json"), s_json, cancellationToken);

    public Task WriteAsync(JobPlan plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return BlobJson.WriteAsync(_container, _container.GetBlobClient($"jobs/{plan.Day}/plan.json"), plan, s_json, cancellationToken);
    }

    public async Task<IReadOnlyDictionary<int, int>> ListDoneAsync(string day, string epoch, CancellationToken cancellationToken)
    {
        var done = new Dictionary<int, int>();
        string prefix = $"jobs/{day}/{epoch}/";
        await foreach (
            BlobItem item in _container
                .ListOrNoneAsync(new GetBlobsOptions { Prefix = prefix, Traits = BlobTraits.Metadata }, cancellationToken)
                .ConfigureAwait(false)
        )
        {
            if (
                int.TryParse(item.Name.AsSpan(prefix.Length).TrimEnd(".json"), CultureInfo.InvariantCulture, out int slice)
                && item.Metadata.TryGetValue("changed", out string? changed)
            )
            {
                done[slice] = int.Parse(changed, CultureInfo.InvariantCulture);
            }
        }

        return done;
    }

    public Task<bool> DoneAsync(string day, string epoch, int slice, int changed, CancellationToken cancellationToken) =>
        BlobUploads.TryCreateAsync(
            _container,
            _container.GetBlobClient(string.Create(CultureInfo.InvariantCulture, $"jobs/{day}/{epoch}/{slice}.json")),
            BinaryData.FromString("{}"),
            new BlobUploadOptions
            {
                Metadata = new Dictionary<string, string> { ["changed"] = changed.ToString(CultureInfo.InvariantCulture) },
            },
            cancellationToken
        );

    public Task DeleteAsync(string day, CancellationToken cancellationToken) =>
        _container.DeleteAllAsync($"jobs/{day}/", cancellationToken);
}
