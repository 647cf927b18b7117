namespace Metrics.Tests.Shared.Fakes;

/// <summary>Reads back what an <see cref="InMemoryLandingStore"/> holds in the telemetry container.</summary>
public sealed class InMemoryLandedFiles(InMemoryLandingStore store) : ILandedFiles
{
    public Task<IReadOnlyList<string>> ListHourAsync(TelemetryStream stream, DateTimeOffset hour, CancellationToken cancellationToken)
    {
        string prefix = $"{LandingPaths.TelemetryContainer}/{LandingPaths.HourPrefix(stream, hour)}";
        return Task.FromResult<IReadOnlyList<string>>(
            store.Files.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray()
        );
    }

    /// <summary>
    /// With the manifest's row counts, as the blob listing gives them. Set <see cref="HideRowCounts"/> to act like a store that cannot
    /// tell.
    /// </summary>
    public async Task<IReadOnlyList<LandedFileRef>> ListHourWithRowsAsync(
        TelemetryStream stream,
        DateTimeOffset hour,
        CancellationToken cancellationToken
    ) =>
        (await ListHourAsync(stream, hour, cancellationToken))
            .Select(p => new LandedFileRef(
                p,
                !HideRowCounts && store.Files[p].Metadata.TryGetValue(ManifestKeys.Rows, out string? rows)
                    ? long.Parse(rows, System.Globalization.CultureInfo.InvariantCulture)
                    : null
            ))
            .ToArray();

    public bool HideRowCounts { get; set; }

    public Task<Stream> OpenAsync(string path, CancellationToken cancellationToken) =>
        Task.FromResult<Stream>(new MemoryStream(store.Files[path].Content.ToArray()));
}
