using System.Text.Json;
using System.Text.Json.Serialization;
using Metrics.Core.Rollup;
using Metrics.Core.Scan;
using Metrics.Core.Usage;

namespace Metrics.Storage;

/// <summary>
/// The rollup's queued work in container <c>rollupunits</c>: per UTC hour, <c>{yyyyMMddHH}/plan.json</c> (the current
/// plan) and <c>{yyyyMMddHH}/{epoch}/{shard}.json</c> (one unit's observed seconds per line, a few hundred kilobytes at
/// most). A result is created with <c>If-None-Match: *</c>, so the first unit to finish writes it and a duplicate
/// writes nothing; an hour's blobs are deleted once the hour is written from them.
/// </summary>
public sealed class BlobHourShardResults(BlobServiceClient blobs) : IHourShardResults
{
    public const string Container = "rollupunits";

    private static readonly JsonSerializerOptions s_json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private readonly BlobContainerClient _container = blobs.GetBlobContainerClient(Container);

    public Task<HourPlan?> ReadPlanAsync(DateTimeOffset hour, CancellationToken cancellationToken) =>
        BlobJson.ReadOrNullAsync<HourPlan>(_container.GetBlobClient(PlanName(hour)), s_json, cancellationToken);

    public Task WritePlanAsync(HourPlan plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return BlobJson.WriteAsync(_container, _container.GetBlobClient(PlanName(plan.Hour)), plan, s_json, cancellationToken);
    }

    public async Task<IReadOnlySet<int>> ListDoneAsync(DateTimeOffset hour, string epoch, CancellationToken cancellationToken)
    {
        var done = new HashSet<int>();
        string prefix = EpochPrefix(hour, epoch);
        await foreach (
            BlobItem item in _container.ListOrNoneAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken).ConfigureAwait(false)
        )
        {
            if (int.TryParse(item.Name.AsSpan(prefix.Length).TrimEnd(".json"), CultureInfo.InvariantCulture, out int shard))
            {
                done.Add(shard);
            }
        }

        return done;
    }

    public async Task<bool> WriteAsync(
        HourShardUnit unit,
        IReadOnlyDictionary<UsageKey, ObservedSeconds> observed,
        CancellationToken cancellationToken
    )
    {
        ArgumentNullException.ThrowIfNull(unit);
        ArgumentNullException.ThrowIfNull(observed);
        Line[] lines = observed
            .OrderBy(l => l.Key)
            .Select(l => new Line(l.Key.Institution, l.Key.GpuModel, l.Key.Account, l.Value.Active, l.Value.Observed))
            .ToArray();
        return await BlobUploads
            .TryCreateAsync(
                _container,
                _container.GetBlobClient(ResultName(unit)),
                new BinaryData(JsonSerializer.SerializeToUtf8Bytes(lines, s_json)),
                new BlobUploadOptions(),
                cancellationToken
            )
            .ConfigureAwait(false);
    }

    public async Task<IReadOnlyDictionary<int, IReadOnlyDictionary<UsageKey, ObservedSeconds>>> ReadAsync(
        DateTimeOffset hour,
        string epoch,
        CancellationToken cancellationToken
    )
    {
        var parts = new Dictionary<int, IReadOnlyDictionary<UsageKey, ObservedSeconds>>();
        foreach (int shard in await ListDoneAsync(hour, epoch, cancellationToken).ConfigureAwait(false))
        {
            BlobDownloadResult content = (
                await _container
                    .GetBlobClient($"{EpochPrefix(hour, epoch)}{shard.ToString(CultureInfo.InvariantCulture)}.json")
                    .DownloadContentAsync(cancellationToken)
                    .ConfigureAwait(false)
            ).Value;
            Line[] lines = JsonSerializer.Deserialize<Line[]>(content.Content.ToMemory().Span, s_json) ?? [];
            parts[shard] = lines.ToDictionary(
                l => new UsageKey(l.Institution, l.Model, l.Account),
                l => new ObservedSeconds(l.Active, l.Observed)
            );
        }

        return parts;
    }

    public Task DeleteHourAsync(DateTimeOffset hour, CancellationToken cancellationToken) =>
        _container.DeleteAllAsync(UtcHours.Key(hour) + "/", cancellationToken);

    private static string PlanName(DateTimeOffset hour) => $"{UtcHours.Key(hour)}/plan.json";

    private static string EpochPrefix(DateTimeOffset hour, string epoch) => $"{UtcHours.Key(hour)}/{epoch}/";

    private static string ResultName(HourShardUnit unit) =>
        string.Create(CultureInfo.InvariantCulture, $"{EpochPrefix(unit.Hour, unit.Epoch)}{unit.Shard.Index}.json");

    private sealed record Line(
        [property: JsonPropertyName("i")] string Institution,
        [property: JsonPropertyName("m")] string Model,
        [property: JsonPropertyName("a")] string Account,
        [property: JsonPropertyName("active")] decimal Active,
        [property: JsonPropertyName("observed")] decimal Observed
    );
}
