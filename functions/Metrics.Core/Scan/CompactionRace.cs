namespace Metrics.Core.Scan;

/// <summary>
/// A reader lists an hour, then opens its files; compaction may replace and delete them in between. The reader then
/// meets <see cref="FileNotFoundException"/>, and the cure is to list again (the newer listing names the compacted
/// file). A few tries: each lost race means a compaction finished, and an hour is compacted about once.
/// </summary>
public static class CompactionRace
{
    public const int Attempts = 3;

    public static async Task<T> ListAgainIfGoneAsync<T>(Func<Task<T>> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return await read().ConfigureAwait(false);
            }
            catch (FileNotFoundException) when (attempt < Attempts)
            {
                // Listed before a compaction deleted what it replaced: list again.
            }
        }
    }
}
