namespace Metrics.Tests.Shared.Fakes;

/// <summary>
/// Landed storage for a compactor that stalls after it has read its hour: an action runs once, before its first write,
/// as happens to a compactor that loses its lease (another compacts the hour meanwhile) and then wakes to write.
/// </summary>
public sealed class ActBeforeFirstWrite(ILandedHourStore inner, Func<Task> act) : ILandedHourStore
{
    private bool _acted;

    public Task<IReadOnlyList<string>> ListHourAsync(TelemetryStream stream, DateTimeOffset hour, CancellationToken cancellationToken) =>
        inner.ListHourAsync(stream, hour, cancellationToken);

    public Task<IReadOnlyList<LandedFileRef>> ListHourWithRowsAsync(
        TelemetryStream stream,
        DateTimeOffset hour,
        CancellationToken cancellationToken
    ) => inner.ListHourWithRowsAsync(stream, hour, cancellationToken);

    public Task<Stream> OpenAsync(string path, CancellationToken cancellationToken) => inner.OpenAsync(path, cancellationToken);

    public Task<IReadOnlyList<LandedBlob>> ListHourBlobsAsync(
        TelemetryStream stream,
        DateTimeOffset hour,
        CancellationToken cancellationToken
    ) => inner.ListHourBlobsAsync(stream, hour, cancellationToken);

    public async Task WriteAsync(
        string path,
        string contentType,
        Func<Stream, CancellationToken, Task<IReadOnlyDictionary<string, string>>> write,
        CancellationToken cancellationToken
    )
    {
        if (!_acted)
        {
            _acted = true;
            await act();
        }

        await inner.WriteAsync(path, contentType, write, cancellationToken);
    }

    public Task PutAsync(string path, string contentType, ReadOnlyMemory<byte> content, CancellationToken cancellationToken) =>
        inner.PutAsync(path, contentType, content, cancellationToken);

    public Task DeleteAsync(string path, CancellationToken cancellationToken) => inner.DeleteAsync(path, cancellationToken);
}
