namespace Metrics.Core.Lake;

/// <summary>
/// The lake's storage (container <c>lake</c>). A file is written whole or not at all and carries the generation of
/// what it holds: it replaces a file only of a lower generation, so a stale writer can never put older data back, and a
/// retry of the same generation changes nothing.
/// </summary>
public interface ILakeStore
{
    /// <summary>The generation of the file at <paramref name="path"/>, or null when there is none.</summary>
    Task<long?> GenerationAsync(string path, CancellationToken cancellationToken);

    /// <summary>
    /// Writes <paramref name="path"/> from what <paramref name="write"/> puts into the stream it is given, as
    /// <paramref name="generation"/>. Readers see the previous file until the write completes, then the new one; a write
    /// that fails leaves the previous file. Returns false, having replaced nothing, when the file there is already of this
    /// generation or a later one.
    /// </summary>
    Task<bool> WriteAsync(string path, long generation, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken);

    /// <summary>The files whose paths start with <paramref name="prefix"/>, ordered by path.</summary>
    Task<IReadOnlyList<LakeFile>> ListAsync(string prefix, CancellationToken cancellationToken);

    Task<Stream> OpenAsync(string path, CancellationToken cancellationToken);
}
