using Metrics.Contract;

namespace Metrics.Core.Landing;

/// <summary>Read access to landed Arrow files, by stream and UTC hour.</summary>
public interface ILandedFiles
{
    Task<IReadOnlyList<string>> ListHourAsync(TelemetryStream stream, DateTimeOffset hour, CancellationToken cancellationToken);

    /// <summary>
    /// The hour's files with their row counts from the landing manifest (null where a store cannot tell), so that a
    /// reader can size its work before it opens a file.
    /// </summary>
    async Task<IReadOnlyList<LandedFileRef>> ListHourWithRowsAsync(
        TelemetryStream stream,
        DateTimeOffset hour,
        CancellationToken cancellationToken
    ) => (await ListHourAsync(stream, hour, cancellationToken).ConfigureAwait(false)).Select(p => new LandedFileRef(p, null)).ToArray();

    Task<Stream> OpenAsync(string path, CancellationToken cancellationToken);
}
