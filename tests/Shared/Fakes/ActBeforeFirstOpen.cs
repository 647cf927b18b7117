namespace Metrics.Tests.Shared.Fakes;

/// <summary>
/// A reader's landed files that run an action once, after the hour was listed and before its first file is opened: an
/// ingest landing, a compaction replacing the files, or the lease being lost while the rollup reads the hour.
/// </summary>
public sealed class ActBeforeFirstOpen(ILandedFiles inner, Func<Task> act) : ILandedFiles
{
    private bool _acted;

    public Task<IReadOnlyList<string>> ListHourAsync(TelemetryStream stream, DateTimeOffset hour, CancellationToken cancellationToken) =>
        inner.ListHourAsync(stream, hour, cancellationToken);

    public Task<IReadOnlyList<LandedFileRef>> ListHourWithRowsAsync(
        TelemetryStream stream,
        DateTimeOffset hour,
        CancellationToken cancellationToken
    ) => inner.ListHourWithRowsAsync(stream, hour, cancellationToken);

    public async Task<Stream> OpenAsync(string path, CancellationToken cancellationToken)
    {
        if (!_acted)
        {
            _acted = true;
            await act();
        }

        return await inner.OpenAsync(path, cancellationToken);
    }
}
