using Metrics.Contract;

namespace Metrics.Core.Landing;

/// <summary>
/// What compaction needs of landed storage beyond reading: the raw listing of an hour's folder (superseded and
/// compacted files included), streamed writes of files too large to hold in memory, and deletes.
/// </summary>
public interface ILandedHourStore : ILandedFiles
{
    /// <summary>Every blob under the hour's folder, <c>compacted/</c> included, ordered by path.</summary>
    Task<IReadOnlyList<LandedBlob>> ListHourBlobsAsync(TelemetryStream stream, DateTimeOffset hour, CancellationToken cancellationToken);

    /// <summary>
    /// Creates <paramref name="path"/> from what <paramref name="write"/> puts into the (forward-only) stream it is given,
    /// then sets the metadata <paramref name="write"/> returns; durable once the task completes. Never replaces a file:
    /// when <paramref name="path"/> exists (another writer got there first) it throws <see cref="IOException"/> and leaves
    /// that file alone. For files too large to hold in memory, so written in parts: a write that fails part-way can leave a
    /// part-written file, and callers use it only for files nothing reads until another write refers to them.
    /// </summary>
    Task WriteAsync(
        string path,
        string contentType,
        Func<Stream, CancellationToken, Task<IReadOnlyDictionary<string, string>>> write,
        CancellationToken cancellationToken
    );

    /// <summary>
    /// Creates a small file in one request: it appears whole or not at all; <see cref="IOException"/> when it exists.
    /// </summary>
    Task PutAsync(string path, string contentType, ReadOnlyMemory<byte> content, CancellationToken cancellationToken);

    /// <summary>Deletes <paramref name="path"/>; a file already gone is not an error.</summary>
    Task DeleteAsync(string path, CancellationToken cancellationToken);
}
