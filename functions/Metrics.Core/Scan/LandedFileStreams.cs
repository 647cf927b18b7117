using System.Runtime.CompilerServices;
using Metrics.Core.Landing;

namespace Metrics.Core.Scan;

/// <summary>
/// Opens landed files in order with a few downloads in flight ahead of the reader: an hour is hundreds of small blobs,
/// and waiting for each in turn left the reader idle. Memory holds at most <c>ahead</c> files beyond the one being read.
/// </summary>
public static class LandedFileStreams
{
    public const int DefaultAhead = 8;

    public static async IAsyncEnumerable<Stream> OpenInOrderAsync(
        ILandedFiles files,
        IReadOnlyList<string> paths,
        [EnumeratorCancellation] CancellationToken cancellationToken,
        int ahead = DefaultAhead
    )
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(paths);
        var pending = new Queue<Task<Stream>>();
        int next = 0;
        try
        {
            while (next < paths.Count || pending.Count > 0)
            {
                while (pending.Count <= ahead && next < paths.Count)
                {
                    pending.Enqueue(files.OpenAsync(paths[next++], cancellationToken));
                }

                Stream stream = await pending.Dequeue().ConfigureAwait(false);
                await using (stream.ConfigureAwait(false))
                {
                    yield return stream;
                }
            }
        }
        finally
        {
            // A reader that stops early (an error, a cancellation) must not leave downloads running unobserved.
            while (pending.Count > 0)
            {
                try
                {
                    await (await pending.Dequeue().ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // Already failing or cancelled: the first error is the one reported.
                }
            }
        }
    }
}
